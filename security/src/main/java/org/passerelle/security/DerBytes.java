package org.passerelle.security;

import java.io.IOException;
import java.io.OutputStream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;

/**
 * The DER encoding of a structure into one array of exactly its length: the structure is encoded twice, first only to
 * count its bytes, then into the array. {@code getEncoded} writes into a buffer that doubles as it fills and is copied
 * at the end, up to four times the encoding on the heap at once, which for a 16 MB message is what a small heap lacks.
 */
final class DerBytes {

    private DerBytes() {
    }

    static byte[] of(ASN1Encodable structure) throws IOException {
        Counting counting = new Counting();
        structure.toASN1Primitive().encodeTo(counting, ASN1Encoding.DER);
        if (counting.count > Integer.MAX_VALUE - 8) {
            throw new IOException("the structure is too large for one array: " + counting.count + " bytes");
        }
        Filling filling = new Filling(new byte[(int) counting.count]);
        structure.toASN1Primitive().encodeTo(filling, ASN1Encoding.DER);
        if (filling.position != filling.bytes.length) {
            throw new IOException("the structure encoded to a different length the second time");
        }
        return filling.bytes;
    }

    private static final class Counting extends OutputStream {

        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private static final class Filling extends OutputStream {

        final byte[] bytes;
        int position;

        Filling(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void write(int b) throws IOException {
            if (position >= bytes.length) {
                throw new IOException("the structure encoded to more bytes the second time");
            }
            bytes[position++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > bytes.length - position) {
                throw new IOException("the structure encoded to more bytes the second time");
            }
            System.arraycopy(b, off, bytes, position, len);
            position += len;
        }
    }
}
