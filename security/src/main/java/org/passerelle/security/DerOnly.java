package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.CMS_MALFORMED;
import static org.passerelle.security.SecurityErrorCode.CMS_NOT_DER;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * Parses CMS structures that must arrive in DER: the bytes must be exactly the DER encoding of what they parse to
 * (no indefinite lengths, no constructed strings, sets sorted, nothing after the structure).
 */
final class DerOnly {

    private DerOnly() {
    }

    static ASN1Primitive parse(byte[] bytes, String what) {
        ASN1Primitive parsed;
        try {
            parsed = ASN1Primitive.fromByteArray(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SecurityCheckException(CMS_MALFORMED, "the CMS " + what + " cannot be parsed", e);
        }
        DerComparison der = new DerComparison(bytes);
        try {
            parsed.encodeTo(der, ASN1Encoding.DER);
        } catch (IOException e) {
            throw new SecurityCheckException(CMS_MALFORMED, "the CMS " + what + " cannot be encoded", e);
        }
        if (!der.matchedAll()) {
            throw new SecurityCheckException(CMS_NOT_DER, "the CMS " + what + " is not in DER");
        }
        return parsed;
    }

    /**
     * Compares the DER encoding, as it is written, with the bytes received: nothing is buffered (a 16 MB body had been
     * encoded again into a growing buffer, twice per message, some 50 MB of heap each time).
     */
    private static final class DerComparison extends OutputStream {

        private final byte[] expected;
        private int position;
        private boolean differs;

        DerComparison(byte[] expected) {
            this.expected = expected;
        }

        @Override
        public void write(int b) {
            if (!differs && (position >= expected.length || expected[position] != (byte) b)) {
                differs = true;
            }
            position++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (!differs && (position > expected.length - len
                    || !Arrays.equals(expected, position, position + len, b, off, off + len))) {
                differs = true;
            }
            position += len;
        }

        boolean matchedAll() {
            return !differs && position == expected.length;
        }
    }
}
