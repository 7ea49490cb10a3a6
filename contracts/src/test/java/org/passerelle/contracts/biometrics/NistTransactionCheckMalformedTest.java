package org.passerelle.contracts.biometrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.contracts.ContractErrorCode;
import org.passerelle.contracts.ContractViolationException;

class NistTransactionCheckMalformedTest {

    private static final byte[] WSQ_START_OF_IMAGE = {(byte) 0xFF, (byte) 0xA0};
    private static final byte[] WSQ_FRAME_HEADER = {(byte) 0xFF, (byte) 0xA2};
    /** The slaps file: Type-1, Type-2, two Type-4 (14, 13), one Type-14 (15). */
    private static final List<Integer> SLAPS_RECORD_TYPES = List.of(1, 2, 4, 4, 14);

    private final NistTransactionCheck check = new NistTransactionCheck(Samples.LIMIT);
    private final byte[] slaps = Samples.load(Samples.TYPE_4_14_SLAPS);

    @Test
    void refusesAnEmptyTransaction() {
        assertMalformed(new byte[0]);
    }

    @Test
    void refusesNoTransactionAtAll() {
        assertMalformed(null);
    }

    @Test
    void refusesTextThatIsNotATransaction() {
        assertMalformed("<Envelope>not a transaction</Envelope>".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesRandomBytes() {
        // given
        Random random = new Random(20_260_101);
        for (int i = 0; i < 20; i++) {
            byte[] garbage = new byte[1 + random.nextInt(4_000)];
            random.nextBytes(garbage);

            // when / then
            assertMalformed(garbage);
        }
    }

    @Test
    void refusesABareWsqImageThatIsNotATransaction() {
        assertMalformed(Samples.load(Samples.BARE_WSQ));
    }

    @Test
    void refusesATransactionLargerThanTheLimitBeforeParsingIt() {
        // given
        NistTransactionCheck small = new NistTransactionCheck(100_000);

        // when
        ContractViolationException refused = catchThrowableOfType(
                ContractViolationException.class, () -> small.read(Samples.load(Samples.TYPE_4_TPCARD)));

        // then
        assertThat(refused.code()).isEqualTo(ContractErrorCode.BIO_TRANSACTION_MALFORMED);
        assertThat(refused.getCause()).isNull();
        assertThat(refused.violations().get(0).message()).isEqualTo(
                "the transaction is 672832 bytes, more than the limit of 100000");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 6, 20, 100, 300, 1_000, 50_000, 133_000, 267_000, 267_478})
    void refusesTheSlapsTruncatedAt(int length) {
        assertMalformed(Arrays.copyOf(slaps, length));
    }

    @Test
    void refusesTheTenprintCardTruncatedAtEveryTenthOfItsLength() {
        for (String sample : Samples.TRANSACTIONS) {
            byte[] transaction = Samples.load(sample);
            for (int tenth = 1; tenth < 10; tenth++) {
                assertMalformed(Arrays.copyOf(transaction, transaction.length * tenth / 10));
            }
        }
    }

    @Test
    void refusesBytesAfterTheLastRecord() {
        // given
        byte[] padded = Arrays.copyOf(slaps, slaps.length + 16);

        // when / then
        assertThat(assertMalformed(padded).violations().get(0).message()).contains("follow the last record");
    }

    @Test
    @Timeout(10)
    void refusesARecordLengthBeyondTheInputWithoutAllocatingIt() {
        // given: jnbis would allocate the two gigabytes the first Type-4 record claims
        byte[] forged = slaps.clone();
        int type4 = Samples.recordOffset(forged, 2, SLAPS_RECORD_TYPES);
        forged[type4] = 0x7F;

        // when / then
        assertThat(assertMalformed(forged).violations().get(0).message())
                .startsWith("a Type-4 record states a length of 2");
    }

    @Test
    void refusesAWsqImageWhoseStartMarkerIsBitFlipped() {
        // given
        byte[] flipped = slaps.clone();
        int image = Samples.indexOf(flipped, WSQ_START_OF_IMAGE, Samples.recordOffset(flipped, 2, SLAPS_RECORD_TYPES));
        flipped[image + 1] ^= 0x01;

        // when / then
        assertThat(assertMalformed(flipped).violations().get(0).message())
                .isEqualTo("record 3: the image does not start with a WSQ start-of-image marker");
    }

    @Test
    void refusesAWsqImageWhoseFrameHeaderWidthIsBitFlipped() {
        // given: the width no longer agrees with the record's horizontal line length
        byte[] flipped = slaps.clone();
        int frame = Samples.indexOf(flipped, WSQ_FRAME_HEADER, Samples.recordOffset(flipped, 4, SLAPS_RECORD_TYPES));
        flipped[frame + 9] ^= 0x10;

        // when / then
        assertThat(assertMalformed(flipped).violations().get(0).message()).startsWith("record 5: the WSQ image is");
    }

    @Test
    void refusesAWsqImageWhoseTablesAreBitFlipped() {
        // given: one bit flipped in the first table segment's length after the start-of-image marker
        byte[] flipped = slaps.clone();
        int image = Samples.indexOf(flipped, WSQ_START_OF_IMAGE, Samples.recordOffset(flipped, 3, SLAPS_RECORD_TYPES));
        flipped[image + 4] ^= 0x40;

        // when / then
        assertMalformed(flipped);
    }

    @Test
    void refusesAWsqImageCutShortInsideItsRecord() {
        // given: the compressed data of the Type-14 slap is overwritten by zeros from its middle on, end marker included
        byte[] damaged = slaps.clone();
        int start = Samples.recordOffset(damaged, 4, SLAPS_RECORD_TYPES);
        int image = Samples.indexOf(damaged, WSQ_START_OF_IMAGE, start);
        Arrays.fill(damaged, image + (damaged.length - image) / 2, damaged.length - 1, (byte) 0);

        // when / then: found by the walk of its structure, without decoding it
        assertThat(assertMalformed(damaged).violations().get(0).message())
                .isEqualTo("record 5: the WSQ image ends inside its compressed data");
    }

    @Test
    void refusesAnImageTooLargeToDecodeBeforeDecodingIt() {
        // given: record and WSQ frame header both claim 65,535 × 65,535 pixels
        byte[] forged = slaps.clone();
        int type4 = Samples.recordOffset(forged, 2, SLAPS_RECORD_TYPES);
        for (int hllVll = type4 + 13; hllVll < type4 + 17; hllVll++) {
            forged[hllVll] = (byte) 0xFF;
        }
        int frame = Samples.indexOf(forged, WSQ_FRAME_HEADER, type4);
        for (int yx = frame + 6; yx < frame + 10; yx++) {
            forged[yx] = (byte) 0xFF;
        }

        // when / then
        assertThat(assertMalformed(forged).violations().get(0).message())
                .isEqualTo("record 3: the WSQ image is larger than this gateway decodes");
    }

    @Test
    void refusesAnUnknownFingerPosition() {
        // given: the first Type-4 record's finger position (FGP, the byte after IDC and IMP) becomes 16
        byte[] forged = slaps.clone();
        forged[Samples.recordOffset(forged, 2, SLAPS_RECORD_TYPES) + 6] = 16;

        // when / then
        assertThat(assertMalformed(forged).violations().get(0).message())
                .isEqualTo("record 3: finger position 16 is not a position this gateway exchanges (1–15)");
    }

    @Test
    void refusesATransactionWithoutAType1Record() {
        // given: the transaction from its Type-2 record on
        int type2 = Samples.recordOffset(slaps, 1, SLAPS_RECORD_TYPES);

        // when / then
        assertMalformed(Arrays.copyOfRange(slaps, type2, slaps.length));
    }

    @Test
    @Timeout(120)
    void refusesOrReadsEveryBitFlipButNeverLeaksARawException() {
        // given: WSQ has no checksum, and read walks the images' structure without decoding their entropy-coded data,
        // so a flip there passes; the check's promise is that it never fails in any way other than
        // BIO_TRANSACTION_MALFORMED, and never hangs.
        Random random = new Random(42);
        byte[] piv = Samples.load(Samples.PIV_INDEX_IRIS);
        int refused = 0;
        for (int i = 0; i < 150; i++) {
            byte[] source = i % 3 == 0 ? slaps : piv;
            byte[] flipped = source.clone();
            // half the flips land in the first records (lengths, separators, codes, but also free text), the rest anywhere
            int at = i % 2 == 0 ? random.nextInt(600) : random.nextInt(flipped.length);
            flipped[at] ^= (byte) (1 << random.nextInt(8));

            // when
            long started = System.nanoTime();
            try {
                check.read(flipped);
            } catch (ContractViolationException e) {
                // then
                assertThat(e.code()).isEqualTo(ContractErrorCode.BIO_TRANSACTION_MALFORMED);
                refused++;
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(refused).as("flips of lengths, separators and codes are refused").isGreaterThan(10);
    }

    private ContractViolationException assertMalformed(byte[] transaction) {
        ContractViolationException refused =
                catchThrowableOfType(ContractViolationException.class, () -> check.read(transaction));
        assertThat(refused).as("refused as a ContractViolationException").isNotNull();
        assertThat(refused.code()).isEqualTo(ContractErrorCode.BIO_TRANSACTION_MALFORMED);
        assertThat(refused.violations()).hasSize(1);
        ContractViolationException refusedByCheck = catchThrowableOfType(ContractViolationException.class,
                () -> check.check(transaction, new DeclaredBiometrics(List.of(), false, false)));
        assertThat(refusedByCheck.code()).isEqualTo(ContractErrorCode.BIO_TRANSACTION_MALFORMED);
        return refused;
    }
}
