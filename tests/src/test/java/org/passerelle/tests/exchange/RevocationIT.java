package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTrust;
import org.passerelle.security.pki.DevCertificates;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * FR's CA revokes FR's gateway certificate while both nodes run. GB re-reads the CRL file within its refresh
 * interval, without a restart: it refuses FR's messages (at the handshake, or at the request on a connection opened
 * before), stops sending to FR — messages wait, none is lost or parked — and says why in its partner health and its
 * audit log. When the CA publishes a CRL that no longer lists the certificate, what waited is delivered.
 */
class RevocationIT {

    @TempDir
    static Path dir;
    static Exchange exchange;

    @BeforeAll
    static void startNodes() {
        exchange = Exchange.start(dir, Map.of(
                "GB:passerelle.trust.crl-refresh-interval", "1s",
                "GB:passerelle.trust.crl-retry", "1s",
                "GB:passerelle.trust.check-every", "200ms",
                // Every development certificate and CRL lasts a year: a longer warning period puts them all within it.
                "GB:passerelle.trust.expiry-warning", "400d"));
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void aRevocationPublishedWhileTheNodesRunStopsTheExchangeWithThePartnerUntilItIsLifted() {
        // given messages flowing both ways
        String before = submit(exchange.gb, Envelopes.sample("CaseStatusUpdate", "GB", "FR"));
        String beforeFromFr = submit(exchange.fr, Envelopes.sample("CaseStatusUpdate", "FR", "GB"));
        awaitReceipted(exchange.gb, before);
        awaitReceipted(exchange.fr, beforeFromFr);

        // when FR's CA publishes a CRL revoking FR's gateway certificate
        KeyMaterial frGateway = exchange.pki.gateway("FR").load();
        publishFrCrl(List.of(frGateway.certificate().getSerialNumber()));
        await("GB takes the new CRL").atMost(Duration.ofSeconds(30))
                .until(() -> audited(exchange.gb, "CRL_REFRESHED").size() > 0);

        // then GB stops sending to FR and says why: the message waits, neither sent nor parked
        String waiting = submit(exchange.gb, Envelopes.sample("CaseStatusUpdate", "GB", "FR"));
        await("GB refuses FR's certificate").atMost(Duration.ofSeconds(30)).until(() ->
                audited(exchange.gb, "PARTNER_CERTIFICATE_INVALID").stream()
                        .anyMatch(e -> "CERTIFICATE_REVOKED".equals(e.code()) && "FR".equals(e.partner())));
        assertThat(exchange.gb.get("/actuator/health", Node.ADMIN_TOKEN).body()).contains("CERTIFICATE_REVOKED");
        assertThat(exchange.gb.bean(MessageStore.class).history(waiting)).extracting(h -> h.status())
                .doesNotContain(MessageStatus.SENT, MessageStatus.PARKED);
        assertThat(exchange.fr.bean(MessageStore.class).find(waiting)).isEmpty();

        // and GB refuses what FR sends, audited with the revocation, storing nothing
        String refused = submit(exchange.fr, Envelopes.sample("CaseStatusUpdate", "FR", "GB"));
        await("GB refuses FR's message").atMost(Duration.ofSeconds(30)).until(() ->
                audited(exchange.gb, "HANDSHAKE_REFUSED", "MESSAGE_REFUSED").stream()
                        .anyMatch(e -> "CERTIFICATE_REVOKED".equals(e.code())));
        assertThat(exchange.gb.bean(MessageStore.class).find(refused)).isEmpty();
        assertThat(exchange.gbBackend.findAll(anyRequestedFor(anyUrl())
                .withHeader("X-Passerelle-Message-Id", equalTo(refused)))).isEmpty();

        // when FR's CA publishes a newer CRL without it, what waited at GB is delivered
        publishFrCrl(List.of());
        awaitReceipted(exchange.gb, waiting);
        await("FR's back-end takes it").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(exchange.frBackend.findAll(anyRequestedFor(anyUrl())
                        .withHeader("X-Passerelle-Message-Id", equalTo(waiting)))).hasSize(1));
        assertThat(audited(exchange.gb, "PARTNER_CERTIFICATE_VALID")).isNotEmpty();
    }

    @Test
    void warnsBeforeItsOwnAndItsPartnersCertificatesAndCrlsExpire() {
        // given GB warns 400 days ahead, and its certificate, FR's and both CRLs expire within a year

        // then its trust health says EXPIRING with what and when, the gauge counts them, and each is audited once
        await("GB's trust health").atMost(Duration.ofSeconds(30)).until(() ->
                exchange.gb.get("/actuator/health", Node.ADMIN_TOKEN).body().contains("\"EXPIRING\""));
        String health = exchange.gb.get("/actuator/health", Node.ADMIN_TOKEN).body();
        assertThat(health).contains("gateway.gb.passerelle.test").contains("gateway.fr.passerelle.test").contains("CRL of");
        assertThat(exchange.gb.get("/actuator/prometheus", Node.ADMIN_TOKEN).body()).containsPattern("passerelle_trust_expiring [1-9]");
        List<AuditEvent> warnings = audited(exchange.gb, "TRUST_EXPIRING");
        assertThat(warnings).extracting(AuditEvent::code).contains("CERTIFICATE", "CRL");
        assertThat(warnings).extracting(AuditEvent::detail).doesNotHaveDuplicates();
    }

    /** Writes FR's CRL file anew, issued now by FR's root CA, listing these serial numbers. */
    private static void publishFrCrl(List<BigInteger> revoked) {
        KeyMaterial ca = exchange.pki.rootCa("FR").load();
        X509CRL previous = PartyTrust.readCrl(exchange.pki.crl("FR"));
        // A CRL is taken only if it was issued after the one held: never in the same second as the last.
        Instant thisUpdate = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (!thisUpdate.isAfter(previous.getThisUpdate().toInstant())) {
            thisUpdate = previous.getThisUpdate().toInstant().plusSeconds(1);
        }
        List<BigInteger> serials = new ArrayList<>(revoked);
        X509CRL crl = DevCertificates.crl(ca.certificate(), ca.privateKey(), thisUpdate,
                thisUpdate.plus(Duration.ofDays(30)), serials, "SHA384withECDSA");
        try {
            String pem = "-----BEGIN X509 CRL-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(crl.getEncoded()) + "\n-----END X509 CRL-----\n";
            Path file = exchange.pki.crl("FR");
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, pem, StandardCharsets.US_ASCII);
            Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CRLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String submit(Node node, byte[] xml) {
        assertThat(node.submit(xml).statusCode()).isEqualTo(202);
        return Envelopes.header(xml, "MessageId");
    }

    private static void awaitReceipted(Node sender, String messageId) {
        await("receipt for " + messageId).atMost(Duration.ofSeconds(60)).until(() -> sender.bean(MessageStore.class)
                .find(messageId).map(m -> m.status() == MessageStatus.RECEIPT_VERIFIED).orElse(false));
    }

    private static List<AuditEvent> audited(Node node, String... actions) {
        List<String> wanted = List.of(actions);
        return node.bean(AuditTrail.class).latest(500).stream().filter(e -> wanted.contains(e.action())).toList();
    }
}
