package org.passerelle.contracts.biometrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.ContractErrorCode;
import org.passerelle.contracts.ContractViolationException;

/**
 * {@code read}, {@code check} and {@code describe} walk each WSQ image's structure without decoding its pixels; only
 * {@code images}, which the gallery and the matcher use, decodes them, and so only it finds entropy-coded data that do
 * not decode.
 */
class NistTransactionCheckWithoutPixelsTest {

    private static final byte[] WSQ_START_OF_IMAGE = {(byte) 0xFF, (byte) 0xA0};
    private static final byte[] WSQ_START_OF_BLOCK = {(byte) 0xFF, (byte) 0xA3};

    private final NistTransactionCheck check = new NistTransactionCheck(Samples.LIMIT);
    private final byte[] slaps = Samples.load(Samples.TYPE_4_14_SLAPS);

    @Test
    void readsAWellFramedImageWhoseCompressedDataDoNotDecodeWhichOnlyImagesRefuses() {
        // given: the second block's entropy-coded data of the first slap (record 3) replaced by random bytes other than
        // FF, so that every marker stays in place; decoding them runs past the image's coefficients
        byte[] garbled = slaps.clone();
        int image = Samples.indexOf(garbled, WSQ_START_OF_IMAGE, 0);
        int firstBlock = Samples.indexOf(garbled, WSQ_START_OF_BLOCK, image);
        int secondBlock = Samples.indexOf(garbled, WSQ_START_OF_BLOCK, firstBlock + 2);
        int thirdBlock = Samples.indexOf(garbled, WSQ_START_OF_BLOCK, secondBlock + 2);
        Random random = new Random(15);
        for (int i = secondBlock + 5; i < thirdBlock; i++) {
            garbled[i] = (byte) random.nextInt(0xFF);
        }

        // when
        TransactionFacts read = check.read(garbled);
        TransactionFacts checked = check.check(garbled, check.describe(slaps));
        ContractViolationException refused =
                catchThrowableOfType(ContractViolationException.class, () -> check.images(garbled));

        // then
        assertThat(read).isEqualTo(check.read(slaps));
        assertThat(checked).isEqualTo(read);
        assertThat(refused.code()).isEqualTo(ContractErrorCode.BIO_TRANSACTION_MALFORMED);
        assertThat(refused.violations()).hasSize(1);
        assertThat(refused.violations().get(0).message()).startsWith("the transaction cannot be parsed (");
    }

    @Test
    void decodesEveryImageOfTheSameTransactionUnharmed() {
        // when
        List<FingerprintImage> images = check.images(slaps);

        // then
        assertThat(images).extracting(FingerprintImage::position).containsExactly(14, 13, 15);
    }

    @Test
    void refusesInReadAWsqImageWhoseFramingIsBroken() {
        // given: the first slap's second block header names Huffman table 7, which the image does not define
        byte[] forged = slaps.clone();
        int image = Samples.indexOf(forged, WSQ_START_OF_IMAGE, 0);
        int firstBlock = Samples.indexOf(forged, WSQ_START_OF_BLOCK, image);
        int secondBlock = Samples.indexOf(forged, WSQ_START_OF_BLOCK, firstBlock + 2);
        forged[secondBlock + 4] = 7;

        // when
        ContractViolationException refused =
                catchThrowableOfType(ContractViolationException.class, () -> check.read(forged));

        // then
        assertThat(refused.code()).isEqualTo(ContractErrorCode.BIO_TRANSACTION_MALFORMED);
        assertThat(refused.violations().get(0).message())
                .isEqualTo("record 3: a WSQ block names a Huffman table not defined before it");
        assertThat(refused.getCause()).isNull();
    }
}
