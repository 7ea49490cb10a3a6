package org.passerelle.tests.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.PartyTls;
import org.passerelle.security.pki.DevPki;

/**
 * Stands in front of a partner node with the partner's own TLS identity and misbehaves on demand: answers 500,
 * answers slowly, or is down; otherwise it forwards each request to the real node, as the sending node's TLS client.
 */
public final class FlakyPartner implements AutoCloseable {

    /** What the stand-in does with the next request. */
    /**
     * How the stand-in answers: forwards to the partner; answers 500; forwards after a delay; forwards and answers
     * the partner's receipt with one byte of its signature changed; forwards and answers the partner's receipt
     * re-signed with the partner's key after changing its digest (a receipt for other bytes than those sent).
     */
    public enum Mode { FORWARD, FAIL_500, SLOW, GARBLED_RECEIPT, OTHER_DIGEST_RECEIPT }

    private final DevPki pki;
    private final String partner;
    private final String sender;
    private final int port;
    private final IntSupplier targetPort;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.FORWARD);
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Duration slowness = Duration.ofSeconds(3);
    private HttpsServer server;
    private HttpClient forwarder;

    /** A stand-in for {@code partner} on {@code port}, forwarding to the port {@code targetPort} gives, as {@code sender}. */
    public FlakyPartner(DevPki pki, String partner, String sender, int port, IntSupplier targetPort) {
        this.pki = pki;
        this.partner = partner;
        this.sender = sender;
        this.port = port;
        this.targetPort = targetPort;
    }

    public FlakyPartner mode(Mode next) {
        mode.set(next);
        return this;
    }

    public FlakyPartner slowness(Duration delay) {
        slowness = delay;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    /** Opens the port (the partner is "up" again). */
    public synchronized FlakyPartner start() {
        if (server != null) {
            return this;
        }
        CertificateValidator validator = new CertificateValidator(pki.partyTrust());
        SSLContext serverTls = PartyTls.serverContext(pki.gateway(partner).load(), validator);
        SSLParameters tls13 = new SSLParameters();
        tls13.setProtocols(new String[] {"TLSv1.3"});
        forwarder = HttpClient.newBuilder()
                .sslContext(PartyTls.clientContext(pki.gateway(sender).load(), validator, partner))
                .sslParameters(tls13)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        try {
            server = HttpsServer.create(new InetSocketAddress(port), 16);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = serverTls.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** Closes the port (the partner is "down": connections are refused). */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Mode now = mode.get();
            if (now == Mode.FAIL_500) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            if (now == Mode.SLOW) {
                Thread.sleep(slowness.toMillis());
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(
                            URI.create("https://localhost:" + targetPort.getAsInt() + exchange.getRequestURI().getPath()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (name.equalsIgnoreCase("Content-Type") || name.toLowerCase().startsWith("x-passerelle")) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> answer = forwarder.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (name.equalsIgnoreCase("Content-Type") || name.toLowerCase().startsWith("x-passerelle")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] receipt = answer.statusCode() != 200 ? answer.body() : switch (now) {
                case GARBLED_RECEIPT -> garbled(answer.body());
                case OTHER_DIGEST_RECEIPT -> otherDigest(answer.body());
                default -> answer.body();
            };
            exchange.sendResponseHeaders(answer.statusCode(), receipt.length == 0 ? -1 : receipt.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(receipt);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The signed receipt with its last byte (within the signature value) changed. */
    private static byte[] garbled(byte[] signed) {
        byte[] copy = signed.clone();
        copy[copy.length - 1] ^= 0x01;
        return copy;
    }

    /** The receipt's content with another digest, signed again with the partner's gateway key. */
    private byte[] otherDigest(byte[] signed) {
        try {
            byte[] content = (byte[]) new CMSSignedData(signed).getSignedContent().getContent();
            String xml = new String(content, StandardCharsets.UTF_8)
                    .replaceAll("(<(?:\\w+:)?Digest>)[^<]*(</(?:\\w+:)?Digest>)", "$1" + "0".repeat(64) + "$2");
            return new CmsSigner(pki.gateway(partner).load()).sign(xml.getBytes(StandardCharsets.UTF_8));
        } catch (CMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
