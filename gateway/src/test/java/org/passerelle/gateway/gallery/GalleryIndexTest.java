package org.passerelle.gateway.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.passerelle.gateway.gallery.GallerySamples.BARE_WSQ;
import static org.passerelle.gateway.gallery.GallerySamples.SLAPS;
import static org.passerelle.gateway.gallery.GallerySamples.TYPE_14_TPCARD;
import static org.passerelle.gateway.gallery.GallerySamples.TYPE_4_TPCARD;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.biometrics.FingerprintImage;

/** Searches of a small gallery holding the NIST reference person and another person, with real templates. */
class GalleryIndexTest {

    private static final long PERSON = 1;
    private static final long OTHER_PERSON = 2;

    private GalleryIndex index;

    @BeforeEach
    void enrolBothPeople() {
        index = new GalleryIndex(GallerySamples.MATCHER);
        index.put(PERSON, GallerySamples.templates(GalleryTemplates.forEnrolment(GallerySamples.images(TYPE_4_TPCARD))));
        index.put(OTHER_PERSON, GallerySamples.templates(GallerySamples.images(BARE_WSQ)));
    }

    @AfterEach
    void close() {
        index.close();
    }

    @Test
    void enrolmentKeepsTheRolledFingersOnly() {
        // when
        List<FingerprintImage> kept = GalleryTemplates.forEnrolment(GallerySamples.images(TYPE_4_TPCARD));

        // then
        assertThat(kept).extracting(FingerprintImage::position).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.templateCount()).isEqualTo(11);
    }

    @Test
    void enrolmentKeepsASlapOnlyForFingersNoBetterImpressionShows() {
        // given: the card's right hand is missing its rolled index finger and plain right thumb
        List<FingerprintImage> card = GallerySamples.images(TYPE_4_TPCARD).stream()
                .filter(image -> image.position() != 2 && image.position() != 11).toList();

        // when
        List<FingerprintImage> kept = GalleryTemplates.forEnrolment(card);

        // then: the right slap stands in for the index finger; the left slap shows nothing the rolled fingers miss
        assertThat(kept).extracting(FingerprintImage::position).containsExactly(1, 3, 4, 5, 6, 7, 8, 9, 10, 13);
    }

    @Test
    void anImageLargerThanAFingerImpressionIsNeitherEnrolledNorSearchedWith() {
        // given a rolled finger of 3000 × 4000 pixels at 500 ppi (6 × 8 inches), and one of 12 million pixels
        FingerprintImage huge = blank(4, 2, 3000, 4000, 500);
        FingerprintImage tooManyPixels = blank(14, 13, 3500, 3500, 1000);
        // beside real ones: a rolled finger at 500 ppi, one at 1000, a slap at 1000, one declared at a low resolution
        FingerprintImage fingerSized = blank(4, 2, 800, 750, 500);
        FingerprintImage thousandPpiRoll = blank(14, 3, 1600, 1500, 1000);
        FingerprintImage thousandPpiSlap = blank(14, 14, 3200, 3000, 1000);
        FingerprintImage lowDeclared = blank(4, 4, 800, 750, 100);

        // then the matcher is never given the first two (their templates would take hundreds of megabytes for nothing
        // a matcher can use), and is given the others
        assertThat(GalleryTemplates.forEnrolment(List.of(huge))).isEmpty();
        assertThat(GalleryTemplates.forSearch(List.of(huge, tooManyPixels))).isEmpty();
        assertThat(Gallery.searchable(List.of(huge))).isFalse();
        assertThat(GalleryTemplates.forSearch(List.of(huge, fingerSized, thousandPpiRoll, thousandPpiSlap, lowDeclared)))
                .containsExactly(fingerSized, thousandPpiRoll, thousandPpiSlap, lowDeclared);
        assertThat(GalleryTemplates.forEnrolment(List.of(huge, fingerSized))).containsExactly(fingerSized);
    }

    /** An image of the given size, all white: the selection looks at sizes only. */
    private static FingerprintImage blank(int recordType, int position, int width, int height, int ppi) {
        return new FingerprintImage(recordType, position, width, height, ppi, new byte[width * height]);
    }

    @Test
    void enrolmentFromSlapsKeepsEverySlap() {
        assertThat(GalleryTemplates.forEnrolment(GallerySamples.images(SLAPS))).extracting(FingerprintImage::position)
                .containsExactlyInAnyOrder(13, 14, 15);
    }

    @Test
    void findsThePersonBySlapsTakenSeparately() {
        // when
        List<GalleryIndex.Hit> hits = index.search(GallerySamples.templates(GallerySamples.images(SLAPS)),
                GalleryIndex.DEFAULT_THRESHOLD, 10);

        // then
        assertThat(hits).extracting(GalleryIndex.Hit::entryId).containsExactly(PERSON);
    }

    @Test
    void findsThePersonByOneFingerOfTheOtherCard() {
        // given: the left ring finger of the Type-14 card
        List<GalleryTemplate> probe = GallerySamples.templates(List.of(GallerySamples.image(TYPE_14_TPCARD, 9)));

        // when
        List<GalleryIndex.Hit> hits = index.search(probe, GalleryIndex.DEFAULT_THRESHOLD, 10);

        // then
        assertThat(hits).extracting(GalleryIndex.Hit::entryId).containsExactly(PERSON);
        assertThat(hits.getFirst().score()).isGreaterThan(1000);
    }

    @Test
    void findsThePersonByTheWholeOtherCardThroughTheCascade() {
        // given: fourteen probe templates, more than stage 1 compares
        List<GalleryTemplate> probe = GallerySamples.templates(GallerySamples.images(TYPE_14_TPCARD));

        // when
        List<GalleryIndex.Hit> hits = index.search(probe, GalleryIndex.DEFAULT_THRESHOLD, 10);

        // then
        assertThat(hits).extracting(GalleryIndex.Hit::entryId).containsExactly(PERSON);
    }

    @Test
    void findsAnEntryStageOneCouldNotScreen() {
        // given: the entry holds only the left ring finger, which the card's stage 1 (both index fingers) never meets
        index.put(PERSON, GallerySamples.templates(List.of(GallerySamples.image(TYPE_4_TPCARD, 9))));
        List<GalleryTemplate> probe = GallerySamples.templates(GallerySamples.images(TYPE_14_TPCARD));

        // when
        List<GalleryIndex.Hit> hits = index.search(probe, GalleryIndex.DEFAULT_THRESHOLD, 10);

        // then
        assertThat(hits).extracting(GalleryIndex.Hit::entryId).containsExactly(PERSON);
    }

    @Test
    void doesNotFindAnotherPersonsFinger() {
        // given: the other person is no longer in the gallery; sample.wsq is of unknown position, so it meets every finger
        index.remove(OTHER_PERSON);

        // when
        List<GalleryIndex.Hit> hits = index.search(GallerySamples.templates(GallerySamples.images(BARE_WSQ)),
                GalleryIndex.DEFAULT_THRESHOLD, 10);

        // then
        assertThat(hits).isEmpty();
    }

    @Test
    void doesNotFindAnotherPersonByTheCard() {
        // given
        index.remove(PERSON);

        // when
        List<GalleryIndex.Hit> hits = index.search(GallerySamples.templates(GallerySamples.images(SLAPS)),
                GalleryIndex.DEFAULT_THRESHOLD, 10);

        // then
        assertThat(hits).isEmpty();
    }

    @Test
    void aRemovedEntryIsNoLongerFound() {
        // when
        boolean removed = index.remove(PERSON);

        // then
        assertThat(removed).isTrue();
        assertThat(index.remove(PERSON)).isFalse();
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.templateCount()).isEqualTo(1);
        assertThat(index.search(GallerySamples.templates(List.of(GallerySamples.image(TYPE_14_TPCARD, 9))), 0, 10))
                .extracting(GalleryIndex.Hit::entryId).containsExactly(OTHER_PERSON);
    }

    @Test
    void putReplacesAnEntrysTemplates() {
        // when: the person's entry now holds the other person's finger only
        index.put(PERSON, GallerySamples.templates(GallerySamples.images(BARE_WSQ)));

        // then
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.templateCount()).isEqualTo(2);
        assertThat(index.search(GallerySamples.templates(List.of(GallerySamples.image(TYPE_14_TPCARD, 9))),
                GalleryIndex.DEFAULT_THRESHOLD, 10)).isEmpty();
    }

    @Test
    void comparesOnlyImpressionsThatMayShowACommonFinger() {
        // given: the gallery holds the person's left ring finger only; the probe is the right four-finger slap
        index.put(PERSON, GallerySamples.templates(List.of(GallerySamples.image(TYPE_4_TPCARD, 9))));
        List<GalleryTemplate> rightSlap = GallerySamples.templates(List.of(GallerySamples.image(SLAPS, 13)));

        // when
        List<GalleryIndex.Hit> hits = index.search(rightSlap, 0, 10);

        // then: only the other person (unknown position) was compared
        assertThat(hits).extracting(GalleryIndex.Hit::entryId).containsExactly(OTHER_PERSON);
    }

    @Test
    void stageOnePicksTheIndexFingersOfATenprintAndTheThumbSlapOfSlaps() {
        // given
        List<GalleryTemplate> card = GallerySamples.images(TYPE_4_TPCARD).stream()
                .map(image -> new GalleryTemplate(image.position(), new Opaque())).toList();
        List<GalleryTemplate> slaps = GallerySamples.images(SLAPS).stream()
                .map(image -> new GalleryTemplate(image.position(), new Opaque())).toList();

        // when / then
        assertThat(index.stage1(card)).extracting(i -> card.get(i).position()).containsExactly(2, 7);
        assertThat(index.stage1(slaps)).extracting(i -> slaps.get(i).position()).containsExactly(15);
    }

    @Test
    void refusesBytesThatAreNoTemplate() {
        assertThatThrownBy(() -> GallerySamples.MATCHER.read(new byte[] {1, 2, 3, 4}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GallerySamples.MATCHER.read(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GallerySamples.MATCHER.read(GallerySamples.image(TYPE_4_TPCARD, 1).pixels()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTemplateReadBackScoresAsTheOriginal() {
        // given
        FingerprintMatcher.Template original = GallerySamples.template(GallerySamples.image(TYPE_4_TPCARD, 1));

        // when
        FingerprintMatcher.Template read = GallerySamples.MATCHER.read(original.serialized());

        // then
        FingerprintMatcher.Probe slap = GallerySamples.MATCHER.probe(GallerySamples.template(GallerySamples.image(SLAPS, 15)));
        assertThat(slap.score(read)).isEqualTo(slap.score(original));
        assertThat(GallerySamples.MATCHER.algorithm()).isEqualTo("sourceafis-3.18.1");
    }

    /** A template that is never compared, for tests of the stage-1 choice. */
    private record Opaque() implements FingerprintMatcher.Template {
        @Override
        public byte[] serialized() {
            return new byte[0];
        }
    }
}
