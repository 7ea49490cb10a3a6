package org.passerelle.contracts.biometrics;

/** How a fingerprint image is compressed; lossy and lossless JPEG (and JPEG 2000) are not told apart. */
public enum Compression {
    NONE,
    WSQ,
    JPEG,
    JPEG2000,
    PNG;

    /** Type-4 GCA code (ANSI/NIST-ITL table "compression codes"): 0 none, 1 WSQ, 2 JPEGB, 3 JPEGL, 4 JP2, 5 JP2L, 6 PNG. */
    static Compression ofType4Code(int code) {
        return switch (code) {
            case 0 -> NONE;
            case 1 -> WSQ;
            case 2, 3 -> JPEG;
            case 4, 5 -> JPEG2000;
            case 6 -> PNG;
            default -> null;
        };
    }

    /** Type-14 CGA label: NONE, WSQ20 (or the older WSQ), JPEGB, JPEGL, JP2, JP2L, PNG. */
    static Compression ofType14Label(String label) {
        return switch (label.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "NONE" -> NONE;
            case "WSQ20", "WSQ" -> WSQ;
            case "JPEGB", "JPEGL" -> JPEG;
            case "JP2", "JP2L" -> JPEG2000;
            case "PNG" -> PNG;
            default -> null;
        };
    }
}
