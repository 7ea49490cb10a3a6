package org.passerelle.gateway.gallery;

import com.machinezoo.sourceafis.FingerprintImageOptions;
import com.machinezoo.sourceafis.FingerprintTemplate;
import java.util.Objects;
import org.passerelle.contracts.biometrics.FingerprintImage;

/**
 * {@link FingerprintMatcher} backed by SourceAFIS 3.18.1: templates are SourceAFIS's own serialized form (CBOR minutiae),
 * and a probe wraps a {@code com.machinezoo.sourceafis.FingerprintMatcher}, whose {@code match} SourceAFIS documents as
 * thread-safe ("Multiple threads can match candidates against single FingerprintMatcher"), so one instance serves all
 * threads of a search.
 */
public final class SourceAfisMatcher implements FingerprintMatcher {

    /** The algorithm name stored with every template. */
    public static final String ALGORITHM = "sourceafis-3.18.1";

    public SourceAfisMatcher() {
    }

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public Template extract(FingerprintImage image) {
        Objects.requireNonNull(image, "image");
        return new AfisTemplate(new FingerprintTemplate(new com.machinezoo.sourceafis.FingerprintImage(
                image.width(), image.height(), image.pixels(), new FingerprintImageOptions().dpi(image.resolutionPpi()))));
    }

    @Override
    public Template read(byte[] serialized) {
        Objects.requireNonNull(serialized, "serialized");
        // SourceAFIS throws IllegalArgumentException for bytes that are no template, but a malformed CBOR stream may
        // surface as another runtime exception from its decoder: all of them mean the same to a caller.
        try {
            return new AfisTemplate(new FingerprintTemplate(serialized));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a " + ALGORITHM + " template", e);
        }
    }

    @Override
    public Probe probe(Template template) {
        com.machinezoo.sourceafis.FingerprintMatcher matcher =
                new com.machinezoo.sourceafis.FingerprintMatcher(unwrap(template));
        return candidate -> matcher.match(unwrap(candidate));
    }

    private static FingerprintTemplate unwrap(Template template) {
        if (template instanceof AfisTemplate afis) {
            return afis.template();
        }
        throw new IllegalArgumentException("not a template of " + ALGORITHM + ": " + template);
    }

    /**
     * A SourceAFIS template; its bytes are made on demand so that a gallery in memory holds only the matcher's own
     * search structure.
     */
    private record AfisTemplate(FingerprintTemplate template) implements Template {

        @Override
        public byte[] serialized() {
            return template.toByteArray();
        }

        /** Never shows minutiae. */
        @Override
        public String toString() {
            return "SourceAFIS template";
        }
    }
}
