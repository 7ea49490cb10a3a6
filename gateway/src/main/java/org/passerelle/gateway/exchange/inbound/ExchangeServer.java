package org.passerelle.gateway.exchange.inbound;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.camel.ProducerTemplate;
import org.passerelle.gateway.audit.witness.Witnessing;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.BoundedBody;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.routes.RouteCalls;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The partner port: HTTPS with TLS 1.3 only and a client certificate required, validated at the handshake by
 * the party-aware trust manager (chain to that party's anchors, validity, revocation). It serves exactly one
 * resource, {@code POST /exchange/v1/messages}, reads a body no further than the partner's limit, and hands it to the
 * {@code partner-inbox} route ({@link InboxRoutes}), answering with the receipt it ends with. Every refusal,
 * down to a wrong path or method, is audited with its code and answered with a signed XML fault. The bodies it holds
 * at once are bounded by {@link InboundMemory}: past the budget a request is answered {@code 503 NODE_BUSY} with
 * {@code Retry-After}, its body read through and thrown away, never held.
 */
@Component
class ExchangeServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExchangeServer.class);
    /** How long a stopping node lets the partner port's requests in flight finish. */
    private static final int DRAIN_SECONDS = 10;
    /**
     * How long a request's body may take to arrive: the largest (16 MB) at about 1 Mbit/s. A sender that has not sent
     * it by then is cut off, its reservation given back.
     */
    static final int BODY_DEADLINE_SECONDS = 150;
    static final String PATH = "/exchange/v1/messages";
    private static final String CMS_TYPE = "application/pkcs7-mime";
    private static final long UNREADABLE_LENGTH = -2;

    private final NodeProperties node;
    private final InboxService inbox;
    private final Witnessing witnessing;
    private final SSLContext tls;
    private final InboundMemory memory;
    private final ProducerTemplate routes;
    private HttpsServer server;
    private ExecutorService workers;
    /** Closes a request whose body has not arrived in time (the JDK's server sets no deadline of its own). */
    private ScheduledExecutorService deadlines;

    ExchangeServer(NodeProperties node, InboxService inbox, Witnessing witnessing, KeyMaterial nodeKey,
                   CertificateValidator validator, InboundMemory memory, ProducerTemplate routes) {
        this.memory = memory;
        this.routes = routes;
        this.witnessing = witnessing;
        this.node = node;
        this.inbox = inbox;
        this.tls = PartyTls.serverContext(nodeKey, validator, inbox::refusedAtHandshake);
    }

    @Override
    public void start() {
        try {
            server = HttpsServer.create(new InetSocketAddress(node.exchangePort()), 64);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the exchange port " + node.exchangePort(), e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        workers = Executors.newVirtualThreadPerTaskExecutor();
        deadlines = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("partner-port-deadlines").factory());
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
        log.info("Exchange port {} open (mutual TLS 1.3) for party {}", port(), node.party());
    }

    /** The port actually bound (useful when configured as 0). */
    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Partner partner = null;
            try {
                boolean resource = PATH.equals(exchange.getRequestURI().getPath());
                boolean copies = Witnessing.COPIES_PATH.equals(exchange.getRequestURI().getPath());
                boolean post = "POST".equals(exchange.getRequestMethod());
                long declared = declaredLength(exchange);
                // The client is admitted (a partner's gateway, valid now, not suspended, within its rate) before its
                // request is judged: a stranger learns nothing of what this port serves, and a partner's wrong
                // request is audited under its name.
                partner = inbox.admit(peerChain((HttpsExchange) exchange), resource && post ? declared : -1);
                if (copies) {
                    answerCopies(exchange, partner);
                    return;
                }
                if (!resource) {
                    throw inbox.refusedAtPort(new GatewayException(GatewayErrorCode.NOT_FOUND,
                            "This port serves POST " + PATH + " only"), partner);
                }
                if (!post) {
                    exchange.getResponseHeaders().add("Allow", "POST");
                    throw inbox.refusedAtPort(new GatewayException(GatewayErrorCode.METHOD_NOT_ALLOWED,
                            "This resource takes POST only"), partner);
                }
                if (declared == UNREADABLE_LENGTH) {
                    throw inbox.refusedAtPort(new GatewayException(GatewayErrorCode.REQUEST_INVALID,
                            "Unreadable Content-Length"), partner);
                }
                String type = exchange.getRequestHeaders().getFirst("Content-Type");
                if (type == null || !type.toLowerCase().startsWith(CMS_TYPE)) {
                    throw inbox.refusedAtPort(new GatewayException(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE,
                            "The body must be " + CMS_TYPE), partner);
                }
                // The body's bytes are reserved before one is read (all it may send when it declares no length), and
                // given back once it is answered: the heap holds the bodies of a bounded number of requests at once.
                try (InboundMemory.Reservation reserved = reserve(declared >= 0 ? declared : inbox.maxBody(partner),
                        partner)) {
                    byte[] read = readWithin(exchange, partner, declared);
                    if (read == null) {
                        // Announced chunked (no length to refuse it by), it grew past the limit while being read.
                        throw inbox.refusedAtPort(new GatewayException(GatewayErrorCode.BODY_TOO_LARGE,
                                "The body is larger than this node takes"), partner);
                    }
                    HandedOverBody body = new HandedOverBody(read);
                    read = null; // the inbox takes the bytes from the holder, and drops them once decrypted
                    byte[] receipt = receive(body, partner);
                    answer(exchange, 200, null, null, CMS_TYPE + "; smime-type=signed-data", receipt);
                }
            } catch (GatewayException refusal) {
                // Every refusal reaching here was audited where it was raised (admit, receive, refusedAtPort), but for
                // NODE_NOT_READY, which decides nothing (see receive).
                String messageId = exchange.getRequestHeaders().getFirst("X-Passerelle-Message-Id");
                byte[] fault = inbox.faultFor(refusal, partner == null ? null : partner.party(), messageId);
                if (refusal.retryLater()) {
                    exchange.getResponseHeaders().set("Retry-After", String.valueOf(InboundMemory.RETRY_AFTER_SECONDS));
                    // Read through and thrown away, a buffer at a time (no heap to speak of), so that the sender gets
                    // this answer rather than a reset connection, which would count against our node as a failure.
                    BoundedBody.discard(exchange.getRequestBody(), inbox.maxBody(partner));
                }
                answer(exchange, refusal.status().value(), refusal.code().name(), messageId, "application/xml", fault);
            }
        } catch (RuntimeException e) {
            log.error("Exchange request failed", e);
        }
    }

    /**
     * {@code GET /exchange/v1/witnessed?after=N} (or {@code ?latest}): the copies of the admitted partner's audit checkpoints this node kept
     * as its witness (only its own: the party comes from its certificate), for its node to verify its log with.
     */
    private void answerCopies(HttpExchange exchange, Partner partner) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().add("Allow", "GET");
            throw inbox.refusedAtPort(new GatewayException(GatewayErrorCode.METHOD_NOT_ALLOWED,
                    "This resource takes GET only"), partner);
        }
        String query = exchange.getRequestURI().getRawQuery();
        boolean latest = "latest".equals(query);
        long after = 0;
        try {
            if (query != null && !latest) {
                after = Long.parseLong(query.startsWith("after=") ? query.substring(6) : "x");
            }
        } catch (NumberFormatException e) {
            throw inbox.refusedAtPort(new GatewayException(GatewayErrorCode.REQUEST_INVALID,
                    "Give after=SEQ, or latest"), partner);
        }
        answer(exchange, 200, null, null, "application/json",
                witnessing.copiesFor(partner.party(), Math.max(0, after), latest));
    }

    /**
     * The body, read within {@link #BODY_DEADLINE_SECONDS}: a sender that stalls would otherwise hold its reservation
     * of the memory budget, and with it the node's deliveries and dispatches, for as long as it likes. Past the
     * deadline the connection is closed and the refusal audited.
     */
    private byte[] readWithin(HttpExchange exchange, Partner partner, long declared) throws IOException {
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            late.set(true);
            exchange.close();
        }, BODY_DEADLINE_SECONDS, TimeUnit.SECONDS);
        try {
            return BoundedBody.read(exchange.getRequestBody(), inbox.maxBody(partner), declared);
        } catch (IOException e) {
            if (late.get()) {
                throw inbox.refusedAtPort(new GatewayException(GatewayErrorCode.REQUEST_INVALID,
                        "The body did not arrive within " + BODY_DEADLINE_SECONDS + " s"), partner);
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * The receipt for an admitted body, from the inbox route; {@code NODE_NOT_READY} while the node's routes are not
     * running (starting or stopping), the sender trying again later as it does on {@code NODE_BUSY}. That answer is
     * logged, not audited: nothing of the message was read or decided, and the audit log may itself be starting or
     * stopping.
     */
    private byte[] receive(HandedOverBody body, Partner partner) {
        try {
            return RouteCalls.request(routes, InboxRoutes.INBOX, body, Map.of(InboxRoutes.PARTNER, partner),
                    byte[].class);
        } catch (GatewayException refusal) {
            if (refusal.is(GatewayErrorCode.NODE_NOT_READY)) {
                log.info("Answered {} NODE_NOT_READY: this node's routes are not running", partner.party());
            }
            throw refusal;
        }
    }

    /**
     * The reservation of a request's body in the inbound memory budget, or {@code NODE_BUSY}, audited as every refusal
     * of an admitted partner is: admitted means within its rate, so the refusals audited are bounded by the partners'
     * rates whatever the burst, and an auditor sees each message that was turned away and when.
     */
    private InboundMemory.Reservation reserve(long bytes, Partner partner) {
        return memory.tryReserve(bytes).orElseThrow(() -> inbox.refusedAtPort(new GatewayException(
                GatewayErrorCode.NODE_BUSY, "This node is taking in as much as it can; send again after "
                + InboundMemory.RETRY_AFTER_SECONDS + " s"), partner));
    }

    private static X509Certificate[] peerChain(HttpsExchange exchange) {
        try {
            Certificate[] chain = exchange.getSSLSession().getPeerCertificates();
            return Arrays.stream(chain).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /**
     * The declared body length, -1 when none is declared (chunked), {@link #UNREADABLE_LENGTH} when it cannot be read;
     * the JDK server itself answers a plain 400 to most such requests before this port sees them.
     */
    private static long declaredLength(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            long declared = length == null ? -1 : Long.parseLong(length.trim());
            return declared < 0 && length != null ? UNREADABLE_LENGTH : declared;
        } catch (NumberFormatException e) {
            return UNREADABLE_LENGTH;
        }
    }


    private static void answer(HttpExchange exchange, int status, String faultCode, String messageId, String type,
                               byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        if (faultCode != null) {
            exchange.getResponseHeaders().set("X-Passerelle-Fault", faultCode);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Stops taking connections, then lets the requests in flight finish (their messages stored and receipted, before the
     * routes and the database go) for up to {@value #DRAIN_SECONDS} seconds; only then are the ones left interrupted.
     * Interrupting at once failed a receipt half-way (its database connection closed by the interrupt), which the
     * sender retried, but the node had audited it as refused.
     */
    @Override
    public void stop() {
        if (server != null) {
            server.stop(1);
            workers.shutdown();
            try {
                if (!workers.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("Partner port: requests still in flight after {} s are interrupted", DRAIN_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers.shutdownNow();
            deadlines.shutdownNow();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    List<String> describe() {
        return List.of("port " + port());
    }
}
