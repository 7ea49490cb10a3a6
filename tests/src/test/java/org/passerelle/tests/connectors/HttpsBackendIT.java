package org.passerelle.tests.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * FR's node delivers what GB sends to FR's back-ends over HTTPS with mutual TLS: it presents its dispatch certificate
 * (a system certificate of the FR PKI) and trusts only back-end certificates issued under FR's root. Back-ends are
 * real HTTPS servers (WireMock) that require a client certificate; the content-based router sends each message type to
 * its own back-end (with a property placeholder in one URI). A back-end that refuses the node's certificate, or
 * presents one the node does not trust, gets nothing: the message is retried, then parked and audited. A back-end's
 * 4xx parks at once. A back-end that is down gets the message once it is up, once. And a node configured with a plain
 * http back-end refuses to start unless plain http is explicitly allowed.
 */
class HttpsBackendIT {

    static final String INBOUND = Exchange.INBOUND_PATH;

    @TempDir
    static Path dir;
    static Exchange exchange;
    static final List<WireMockServer> backends = new ArrayList<>();
    static WireMockServer casework;
    static WireMockServer untrustedServer;
    static WireMockServer refusesTheNode;
    static int latePort;

    @BeforeAll
    static void startNodesAndBackEnds() {
        int good = Exchange.freePort();
        int untrusted = Exchange.freePort();
        int refusing = Exchange.freePort();
        latePort = Exchange.freePort();
        exchange = Exchange.start(dir, pki -> {
            Path frRoot = trustStore(pki, "fr-only.p12", "FR");
            Map<String, Object> fr = new LinkedHashMap<>();
            fr.put("FR:passerelle.backend.tls.key-store", pki.dispatch("FR").pkcs12());
            fr.put("FR:passerelle.backend.tls.key-store-password", DevPki.PASSWORD);
            fr.put("FR:passerelle.backend.tls.trust-store", frRoot);
            fr.put("FR:passerelle.backend.tls.trust-store-password", DevPki.PASSWORD);
            fr.put("FR:casework.base-url", "https://localhost:" + good);
            route(fr, 0, "ReadmissionDecision", "{{casework.base-url}}" + INBOUND);
            route(fr, 1, "EligibilityResult", "https://localhost:" + good + "/refuses");
            route(fr, 2, "TransferStatus", "https://localhost:" + untrusted + INBOUND);
            route(fr, 3, "CaseStatusUpdate", "https://localhost:" + refusing + INBOUND);
            route(fr, 4, "ArrivalConfirmation", "https://localhost:" + latePort + INBOUND);
            // About 10 s of retries before parking: long enough to bring a back-end up, short enough to watch parking.
            fr.put("FR:passerelle.delivery.max-attempts", "8");
            fr.put("FR:passerelle.delivery.max-backoff", "2s");
            return fr;
        });
        DevPki pki = exchange.pki;
        casework = backend(pki, good, pki.backend("FR"), trustStore(pki, "fr-clients.p12", "FR"));
        casework.stubFor(post(urlPathEqualTo("/refuses")).willReturn(aResponse().withStatus(422)));
        untrustedServer = backend(pki, untrusted, pki.backend("BE"), trustStore(pki, "fr-clients.p12", "FR"));
        refusesTheNode = backend(pki, refusing, pki.backend("FR"), trustStore(pki, "be-clients.p12", "BE"));
    }

    @AfterAll
    static void stopAll() {
        backends.forEach(WireMockServer::stop);
        exchange.close();
    }

    @Test
    void aMessageReachesTheHttpsBackEndWithTheNodesSystemCertificate() {
        String id = submit("ReadmissionDecision");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(status(id)).isEqualTo(MessageStatus.DELIVERED));
        assertThat(casework.findAll(postRequestedFor(urlPathEqualTo(INBOUND))
                .withHeader("X-Passerelle-Message-Id", equalTo(id))
                .withHeader("X-Passerelle-Message-Type", equalTo("ReadmissionDecision"))
                .withHeader("X-Passerelle-From", equalTo("GB")))).hasSize(1);
        assertThat(exchange.frBackend.findAll(postRequestedFor(urlPathEqualTo(INBOUND))
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).as("routed, not defaulted").isEmpty();
        assertThat(audit(id)).anySatisfy(event -> {
            assertThat(event.action()).isEqualTo("DELIVERED");
            assertThat(event.channel()).isEqualTo("DISPATCH");
        });
    }

    @Test
    void aBackEndsRefusalParksTheMessageAtOnce() {
        String id = submit("EligibilityResult");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(status(id)).isEqualTo(MessageStatus.PARKED));
        assertThat(casework.findAll(postRequestedFor(urlPathEqualTo("/refuses"))
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).hasSize(1);
        assertThat(audit(id)).anySatisfy(parked("BACKEND_REFUSED", "back-end answered 422"));
    }

