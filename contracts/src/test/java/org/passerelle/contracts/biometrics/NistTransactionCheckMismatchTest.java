package org.passerelle.contracts.biometrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.contracts.ContractErrorCode;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.contracts.Violation;

class NistTransactionCheckMismatchTest {

    private static final NistTransactionCheck CHECK = new NistTransactionCheck(Samples.LIMIT);
    private static final byte[] TYPE_4_CARD = Samples.load(Samples.TYPE_4_TPCARD);
    private static final byte[] TYPE_14_CARD = Samples.load(Samples.TYPE_14_TPCARD_NQM);
    /** Read once: decoding a card's fourteen WSQ images takes most of a second. */
    private static final DeclaredBiometrics TYPE_4_CARD_DECLARED = CHECK.describe(TYPE_4_CARD);
    private static final DeclaredBiometrics TYPE_14_CARD_DECLARED = CHECK.describe(TYPE_14_CARD);

    private final NistTransactionCheck check = CHECK;
    private final byte[] type4Card = TYPE_4_CARD;
    private final byte[] type14Card = TYPE_14_CARD;

    @Test
    void refusesADeclaredFingerTheTransactionDoesNotHold() {
        // given: the two-thumb slap (15) is not on the card
        DeclaredBiometrics declared = withFingerprints(TYPE_4_CARD_DECLARED, list -> {
            list.add(new DeclaredFingerprint(4, 15, ImpressionType.NONLIVE_PLAIN, Compression.WSQ, 500, null));
            return list;
        });

        // when
        ContractViolationException refused = refusal(type4Card, declared);

        // then
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("Fingerprint[recordType=4,position=15]");
            assertThat(v.message()).contains("does not hold");
        });
    }

    @Test
    void refusesAFingerTheTransactionHoldsButTheBodyDoesNotDeclare() {
        // given
        DeclaredBiometrics declared = withFingerprints(TYPE_4_CARD_DECLARED, list -> {
            list.removeIf(f -> f.position() == 13);
            return list;
        });

        // when
        ContractViolationException refused = refusal(type4Card, declared);

        // then
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("Fingerprint[recordType=4,position=13]");
            assertThat(v.message()).contains("does not declare");
        });
    }

    @Test
    void refusesAFingerDeclaredInTheWrongRecordTypeAsOneMissingAndOneUndeclared() {
        // given: position 1 is a Type-4 record, declared as Type-14
        DeclaredBiometrics declared = withFingerprints(TYPE_4_CARD_DECLARED, list -> replace(list, 1,
                f -> new DeclaredFingerprint(14, 1, f.impressionType(), f.compression(), f.resolutionPpi(), null)));

        // when
        ContractViolationException refused = refusal(type4Card, declared);

        // then
        assertThat(refused.violations()).extracting(Violation::path)
                .containsExactly("Fingerprint[recordType=4,position=1]", "Fingerprint[recordType=14,position=1]");
    }

    @Test
    void refusesAWrongImpressionType() {
        // given: finger 2 is rolled on the card
        DeclaredBiometrics declared = withFingerprints(TYPE_4_CARD_DECLARED, list -> replace(list, 2,
                f -> new DeclaredFingerprint(4, 2, ImpressionType.LIVE_PLAIN, f.compression(), f.resolutionPpi(), null)));

        // when
        ContractViolationException refused = refusal(type4Card, declared);

        // then
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("Fingerprint[recordType=4,position=2]/ImpressionType");
            assertThat(v.message()).isEqualTo("declared LIVE_PLAIN, found NONLIVE_ROLLED");
        });
    }

    @Test
    void refusesAWrongCompression() {
        // given
        DeclaredBiometrics declared = withFingerprints(TYPE_4_CARD_DECLARED, list -> replace(list, 13,
                f -> new DeclaredFingerprint(4, 13, f.impressionType(), Compression.NONE, f.resolutionPpi(), null)));

        // when
        ContractViolationException refused = refusal(type4Card, declared);

        // then
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("Fingerprint[recordType=4,position=13]/Compression");
            assertThat(v.message()).isEqualTo("declared NONE, found WSQ");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 490, 250})
    void refusesAResolutionMoreThanOnePercentAway(int ppi) {
        // given: the Type-14 card is at 197 pixels per centimetre, 500.38 ppi
        DeclaredBiometrics declared = withFingerprints(TYPE_14_CARD_DECLARED, list -> replace(list, 5,
                f -> new DeclaredFingerprint(14, 5, f.impressionType(), f.compression(), ppi, f.quality())));

        // when
        ContractViolationException refused = refusal(type14Card, declared);

        // then
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("Fingerprint[recordType=14,position=5]/Resolution");
            assertThat(v.message()).startsWith("declared " + ppi + " ppi, found 500.38 ppi");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {496, 500, 505})
    void acceptsAResolutionWithinOnePercent(int ppi) {
        // given
        DeclaredBiometrics declared = withFingerprints(TYPE_14_CARD_DECLARED, list -> replace(list, 5,
                f -> new DeclaredFingerprint(14, 5, f.impressionType(), f.compression(), ppi, f.quality())));

        // when / then
        assertThat(check.check(type14Card, declared).fingerprints()).hasSize(14);
    }

    @Test
    void refusesAQualityOutsideTheBandOfTheStatedNfiq() {
        // given: finger 2 has NFIQ 5, which agrees with 0–20
        DeclaredBiometrics declared = withFingerprints(TYPE_14_CARD_DECLARED, list -> replace(list, 2,
                f -> new DeclaredFingerprint(14, 2, f.impressionType(), f.compression(), f.resolutionPpi(), 90)));

        // when
        ContractViolationException refused = refusal(type14Card, declared);

        // then
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("Fingerprint[recordType=14,position=2]/Quality");
            assertThat(v.message()).isEqualTo("declared 90, found NFIQ 5 (NQM), which agrees with 0–20");
        });
    }

    @Test
    void acceptsAnyQualityWithinTheBandOfTheStatedNfiq() {
        // given: finger 9 has NFIQ 3, which agrees with 41–60
        DeclaredBiometrics declared = withFingerprints(TYPE_14_CARD_DECLARED, list -> replace(list, 9,
                f -> new DeclaredFingerprint(14, 9, f.impressionType(), f.compression(), f.resolutionPpi(), 41)));

        // when / then
        assertThat(check.check(type14Card, declared).fingerprints()).hasSize(14);
    }

    @Test
    void acceptsADeclaredQualityWhenTheTransactionStatesNone() {
        // given: Type-4 records carry no quality, so there is nothing to contradict
        DeclaredBiometrics declared = withFingerprints(TYPE_4_CARD_DECLARED, list -> replace(list, 1,
                f -> new DeclaredFingerprint(4, 1, f.impressionType(), f.compression(), f.resolutionPpi(), 80)));

        // when
        TransactionFacts facts = check.check(type4Card, declared);

        // then: the facts still show the quality as unproven
        assertThat(facts.fingerprints().get(0).quality()).isNull();
    }

    @Test
    void refusesAFacialImageTheBodyDoesNotDeclare() {
        // given
        byte[] piv = Samples.load(Samples.PIV_INDEX_IRIS);
        DeclaredBiometrics described = check.describe(piv);
        DeclaredBiometrics declared = new DeclaredBiometrics(described.fingerprints(), false, true);

        // when
        ContractViolationException refused = refusal(piv, declared);

        // then
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("FacialImage");
            assertThat(v.message()).contains("holds a facial image").contains("does not declare");
        });
    }

    @Test
    void refusesADeclaredIrisImageTheTransactionDoesNotHold() {
        // given
        DeclaredBiometrics declared = new DeclaredBiometrics(TYPE_4_CARD_DECLARED.fingerprints(), false, true);

        // when
        ContractViolationException refused = refusal(type4Card, declared);

        // then
        assertThat(refused.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("IrisImage");
            assertThat(v.message()).contains("declares an iris image").contains("holds none");
        });
    }

    @Test
    void listsEveryContradictionAtOnceInRecordOrderThenFaceThenIris() {
        // given: finger 2 with the wrong compression and resolution, a slap 15 that is absent, face and iris undeclared
        byte[] piv = Samples.load(Samples.PIV_INDEX_IRIS);
        DeclaredBiometrics declared = new DeclaredBiometrics(List.of(
                new DeclaredFingerprint(14, 2, ImpressionType.NONLIVE_PLAIN, Compression.WSQ, 1000, null),
                new DeclaredFingerprint(14, 7, ImpressionType.NONLIVE_PLAIN, Compression.JPEG, 500, null),
                new DeclaredFingerprint(14, 15, ImpressionType.NONLIVE_PLAIN, Compression.JPEG, 500, null)),
                false, false);

        // when
        ContractViolationException refused = refusal(piv, declared);

        // then
        assertThat(refused.violations()).extracting(Violation::path).containsExactly(
                "Fingerprint[recordType=14,position=2]/Compression",
                "Fingerprint[recordType=14,position=2]/Resolution",
                "Fingerprint[recordType=14,position=15]",
                "FacialImage",
                "IrisImage");
        assertThat(refused.getMessage()).contains("(and 4 more)");
    }

    @Test
    void refusesTheSlapsDeclaredAsTheTenprintCard() {
        // given: the declaration of one transaction sent with another
        byte[] slaps = Samples.load(Samples.TYPE_4_14_SLAPS);
        DeclaredBiometrics cardDeclaration = TYPE_4_CARD_DECLARED;

        // when
        ContractViolationException refused = refusal(slaps, cardDeclaration);

        // then: 12 declared records absent, one undeclared (14, 15)
        assertThat(refused.violations()).hasSize(13);
        assertThat(refused.violations()).extracting(Violation::path).contains("Fingerprint[recordType=14,position=15]");
    }

    private ContractViolationException refusal(byte[] transaction, DeclaredBiometrics declared) {
        ContractViolationException refused =
                catchThrowableOfType(ContractViolationException.class, () -> check.check(transaction, declared));
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.code()).isEqualTo(ContractErrorCode.BIO_TRANSACTION_MISMATCH);
        assertThat(refused.violations()).allSatisfy(v -> assertThat(v.line()).isEqualTo(-1));
        return refused;
    }

    private static DeclaredBiometrics withFingerprints(
            DeclaredBiometrics declared, UnaryOperator<List<DeclaredFingerprint>> change) {
        return new DeclaredBiometrics(
                change.apply(new ArrayList<>(declared.fingerprints())), declared.facialImage(), declared.irisImage());
    }

    private static List<DeclaredFingerprint> replace(
            List<DeclaredFingerprint> list, int position, UnaryOperator<DeclaredFingerprint> change) {
        list.replaceAll(f -> f.position() == position ? change.apply(f) : f);
        return list;
    }
}
