package org.passerelle.contracts.biometrics;

import static org.assertj.core.api.Assertions.assertThat;

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
