package org.passerelle.gateway.exchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body no further than a limit, for the API and the partner port alike. */
public final class BoundedBody {

    private static final int CHUNK = 64 * 1024;

    private BoundedBody() {
    }

    /**
     * The whole body, or null as soon as it passes {@code max} bytes: the rest is never read (a chunked body has no
     * declared length to check first).
     */
    public static byte[] read(InputStream in, long max) throws IOException {
        return read(in, max, -1);
    }

    /**
     * Reads and throws away a body of at most {@code max} bytes, holding no more than one small buffer of it: a request
     * answered before its body is read gets the answer on a connection still in step (the JDK's server resets one whose
     * unread body is larger than its drain amount, and most clients then see the reset, not the answer). False when the
     * body goes on past {@code max}.
     */
    public static boolean discard(InputStream in, long max) throws IOException {
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                return false;
            }
        }
        return true;
    }

    /**
     * As {@link #read(InputStream, long)}; when the body's length is declared (and within {@code max}) it is read into
     * one array of that length, instead of a growing buffer and its copy (three times the body at the peak).
     */
    public static byte[] read(InputStream in, long max, long declared) throws IOException {
        if (declared >= 0 && declared <= max) {
            byte[] body = new byte[(int) declared];
            int read = in.readNBytes(body, 0, body.length);
            if (read < body.length) {
                return java.util.Arrays.copyOf(body, read);
            }
            return in.read() == -1 ? body : null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
