package org.passerelle.gateway.gallery;

/**
 * The fingers an ANSI/NIST-ITL finger position (FGP) covers, as a bit set (bit {@code f} for finger {@code f}, 1 right
 * thumb to 10 left little): 1–10 single fingers, 11 and 12 the plain thumbs, 13 and 14 the four-finger slaps, 15 the
 * two-thumb slap, and 0 (unknown) every finger. Two impressions can show the same finger only if their sets intersect.
 */
public final class FingerPositions {

    /** Every finger, 1 to 10: what an impression of unknown position may show. */
    public static final int ALL_FINGERS = 0b111_1111_1110;

    private FingerPositions() {
    }

    /**
     * The fingers the position covers.
     *
     * @throws IllegalArgumentException for a position that is not a finger, or several (palms, joints, tips)
     */
    public static int fingers(int position) {
        return switch (position) {
            case 0 -> ALL_FINGERS;
            case 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 -> 1 << position;
            case 11 -> 1 << 1;
            case 12 -> 1 << 6;
            case 13 -> 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5;
            case 14 -> 1 << 7 | 1 << 8 | 1 << 9 | 1 << 10;
            case 15 -> 1 << 1 | 1 << 6;
            default -> throw new IllegalArgumentException("finger position " + position + " is not one of 0–15");
        };
    }

    /** Whether the position is one {@link #fingers} knows. */
    public static boolean known(int position) {
        return position >= 0 && position <= 15;
    }

    /** Whether two impressions may show a common finger. */
    public static boolean overlap(int position, int otherPosition) {
        return (fingers(position) & fingers(otherPosition)) != 0;
    }
}
