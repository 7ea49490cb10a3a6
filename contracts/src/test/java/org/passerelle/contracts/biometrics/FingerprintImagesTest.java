package org.passerelle.contracts.biometrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FingerprintImagesTest {

    private final NistTransactionCheck check = new NistTransactionCheck(Samples.LIMIT);

    @Test
    void decodesEveryFingerOfTheTenprintCardToGrayscaleAt500Ppi() {
        // given
        byte[] card = Samples.load(Samples.TYPE_4_TPCARD);

        // when
        List<FingerprintImage> images = check.images(card);

        // then
        assertThat(images).extracting(FingerprintImage::position)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 12, 11, 13);
        FingerprintImage rightThumb = images.get(0);
        assertThat(rightThumb.recordType()).isEqualTo(4);
        assertThat(rightThumb.width()).isEqualTo(804);
        assertThat(rightThumb.height()).isEqualTo(752);
        assertThat(rightThumb.resolutionPpi()).isEqualTo(500);
        assertThat(rightThumb.pixels()).hasSize(804 * 752);
        assertThat(images.get(10).width()).as("left four-finger slap").isEqualTo(1608);
        assertThat(images).allSatisfy(image -> assertThat(distinctGrayLevels(image)).isGreaterThan(64));
    }

    @Test
    void decodesTheSameFingerIdenticallyFromTheType4AndType14Cards() {
        // given
        FingerprintImage fromType4 = check.images(Samples.load(Samples.TYPE_4_TPCARD)).get(0);

        // when
        FingerprintImage fromType14 = check.images(Samples.load(Samples.TYPE_14_TPCARD_NQM)).get(0);

        // then
        assertThat(fromType14.recordType()).isEqualTo(14);
        assertThat(fromType14.pixels()).isEqualTo(fromType4.pixels());
    }

    @Test
    void leavesOutFingersItCannotDecodeSuchAsLosslessJpeg() {
        // when
        List<FingerprintImage> images = check.images(Samples.load(Samples.PIV_INDEX_IRIS));

        // then
        assertThat(images).isEmpty();
    }

    @Test
    void neverShowsPixelsWhenPrinted() {
        // given
        FingerprintImage image = check.images(Samples.load(Samples.TYPE_4_14_SLAPS)).get(2);

        // when
        String printed = image.toString();

        // then
        assertThat(printed).isEqualTo("FingerprintImage[recordType=14, position=15, 804x1000 px, 500 ppi]");
    }

    @Test
    void keepsItsPixelsFromBeingChangedByACaller() {
        // given
        FingerprintImage image = check.images(Samples.load(Samples.TYPE_4_14_SLAPS)).get(0);
        byte before = image.pixels()[0];

        // when
        image.pixels()[0] = (byte) ~before;

        // then
        assertThat(image.pixels()[0]).isEqualTo(before);
    }

    @Test
    void readsAndDecodesAnUncompressedType14FingerWithoutItsRecordSeparator() {
        // given: a Type-14 record of 4 × 3 uncompressed pixels; jnbis hands over its image field with the FS that
        // closes the record, which once made every such image one byte too long and the transaction malformed
        byte[] pixels = {0, 20, 40, 60, 80, 100, 120, (byte) 140, (byte) 160, (byte) 180, (byte) 200, (byte) 220};
        byte[] transaction = uncompressedType14(4, 3, pixels);

        // when
        TransactionFacts facts = check.read(transaction);
        List<FingerprintImage> images = check.images(transaction);

        // then
        assertThat(facts.fingerprints()).containsExactly(
                new DeclaredFingerprint(14, 2, ImpressionType.LIVE_ROLLED, Compression.NONE, 500, null));
        assertThat(images).singleElement().satisfies(image -> {
            assertThat(image.width()).isEqualTo(4);
            assertThat(image.height()).isEqualTo(3);
            assertThat(image.pixels()).isEqualTo(pixels);
        });
    }

    /** A Type-1 record and one Type-14 record (right index finger, live rolled, 500 ppi) holding uncompressed pixels. */
    private static byte[] uncompressedType14(int width, int height, byte[] pixels) {
        String type1 = "\u001d1.002:0502\u001d1.003:1\u001f1\u001e14\u001f01\u001d1.004:CAR\u001d1.005:20261203"
                + "\u001d1.007:GBTEST0000\u001d1.008:FRTEST0000\u001d1.009:UNCOMPRESSED\u001d1.011:19.69\u001d1.012:19.69";
        String type14 = "\u001d14.002:01\u001d14.003:1\u001d14.004:GBTEST0000\u001d14.005:20261203\u001d14.006:" + width
                + "\u001d14.007:" + height + "\u001d14.008:1\u001d14.009:500\u001d14.010:500\u001d14.011:NONE"
                + "\u001d14.012:8\u001d14.013:2\u001d14.999:";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(taggedRecord(1, type1, new byte[0]));
        out.writeBytes(taggedRecord(14, type14, pixels));
        return out.toByteArray();
    }

    /** {@code <type>.001:<LEN>}, the fields, the binary value, FS; LEN counts the whole record, its own digits included. */
    private static byte[] taggedRecord(int type, String fields, byte[] value) {
        String head = type + ".001:";
        int length = head.length() + fields.length() + value.length + 1;
        length += String.valueOf(length + String.valueOf(length).length()).length();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((head + length + fields).getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(value);
        out.write(0x1C);
        assertThat(out.size()).as("record length").isEqualTo(length);
        return out.toByteArray();
    }

    private static long distinctGrayLevels(FingerprintImage image) {
        boolean[] seen = new boolean[256];
        for (byte pixel : image.pixels()) {
            seen[pixel & 0xFF] = true;
        }
        long count = 0;
        for (boolean level : seen) {
            count += level ? 1 : 0;
        }
        return count;
    }
}
