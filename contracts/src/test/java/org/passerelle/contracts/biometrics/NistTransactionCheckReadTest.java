package org.passerelle.contracts.biometrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.passerelle.contracts.biometrics.Compression.JPEG;
import static org.passerelle.contracts.biometrics.Compression.WSQ;
import static org.passerelle.contracts.biometrics.ImpressionType.NONLIVE_PLAIN;
import static org.passerelle.contracts.biometrics.ImpressionType.NONLIVE_ROLLED;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class NistTransactionCheckReadTest {

    private final NistTransactionCheck check = new NistTransactionCheck(Samples.LIMIT);

    @Test
    void readsTheType4TenprintCardAsFourteenWsqRecordsAt500Ppi() {
        // given
        byte[] card = Samples.load(Samples.TYPE_4_TPCARD);

        // when
        TransactionFacts facts = check.read(card);

        // then
        assertThat(facts.transactionType()).isEqualTo("AMN");
        assertThat(facts.fingerprints())
                .extracting(DeclaredFingerprint::recordType, DeclaredFingerprint::position, DeclaredFingerprint::impressionType)
                .containsExactly(
                        tuple(4, 1, NONLIVE_ROLLED), tuple(4, 2, NONLIVE_ROLLED), tuple(4, 3, NONLIVE_ROLLED),
                        tuple(4, 4, NONLIVE_ROLLED), tuple(4, 5, NONLIVE_ROLLED), tuple(4, 6, NONLIVE_ROLLED),
                        tuple(4, 7, NONLIVE_ROLLED), tuple(4, 8, NONLIVE_ROLLED), tuple(4, 9, NONLIVE_ROLLED),
                        tuple(4, 10, NONLIVE_ROLLED),
                        // the card stores the slaps and thumbs in the order 14, 12, 11, 13
                        tuple(4, 14, NONLIVE_PLAIN), tuple(4, 12, NONLIVE_PLAIN), tuple(4, 11, NONLIVE_PLAIN),
                        tuple(4, 13, NONLIVE_PLAIN));
        assertThat(facts.fingerprints()).allSatisfy(f -> {
            assertThat(f.compression()).isEqualTo(WSQ);
            assertThat(f.resolutionPpi()).isEqualTo(500);
            assertThat(f.quality()).as("Type-4 states no quality").isNull();
        });
        assertThat(facts.facialImage()).isFalse();
        assertThat(facts.irisImage()).isFalse();
    }

    @Test
    void readsTheType14TenprintCardWithItsNistQualityMappedToTheWorstFingerOfEachRecord() {
        // given
        byte[] card = Samples.load(Samples.TYPE_14_TPCARD_NQM);

        // when
        TransactionFacts facts = check.read(card);

        // then: NFIQ 1,5,5,1,5,1,5,1,3,5 on the rolled fingers; thumbs NFIQ 3; slaps worst NFIQ 3 (fingers 2–5: 3,2,3,3; 7–10: 2,2,2,3)
        assertThat(facts.transactionType()).isEqualTo("AMN");
        assertThat(facts.fingerprints())
                .extracting(DeclaredFingerprint::recordType, DeclaredFingerprint::position, DeclaredFingerprint::quality)
                .containsExactly(
                        tuple(14, 1, 100), tuple(14, 2, 20), tuple(14, 3, 20), tuple(14, 4, 100), tuple(14, 5, 20),
                        tuple(14, 6, 100), tuple(14, 7, 20), tuple(14, 8, 100), tuple(14, 9, 60), tuple(14, 10, 20),
                        tuple(14, 14, 60), tuple(14, 12, 60), tuple(14, 11, 60), tuple(14, 13, 60));
        assertThat(facts.fingerprints()).allSatisfy(f -> {
            assertThat(f.compression()).isEqualTo(WSQ);
            // 197 pixels per centimetre is 500.38 ppi
            assertThat(f.resolutionPpi()).isEqualTo(500);
            assertThat(f.impressionType()).isEqualTo(f.position() <= 10 ? NONLIVE_ROLLED : NONLIVE_PLAIN);
        });
    }

    @Test
    void readsTheSlapsAsType4FourFingerSlapsAndAType14TwoThumbSlap() {
        // given
        byte[] slaps = Samples.load(Samples.TYPE_4_14_SLAPS);

        // when
        TransactionFacts facts = check.read(slaps);

        // then
        assertThat(facts.fingerprints()).containsExactly(
                new DeclaredFingerprint(4, 14, NONLIVE_PLAIN, WSQ, 500, null),
                new DeclaredFingerprint(4, 13, NONLIVE_PLAIN, WSQ, 500, null),
                new DeclaredFingerprint(14, 15, NONLIVE_PLAIN, WSQ, 500, null));
        assertThat(facts.facialImage()).isFalse();
        assertThat(facts.irisImage()).isFalse();
    }

    @Test
    void readsThePivTransactionAsFaceTwoLosslessJpegIndexFingersAndIris() {
        // given
        byte[] piv = Samples.load(Samples.PIV_INDEX_IRIS);

        // when
        TransactionFacts facts = check.read(piv);

        // then: the README calls these fingers uncompressed, but their CGA is JPEGL (lossless JPEG)
        assertThat(facts.fingerprints()).containsExactly(
                new DeclaredFingerprint(14, 2, NONLIVE_PLAIN, JPEG, 500, null),
                new DeclaredFingerprint(14, 7, NONLIVE_PLAIN, JPEG, 500, null));
        assertThat(facts.facialImage()).isTrue();
        assertThat(facts.irisImage()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("org.passerelle.contracts.biometrics.Samples#TRANSACTIONS")
    void passesEachSampleWithTheDeclarationDescribeStates(String sample) {
        // given
        byte[] transaction = Samples.load(sample);
        DeclaredBiometrics declared = check.describe(transaction);

        // when
        TransactionFacts facts = check.check(transaction, declared);

        // then
        assertThat(facts.asDeclared()).isEqualTo(declared);
    }

    @Test
    void passesADeclarationListingTheRecordsInAnotherOrder() {
        // given
        byte[] card = Samples.load(Samples.TYPE_4_TPCARD);
        DeclaredBiometrics described = check.describe(card);
        var reversed = IntStream.range(0, described.fingerprints().size())
                .mapToObj(i -> described.fingerprints().get(described.fingerprints().size() - 1 - i))
                .toList();

        // when / then
        assertThat(check.check(card, new DeclaredBiometrics(reversed, false, false)).fingerprints()).hasSize(14);
    }
}
