package org.passerelle.contracts.biometrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Loads the NIST reference transactions from the test classpath and finds the bytes of their records. */
final class Samples {

    static final String TYPE_4_TPCARD = "type-4-tpcard.an2";
    static final String TYPE_14_TPCARD_NQM = "type-14-tpcard-nqm.an2";
    static final String TYPE_4_14_SLAPS = "type-4-14-slaps.an2";
    static final String PIV_INDEX_IRIS = "type-10-14-17-piv-index-iris.an2";
    static final String BARE_WSQ = "sample.wsq";
    static final List<String> TRANSACTIONS = List.of(TYPE_4_TPCARD, TYPE_14_TPCARD_NQM, TYPE_4_14_SLAPS, PIV_INDEX_IRIS);

    /** Generous enough for every sample (the largest is 675 kB). */
    static final int LIMIT = 2_000_000;

    private Samples() {
    }

    static byte[] load(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/biometric-samples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource biometric-samples/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offset of the n-th record (0 = Type-1), walking tagged records by their LEN field and binary ones by their first four bytes. */
    static int recordOffset(byte[] transaction, int n, List<Integer> types) {
        int offset = 0;
        for (int i = 0; i < n; i++) {
            offset += recordLength(transaction, offset, types.get(i));
        }
        return offset;
    }

    static int recordLength(byte[] transaction, int offset, int type) {
        if (type >= 3 && type <= 8) {
            return ((transaction[offset] & 0xFF) << 24) | ((transaction[offset + 1] & 0xFF) << 16)
                    | ((transaction[offset + 2] & 0xFF) << 8) | (transaction[offset + 3] & 0xFF);
        }
        int colon = offset;
        while (transaction[colon] != ':') {
            colon++;
        }
        int end = colon + 1;
        while (transaction[end] >= '0' && transaction[end] <= '9') {
            end++;
        }
        return Integer.parseInt(new String(transaction, colon + 1, end - colon - 1, java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Offset of the first occurrence of the pattern at or after {@code from}. */
    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
