package org.passerelle.security.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.pki.DevCertificates;

/**
 * An OCSP responder for tests on an ephemeral localhost port: answers for one CA, signed by a delegated
 * responder key (or the CA's own, or a foreign one), from a revocation list that tests change while it runs,
 * and can be switched to answer garbage, {@code tryLater} or HTTP 503, or be stopped; it counts requests.
 */
public final class TestOcspResponder implements AutoCloseable {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** How the responder answers. */
    public enum Mode {
        /** Properly signed answers. */
        ANSWER,
        /** Bytes that are no OCSP response. */
        GARBAGE,
        /** A well-formed response with status tryLater. */
        TRY_LATER,
        /** A well-formed answer signed by a key the CA never certified (with its self-signed certificate included). */
        FOREIGN_KEY,
        /** HTTP 503 with no body. */
        HTTP_503
    }

    private final KeyMaterial ca;
    private final KeyMaterial responder;
    private final Clock clock;
    private final HttpServer server;
    private final Set<BigInteger> revoked = ConcurrentHashMap.newKeySet();
    private final Set<BigInteger> unknown = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Mode mode = Mode.ANSWER;
    private volatile boolean signWithCa;
    private volatile boolean echoNonce = true;
    private volatile Duration validity = Duration.ofHours(1);
    private volatile KeyMaterial foreign;

    private TestOcspResponder(KeyMaterial ca, KeyMaterial responder, Clock clock) throws IOException {
        this.ca = ca;
        this.responder = responder;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ocsp", this::handle);
        server.start();
    }

    /**
     * Starts a responder for the CA, signing with the given responder key and certificate (a delegated
     * responder issued by the CA, or any other certificate a test wants to try), dating answers by the clock.
     */
    public static TestOcspResponder start(KeyMaterial ca, KeyMaterial responder, Clock clock) {
        try {
            return new TestOcspResponder(ca, responder, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL to POST requests to. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/ocsp");
    }

    public void revoke(BigInteger serial) {
        revoked.add(serial);
    }

    /** Answers UNKNOWN for this serial. */
    public void unknown(BigInteger serial) {
        unknown.add(serial);
    }

    public void mode(Mode replacement) {
        mode = replacement;
    }

    /** Signs with the CA's own key instead of the responder's. */
    public void signWithCa(boolean value) {
        signWithCa = value;
    }

    /** Whether a request's nonce is echoed (responders that ignore nonces do not). */
    public void echoNonce(boolean value) {
        echoNonce = value;
    }

    /** How long after thisUpdate the answers' nextUpdate lies; null for answers without nextUpdate. */
    public void validity(Duration value) {
        validity = value;
    }

    /** The number of requests received so far. */
    public int requestCount() {
        return requests.get();
    }

    /** Stops answering: later requests find the port closed. */
    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            byte[] answer;
            switch (mode) {
                case HTTP_503 -> {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                case GARBAGE -> answer = "this is not an OCSP response".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                case TRY_LATER -> answer = new OCSPRespBuilder().build(OCSPRespBuilder.TRY_LATER, null).getEncoded();
                default -> answer = respond(new OCSPReq(body));
            }
            exchange.getResponseHeaders().set("Content-Type", "application/ocsp-response");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (Exception e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private byte[] respond(OCSPReq request) throws Exception {
        KeyMaterial signer = mode == Mode.FOREIGN_KEY ? foreign() : signWithCa ? ca : responder;
        DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().setProvider(BC).build();
        BasicOCSPRespBuilder builder = new JcaBasicOCSPRespBuilder(signer.certificate().getPublicKey(), digests.get(CertificateID.HASH_SHA1));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        X509CertificateHolder issuer = new JcaX509CertificateHolder(ca.certificate());
        for (Req single : request.getRequestList()) {
            CertificateID id = single.getCertID();
            CertificateStatus status;
            if (!id.matchesIssuer(issuer, digests) || unknown.contains(id.getSerialNumber())) {
                status = new UnknownStatus();
            } else if (revoked.contains(id.getSerialNumber())) {
                status = new RevokedStatus(Date.from(now.minus(Duration.ofMinutes(1))), CRLReason.keyCompromise);
            } else {
                status = CertificateStatus.GOOD;
            }
            Duration valid = validity;
            builder.addResponse(id, status, Date.from(now), valid == null ? null : Date.from(now.plus(valid)), null);
        }
        Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (nonce != null && echoNonce) {
            builder.setResponseExtensions(new Extensions(nonce));
        }
        X509CertificateHolder[] chain = signer == ca ? new X509CertificateHolder[0]
                : new X509CertificateHolder[] {new JcaX509CertificateHolder(signer.certificate())};
        BasicOCSPResp basic = builder.build(new JcaContentSignerBuilder(algorithmFor(signer)).setProvider(BC).build(signer.privateKey()),
                chain, Date.from(now));
        OCSPResp response = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic);
        return response.getEncoded();
    }

    private static String algorithmFor(KeyMaterial key) {
        return key.privateKey().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    }

    private synchronized KeyMaterial foreign() {
        if (foreign == null) {
            KeyPair keys = DevCertificates.ecKeyPair("secp256r1");
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            // same subject as the real responder, so only the missing certification by the CA gives it away
            X509Certificate self = DevCertificates.selfSigned(new DevCertificates.Template(
                    responder.certificate().getSubjectX500Principal().getName(), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)),
                    false, Set.of(DevCertificates.Usage.DIGITAL_SIGNATURE), false, false, List.of(), List.of(), List.of(), List.of())
                    .withOcspSigning(true), keys, "SHA256withECDSA");
            foreign = new KeyMaterial(keys.getPrivate(), List.of(self));
        }
        return foreign;
    }
}
