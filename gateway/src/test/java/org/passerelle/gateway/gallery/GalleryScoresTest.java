package org.passerelle.gateway.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.gateway.gallery.GallerySamples.BARE_WSQ;
import static org.passerelle.gateway.gallery.GallerySamples.PIV;
import static org.passerelle.gateway.gallery.GallerySamples.SLAPS;
import static org.passerelle.gateway.gallery.GallerySamples.TYPE_14_TPCARD;
import static org.passerelle.gateway.gallery.GallerySamples.TYPE_4_TPCARD;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Measures SourceAFIS scores on the NIST reference files and prints them: the figures behind
 * {@link GalleryIndex#DEFAULT_THRESHOLD} and {@link GalleryIndex.Cascade#DEFAULT}. The assertions pin only the
 * separation the threshold relies on: every mate pair counted above it (same finger across cards, thumbs against
 * thumb impressions, the best finger of the four-finger slaps), every non-mate below it.
 */
class GalleryScoresTest {

    @Test
    void mateScoresStandWellAboveNonMateScores() {
        // given: every image of every sample, extracted
        List<GalleryTemplate> card4 = GallerySamples.templates(GallerySamples.images(TYPE_4_TPCARD));
        List<GalleryTemplate> card14 = GallerySamples.templates(GallerySamples.images(TYPE_14_TPCARD));
        List<GalleryTemplate> slaps = GallerySamples.templates(GallerySamples.images(SLAPS));
        List<GalleryTemplate> wsq = GallerySamples.templates(GallerySamples.images(BARE_WSQ));
        List<Double> mates = new ArrayList<>();
        List<Double> nonMates = new ArrayList<>();

        // when
        System.out.println("same finger, rolled on the Type-4 card against the Type-14 card:");
        for (int finger = 1; finger <= 10; finger++) {
            mates.add(print("  rolled " + finger + " / rolled " + finger, at(card4, finger), at(card14, finger)));
        }
        System.out.println("rolled thumb (Type-4 card) against the plain thumb and the two-thumb slap:");
        for (int thumb : new int[] {1, 6}) {
            mates.add(print("  rolled " + thumb + " / card FGP " + (thumb == 1 ? 11 : 12), at(card4, thumb),
                    at(card4, thumb == 1 ? 11 : 12)));
            mates.add(print("  rolled " + thumb + " / slaps file FGP 15", at(card4, thumb), at(slaps, 15)));
        }
        System.out.println("rolled finger (Type-4 card) against the four-finger slap that shows it (the slaps file's"
                + " 13 and 14 are the card's images):");
        double bestFourFinger = 0;
        for (int finger : new int[] {2, 3, 4, 5, 7, 8, 9, 10}) {
            int slap = finger <= 5 ? 13 : 14;
            bestFourFinger = Math.max(bestFourFinger,
                    print("  rolled " + finger + " / card FGP " + slap, at(card4, finger), at(card4, slap)));
        }
        System.out.println("different fingers of the same person, rolled (Type-4) against rolled (Type-14):");
        double worstDifferentFinger = 0;
        for (int finger = 1; finger <= 10; finger++) {
            for (int other = 1; other <= 10; other++) {
                if (other != finger) {
                    worstDifferentFinger = Math.max(worstDifferentFinger,
                            score(at(card4, finger), at(card14, other)));
                }
            }
        }
        nonMates.add(worstDifferentFinger);
        System.out.printf("  highest of the 90 pairs: %.1f%n", worstDifferentFinger);
        System.out.printf("PIV file: %d decodable fingerprint images (its index fingers are lossless JPEG)%n",
                GallerySamples.images(PIV).size());
        System.out.println("sample.wsq against every image of the Type-4 card, the Type-14 card and the slaps file:");
        double bestWsq = 0;
        for (GalleryTemplate other : concat(concat(card4, card14), slaps)) {
            bestWsq = Math.max(bestWsq, score(wsq.getFirst(), other));
        }
        nonMates.add(bestWsq);
        System.out.printf("  highest of %d: %.1f%n", card4.size() + card14.size() + slaps.size(), bestWsq);

        // then
        System.out.printf("mates: lowest %.1f; non-mates: highest %.1f; threshold %.0f%n",
                mates.stream().mapToDouble(d -> d).min().orElseThrow(),
                nonMates.stream().mapToDouble(d -> d).max().orElseThrow(), GalleryIndex.DEFAULT_THRESHOLD);
        assertThat(mates).allSatisfy(score -> assertThat(score).isGreaterThanOrEqualTo(GalleryIndex.DEFAULT_THRESHOLD));
        assertThat(bestFourFinger).isGreaterThanOrEqualTo(GalleryIndex.DEFAULT_THRESHOLD);
        assertThat(nonMates).allSatisfy(score -> assertThat(score).isLessThan(GalleryIndex.DEFAULT_THRESHOLD));
    }

    private static double print(String label, GalleryTemplate probe, GalleryTemplate candidate) {
        double score = score(probe, candidate);
        System.out.printf("%s: %.1f%n", label, score);
        return score;
    }

    private static double score(GalleryTemplate probe, GalleryTemplate candidate) {
        return GallerySamples.MATCHER.probe(probe.template()).score(candidate.template());
    }

    private static GalleryTemplate at(List<GalleryTemplate> templates, int position) {
        return templates.stream().filter(t -> t.position() == position).findFirst().orElseThrow();
    }

    private static List<GalleryTemplate> concat(List<GalleryTemplate> a, List<GalleryTemplate> b) {
        List<GalleryTemplate> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
