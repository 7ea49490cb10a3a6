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
