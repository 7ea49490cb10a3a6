package org.passerelle.contracts.biometrics;

import java.util.Arrays;

/**
 * One fingerprint image of a transaction, decoded to 8-bit grayscale pixels for a matcher.
 *
 * @param recordType    4 or 14
 * @param position      ANSI/NIST-ITL finger position (FGP)
 * @param width         pixels per row
 * @param height        rows
 * @param resolutionPpi scanning resolution in pixels per inch
 * @param pixels        row-major, one unsigned byte per pixel, 0 black to 255 white; {@code width * height} long
 */
public record FingerprintImage(int recordType, int position, int width, int height, int resolutionPpi, byte[] pixels) {

    public FingerprintImage {
        if (width <= 0 || height <= 0 || pixels.length != (long) width * height) {
            throw new IllegalArgumentException("pixels must hold width × height bytes");
        }
        pixels = pixels.clone();
    }

    /** A copy of the pixels, so that no caller can change this image. */
    @Override
    public byte[] pixels() {
        return pixels.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FingerprintImage that
                && recordType == that.recordType && position == that.position && width == that.width
                && height == that.height && resolutionPpi == that.resolutionPpi && Arrays.equals(pixels, that.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * recordType + position) + width * 7919 + height) + Arrays.hashCode(pixels);
    }

    /** Never shows pixels, so that an image logged by mistake reveals nothing biometric. */
    @Override
    public String toString() {
        return "FingerprintImage[recordType=" + recordType + ", position=" + position + ", " + width + "x" + height
                + " px, " + resolutionPpi + " ppi]";
    }
}
