package org.passerelle.gateway.gallery;

import org.passerelle.contracts.biometrics.FingerprintImage;

/**
 * Turns fingerprint images into templates and compares templates: SourceAFIS here ({@link SourceAfisMatcher}), a
 * national AFIS behind the same interface. A template holds minutiae, never pixels, and cannot be turned back into
 * an image.
 */
public interface FingerprintMatcher {

    /** Names the algorithm and its version; stored with every template so that a change of matcher is detected. */
    String algorithm();

    /**
     * Extracts the template of one image (with SourceAFIS about a quarter of a second of one core for a rolled finger:
     * 3.9–4.1 extractions a second in {@code GalleryBenchmark}).
     */
    Template extract(FingerprintImage image);

    /**
     * Reads a template this matcher serialized.
     *
     * @throws IllegalArgumentException when the bytes are not such a template
     */
    Template read(byte[] serialized);

    /** Prepares a probe for comparing one template with many (the costly per-probe work is done once). */
    Probe probe(Template template);

    /** An extracted template: opaque to everyone but its matcher. */
    interface Template {

        /** The template's bytes, for storage (encrypted) in the gallery. */
        byte[] serialized();
    }

    /** A prepared probe; {@link #score} is safe to call from several threads at once. */
    interface Probe {

        /** The similarity of the probe and the candidate: higher is more similar, the scale is the matcher's. */
        double score(Template candidate);
    }
}
