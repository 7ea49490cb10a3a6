package org.passerelle.gateway.gallery;

import java.util.Objects;

/**
 * One template of a gallery entry or of a probe, with the finger position (FGP) its transaction declared.
 *
 * @param position ANSI/NIST-ITL finger position, 0–15 (see {@link FingerPositions})
 * @param template the matcher's template of that impression
 */
public record GalleryTemplate(int position, FingerprintMatcher.Template template) {

    public GalleryTemplate {
        if (!FingerPositions.known(position)) {
            throw new IllegalArgumentException("finger position " + position + " is not one of 0–15");
        }
        Objects.requireNonNull(template, "template");
    }

    /** The fingers this impression may show, as {@link FingerPositions#fingers} gives them. */
    public int fingers() {
        return FingerPositions.fingers(position);
    }
}
