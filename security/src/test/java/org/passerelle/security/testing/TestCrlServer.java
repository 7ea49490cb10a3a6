package org.passerelle.security.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CRL distribution point for tests on an ephemeral localhost port: serves one CRL (DER) at
 * {@link #uri()}, which tests replace while it runs; answers 404 while it has none, and counts requests.
 */
public final class TestCrlServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile byte[] crl;

    private TestCrlServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/crl/root-ca.crl", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                byte[] body = crl;
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/pkix-crl");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    public static TestCrlServer start() {
        try {
            return new TestCrlServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The distribution point URL. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/crl/root-ca.crl");
    }

    /** Serves this CRL from now on. */
    public void serve(X509CRL replacement) {
        try {
            crl = replacement.getEncoded();
        } catch (CRLException e) {
            throw new IllegalStateException("the CRL cannot be encoded", e);
        }
    }

    /** Serves these bytes (garbage, a truncated CRL) from now on. */
    public void serveBytes(byte[] bytes) {
        crl = bytes.clone();
    }

    public int requestCount() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
