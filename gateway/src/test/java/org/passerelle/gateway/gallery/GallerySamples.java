package org.passerelle.gateway.gallery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jnbis.api.Jnbis;
import org.jnbis.api.model.Bitmap;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.contracts.biometrics.NistTransactionCheck;

/**
 * The NIST reference files decoded and their templates extracted once per test JVM (extraction takes about half a
 * second an image).
 */
final class GallerySamples {

    static final String TYPE_4_TPCARD = "type-4-tpcard.an2";
    static final String TYPE_14_TPCARD = "type-14-tpcard-nqm.an2";
    static final String SLAPS = "type-4-14-slaps.an2";
    static final String PIV = "type-10-14-17-piv-index-iris.an2";
    static final String BARE_WSQ = "sample.wsq";

    static final SourceAfisMatcher MATCHER = new SourceAfisMatcher();
    private static final Map<String, List<FingerprintImage>> IMAGES = new ConcurrentHashMap<>();
    private static final Map<FingerprintImage, FingerprintMatcher.Template> TEMPLATES = new ConcurrentHashMap<>();

    private GallerySamples() {
    }

    /** The file's fingerprint images; {@code sample.wsq} as one image of unknown position (FGP 0). */
    static List<FingerprintImage> images(String file) {
        return IMAGES.computeIfAbsent(file, f -> {
            byte[] bytes = SampleMessages.biometricSample(f);
            if (f.endsWith(".wsq")) {
                Bitmap bitmap = Jnbis.wsq().decode(bytes).asBitmap();
                int ppi = bitmap.getPpi() > 0 ? bitmap.getPpi() : 500;
                return List.of(new FingerprintImage(14, 0, bitmap.getWidth(), bitmap.getHeight(), ppi,
                        bitmap.getPixels()));
            }
            return new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES).images(bytes);
        });
    }

    /** The file's image at that finger position. */
    static FingerprintImage image(String file, int position) {
        return images(file).stream().filter(i -> i.position() == position).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(file + " has no image at position " + position));
    }

    static FingerprintMatcher.Template template(FingerprintImage image) {
        return TEMPLATES.computeIfAbsent(image, MATCHER::extract);
    }

    /** Templates of the images, extracted side by side. */
    static List<GalleryTemplate> templates(List<FingerprintImage> images) {
        return images.parallelStream().map(i -> new GalleryTemplate(i.position(), template(i))).toList();
    }
}
