package org.passerelle.contracts.biometrics;

import java.util.Objects;

/**
 * One fingerprint record as a message body states it (or as the transaction shows it).
 *
 * @param recordType     ANSI/NIST-ITL record type: 4 or 14
 * @param position       ANSI/NIST-ITL finger position (FGP): 1–10 rolled or plain fingers, 11–15 plain thumbs and slaps
 * @param impressionType how the image was captured
 * @param compression    how the image is compressed
 * @param resolutionPpi  scanning resolution in pixels per inch (500 for the usual 19.69 pixels per millimetre)
 * @param quality        0 (worst) to 100 (best), or null when not stated
 */
public record DeclaredFingerprint(
        int recordType, int position, ImpressionType impressionType, Compression compression, int resolutionPpi, Integer quality) {

    public DeclaredFingerprint {
        if (recordType != 4 && recordType != 14) {
            throw new IllegalArgumentException("recordType must be 4 or 14, was " + recordType);
        }
        if (position < 1 || position > 15) {
            throw new IllegalArgumentException("position must be 1–15, was " + position);
        }
        Objects.requireNonNull(impressionType, "impressionType");
        Objects.requireNonNull(compression, "compression");
        if (resolutionPpi <= 0) {
            throw new IllegalArgumentException("resolutionPpi must be positive, was " + resolutionPpi);
        }
        if (quality != null && (quality < 0 || quality > 100)) {
            throw new IllegalArgumentException("quality must be 0–100 or null, was " + quality);
        }
    }

    /** The path that names this record in a violation, e.g. {@code Fingerprint[recordType=4,position=13]}. */
    String path() {
        return path(recordType, position);
    }

    static String path(int recordType, int position) {
        return "Fingerprint[recordType=" + recordType + ",position=" + position + "]";
    }
}
