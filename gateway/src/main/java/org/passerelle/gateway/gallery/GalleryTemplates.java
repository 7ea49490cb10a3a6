package org.passerelle.gateway.gallery;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.passerelle.contracts.biometrics.FingerprintImage;

/**
 * Which fingerprint images of a transaction become templates: for the gallery as few as identify the person (data
 * minimisation), for a probe every image.
 */
public final class GalleryTemplates {

    /**
     * The largest impression the matcher is given, per side: a slap of four fingers is captured on 3.2 by 3.0 inches
     * (ANSI/NIST-ITL's capture areas), so a larger image is not a finger impression. Its template extraction, which
     * works on several arrays of the image's size, would take the heap in hundreds of megabytes.
     */
    static final double MAX_INCHES = 3.5;
    /**
     * And at most this many pixels whatever the resolution, as many as the transaction check takes in one image (a
     * slap at 1000 ppi is up to 9.6 million).
     */
    static final long MAX_PIXELS = 10_000_000;

    private GalleryTemplates() {
    }

    /**
     * Whether the image is the size of a finger impression (see {@link #MAX_INCHES}), so the matcher takes it. The
     * resolution is the sender's word: below 500 ppi it is taken as 500, so that declaring a low one cannot make real
     * impressions look too large to search with.
     */
    static boolean matcherSized(FingerprintImage image) {
        double ppi = Math.max(500, image.resolutionPpi());
        return (long) image.width() * image.height() <= MAX_PIXELS
                && image.width() / ppi <= MAX_INCHES && image.height() / ppi <= MAX_INCHES;
    }

    /**
     * The images to keep in the gallery: for each finger the best impression of it, rolled (FGP 1–10) before plain
     * single thumb (11, 12) before slap (13–15), so a slap is kept only when it shows a finger no better impression
     * shows. Of two impressions of the same kind and finger the first is kept. Images of unknown position (0) are kept
     * only when no image has a known one, since nothing says which finger they duplicate; positions beyond 15 (palms,
     * joints, tips) are not kept, nor is an image larger than a finger impression ({@link #MAX_INCHES}).
     */
    public static List<FingerprintImage> forEnrolment(List<FingerprintImage> images) {
        Objects.requireNonNull(images, "images");
        FingerprintImage[] best = new FingerprintImage[11];
        int[] bestRank = new int[11];
        for (FingerprintImage image : images) {
            int position = image.position();
            if (position < 1 || position > 15 || !matcherSized(image)) {
                continue;
            }
            int fingers = FingerPositions.fingers(position);
            for (int finger = 1; finger <= 10; finger++) {
                if ((fingers & 1 << finger) != 0 && rank(position) > bestRank[finger]) {
                    best[finger] = image;
                    bestRank[finger] = rank(position);
                }
            }
        }
        List<FingerprintImage> kept = new ArrayList<>();
        for (FingerprintImage image : images) {
            for (int finger = 1; finger <= 10; finger++) {
                if (best[finger] == image) {
                    kept.add(image);
                    break;
                }
            }
        }
        if (kept.isEmpty()) {
            return images.stream().filter(image -> image.position() == 0 && matcherSized(image)).toList();
        }
        return List.copyOf(kept);
    }

    /**
     * The images to search with: all of them that show a finger (FGP 0–15) and are the size of one. Each extra impression of a finger is one
     * more chance to match the one the gallery kept, and the probe is never stored.
     */
    public static List<FingerprintImage> forSearch(List<FingerprintImage> images) {
        Objects.requireNonNull(images, "images");
        return images.stream().filter(image -> FingerPositions.known(image.position()) && matcherSized(image)).toList();
    }

    /**
     * Whether a biometric set declares a fingerprint the gallery can use: a WSQ or uncompressed image of a finger
     * (FGP 0–15). The codec has already checked the declarations against the transaction.
     */
    public static boolean declaresSearchable(org.passerelle.contracts.common.v1.BiometricSet set) {
        return set != null && set.getFingerprint().stream().anyMatch(f -> FingerPositions.known(f.getPosition())
                && (f.getCompression() == org.passerelle.contracts.common.v1.Compression.WSQ
                || f.getCompression() == org.passerelle.contracts.common.v1.Compression.NONE));
    }

    /** Higher is a better impression of a single finger: rolled, then plain single, then slap. */
    private static int rank(int position) {
        if (position <= 10) {
            return 3;
        }
        return position <= 12 ? 2 : 1;
    }
}