    @Test
    void aBackEndWhoseServerCertificateTheNodeDoesNotTrustGetsNothingAndTheMessageParks() {
        String id = submit("TransferStatus");

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(status(id)).isEqualTo(MessageStatus.PARKED));
        assertThat(untrustedServer.getAllServeEvents()).isEmpty();
        assertThat(audit(id)).anySatisfy(parked("RETRIES_EXHAUSTED", "BACKEND_UNAVAILABLE"));
    }

    @Test
    void aBackEndThatRefusesTheNodesCertificateGetsNothingAndTheMessageParks() {
        String id = submit("CaseStatusUpdate");

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(status(id)).isEqualTo(MessageStatus.PARKED));
        assertThat(refusesTheNode.getAllServeEvents()).isEmpty();
        assertThat(audit(id)).anySatisfy(parked("RETRIES_EXHAUSTED", "BACKEND_UNAVAILABLE"));
    }

    @Test
    void aBackEndThatIsDownGetsTheMessageOnceWhenItIsUp() {
        String id = submit("ArrivalConfirmation");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(store().history(id)).anySatisfy(change -> {
                    assertThat(change.status()).isEqualTo(MessageStatus.FAILED);
                    assertThat(change.reason()).isEqualTo("BACKEND_UNAVAILABLE");
                }));

        WireMockServer late = backend(exchange.pki, latePort, exchange.pki.backend("FR"),
                trustStore(exchange.pki, "fr-clients.p12", "FR"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(status(id)).isEqualTo(MessageStatus.DELIVERED));
        assertThat(late.findAll(postRequestedFor(urlPathEqualTo(INBOUND))
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).hasSize(1);
    }

    @Test
    void anEntryRewrittenInTheDatabaseToAnEndpointTheNodeIsNotConfiguredWithIsParkedUnsent() throws Exception {
        String id = submit("ReadmissionRequest");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(status(id)).isEqualTo(MessageStatus.DELIVERED));
        Path stolen = dir.resolve("stolen");

        // Whoever holds the database points the entry at a folder of theirs and makes it due again.
        try (Connection c = exchange.fr.bean(DataSource.class).getConnection();
             PreparedStatement rewrite = c.prepareStatement("update outbox set target = ?, state = 'PENDING',"
                     + " claimed_by = null, claimed_until = null, next_attempt_at = current_timestamp"
                     + " where message_id = ? and kind = 'DISPATCH'")) {
            rewrite.setString(1, "file:" + stolen + "?tempPrefix=.part-");
            rewrite.setString(2, id);
            assertThat(rewrite.executeUpdate()).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(audit(id))
                .anySatisfy(parked("BACKEND_NOT_CONFIGURED", "not one this node is configured with")));
        assertThat(stolen).doesNotExist();
        assertThat(exchange.frBackend.findAll(postRequestedFor(urlPathEqualTo(INBOUND))
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).as("delivered once, before").hasSize(1);
    }

    @Test
    void aPlainHttpBackEndIsRefusedAtStartUnlessAllowed() {
        Node fr = exchange.fr;
        try {
            fr.configure("passerelle.backend.allow-plain-http", false);

            assertThatThrownBy(fr::restart).hasStackTraceContaining(
                    "passerelle.backend.default-endpoints[0]: plain http is refused");
            assertThat(fr.running()).isFalse();
        } finally {
            fr.configure("passerelle.backend.allow-plain-http", true).start();
        }
        assertThat(fr.running()).isTrue();
    }

    private static String submit(String type) {
        byte[] xml = Envelopes.sample(type, "GB", "FR");
        var accepted = exchange.gb.submit(xml);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return Envelopes.header(xml, "MessageId");
    }

    private static MessageStatus status(String id) {
        return store().find(id).map(message -> message.status()).orElse(null);
    }

    private static MessageStore store() {
        return exchange.fr.bean(MessageStore.class);
    }

    private static List<AuditEvent> audit(String id) {
        return exchange.fr.bean(AuditTrail.class).forMessage(id);
    }

    private static java.util.function.Consumer<AuditEvent> parked(String code, String detail) {
        return event -> {
            assertThat(event.action()).isEqualTo("PARKED");
            assertThat(event.channel()).isEqualTo("DISPATCH");
            assertThat(event.code()).isEqualTo(code);
            assertThat(event.detail()).contains(detail);
        };
    }

    private static void route(Map<String, Object> settings, int index, String type, String endpoint) {
        String prefix = "FR:passerelle.backend.routes[" + index + "].";
        settings.put(prefix + "types[0]", type);
        settings.put(prefix + "partners[0]", "GB");
        settings.put(prefix + "endpoints[0]", endpoint);
    }

    /** An HTTPS back-end on the port, presenting the credential and requiring a client certificate the store anchors. */
    private static WireMockServer backend(DevPki pki, int port, DevPki.Credential server, Path clientAnchors) {
        WireMockServer backend = new WireMockServer(options().httpDisabled(true).httpsPort(port)
                .keystorePath(server.pkcs12().toString()).keystorePassword(DevPki.PASSWORD).keystoreType("PKCS12")
                .keyManagerPassword(DevPki.PASSWORD)
                .needClientAuth(true).trustStorePath(clientAnchors.toString()).trustStorePassword(DevPki.PASSWORD)
                .trustStoreType("PKCS12"));
        backend.start();
        backend.stubFor(post(urlPathEqualTo(INBOUND)).willReturn(aResponse().withStatus(202)));
        backends.add(backend);
        return backend;
    }

    /** A PKCS#12 trust store holding only the party's root CA. */
    private static Path trustStore(DevPki pki, String name, String party) {
        Path file = pki.directory().resolve(name);
        if (Files.exists(file)) {
            return file;
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry(party.toLowerCase() + "-root-ca", pki.rootCa(party).load().certificate());
            store.store(out, DevPki.PASSWORD.toCharArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
