package org.passerelle.contracts.biometrics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the record framing of a traditional-encoding transaction before jnbis sees it, so that no length field can make
 * the parser allocate more than the input or read past it (jnbis allocates whatever a record's LEN field claims).
 */
final class NistFraming {

    private static final byte FS = 0x1C;
    private static final byte GS = 0x1D;
    private static final byte RS = 0x1E;
    private static final byte US = 0x1F;
    /** Types 3 to 8 are binary records whose length is a four-byte big-endian number. */
    private static final int FIRST_BINARY_TYPE = 3;
    private static final int LAST_BINARY_TYPE = 8;
    /** A Type-4 record's fixed header: LEN 4, IDC 1, IMP 1, FGP 6, ISR 1, HLL 2, VLL 2, GCA 1. */
    private static final int TYPE_4_HEADER = 18;

    private NistFraming() {
    }

    /** The record types in file order, the Type-1 record first; throws {@link Malformed} on any framing fault. */
    static List<Integer> recordTypes(byte[] bytes) {
        int type1Length = taggedLength(bytes, 0, 1);
        List<Integer> content = contentTypes(new String(bytes, 0, type1Length, StandardCharsets.ISO_8859_1));
        List<Integer> types = new ArrayList<>();
        types.add(1);
        int offset = type1Length;
        for (int type : content) {
            int length;
            if (type >= FIRST_BINARY_TYPE && type <= LAST_BINARY_TYPE) {
                length = binaryLength(bytes, offset, type);
            } else {
                length = taggedLength(bytes, offset, type);
            }
            offset += length;
            types.add(type);
        }
        if (offset != bytes.length) {
            throw new Malformed((bytes.length - offset) + " bytes follow the last record the Type-1 CNT field lists");
        }
        return types;
    }

    private static int binaryLength(byte[] bytes, int offset, int type) {
        if (bytes.length - offset < 4) {
            throw new Malformed("the transaction ends where a Type-" + type + " record should start");
        }
        long length = ((bytes[offset] & 0xFFL) << 24) | ((bytes[offset + 1] & 0xFFL) << 16)
                | ((bytes[offset + 2] & 0xFFL) << 8) | (bytes[offset + 3] & 0xFFL);
        int minimum = type == 4 ? TYPE_4_HEADER + 1 : 5;
        if (length < minimum || length > bytes.length - offset) {
            throw new Malformed("a Type-" + type + " record states a length of " + length + " bytes, but "
                    + (bytes.length - offset) + " remain");
        }
        return (int) length;
    }

    /** A tagged record opens with {@code <type>.001:<length><GS>} (or {@code .01:} before ANSI/NIST-ITL 2000) and ends with FS. */
    private static int taggedLength(byte[] bytes, int offset, int type) {
        int i = offset;
        int end = Math.min(bytes.length, offset + 32);
        int dot = indexOf(bytes, (byte) '.', i, end);
        int colon = indexOf(bytes, (byte) ':', i, end);
        if (dot < 0 || colon < dot || !ascii(bytes, offset, dot).equals(Integer.toString(type))
                || !ascii(bytes, dot + 1, colon).matches("0*1")) {
            throw new Malformed("a Type-" + type + " record does not open with its length field");
        }
        int separator = indexOf(bytes, GS, colon + 1, Math.min(bytes.length, colon + 12));
        if (separator < 0) {
            separator = indexOf(bytes, FS, colon + 1, Math.min(bytes.length, colon + 12));
        }
        String digits = separator < 0 ? "" : ascii(bytes, colon + 1, separator);
        if (!digits.matches("[0-9]{1,10}")) {
            throw new Malformed("a Type-" + type + " record's length field is not a number");
        }
        long length = Long.parseLong(digits);
        if (length <= separator - offset || length > bytes.length - offset) {
            throw new Malformed("a Type-" + type + " record states a length of " + length + " bytes, but "
                    + (bytes.length - offset) + " remain");
        }
        if (bytes[offset + (int) length - 1] != FS) {
            throw new Malformed("a Type-" + type + " record does not end where its length field says");
        }
        return (int) length;
    }

    /** The types listed by the Type-1 CNT field (1.003), after its first subfield (which counts them). */
    private static List<Integer> contentTypes(String type1) {
        String cnt = null;
        for (String field : type1.substring(0, type1.length() - 1).split(String.valueOf((char) GS), -1)) {
            int colon = field.indexOf(':');
            if (colon > 0 && field.substring(0, colon).matches("1\\.0*3")) {
                cnt = field.substring(colon + 1);
            }
        }
        if (cnt == null) {
            throw new Malformed("the Type-1 record has no CNT field");
        }
        String[] subfields = cnt.split(String.valueOf((char) RS), -1);
        String[] first = subfields[0].split(String.valueOf((char) US), -1);
        if (first.length != 2 || !first[0].equals("1") || !first[1].matches("[0-9]{1,4}")
                || Integer.parseInt(first[1]) != subfields.length - 1) {
            throw new Malformed("the Type-1 CNT field does not count its records");
        }
        List<Integer> types = new ArrayList<>();
        for (int s = 1; s < subfields.length; s++) {
            String[] items = subfields[s].split(String.valueOf((char) US), -1);
            if (items.length != 2 || !items[0].matches("[0-9]{1,2}")) {
                throw new Malformed("the Type-1 CNT field lists a record without a type");
            }
            int type = Integer.parseInt(items[0]);
            if (type < 2 || type > 99) {
                throw new Malformed("the Type-1 CNT field lists a record of type " + type);
            }
            types.add(type);
        }
        return types;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
    }

    /** A fault found in the transaction; its message names the fault and never holds the transaction's bytes. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
