package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.GatewayCertificates;
import org.passerelle.tests.support.PartnerCall;

/**
 * Only FR's gateway speaks for FR at GB's partner port. FR's CA also issues its officers' and back-end system's
 * certificates, bound to FR and chaining to the same anchor: each is refused as TLS client at the handshake and as
 * signer of a message, with its stable code and an audit entry, and nothing is stored or delivered. GB registers
 * (pins) FR's gateway certificate, so a second certificate of FR's CA in the gateway profile is refused too.
 */
class GatewayIdentityIT {

    static final String CMS = "application/pkcs7-mime; smime-type=enveloped-data";
    static final List<String> OFFICER_ROLES = DevPki.OFFICER_ROLES;

    @org.junit.jupiter.api.io.TempDir
    static Path dir;
    static Exchange exchange;
    static KeyMaterial frGateway;

    @BeforeAll
    static void startNodes() {
        exchange = Exchange.start(dir, pki -> Map.of("GB:passerelle.partners.FR.gateway-fingerprints",
                Fingerprints.sha256(pki.gateway("FR").load().certificate())));
        frGateway = exchange.pki.gateway("FR").load();
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void theRegisteredGatewayStillSpeaksForItsPartyBothWays() {
        byte[] fromFr = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        byte[] fromGb = Envelopes.sample("CaseStatusUpdate", "GB", "FR");

        HttpResponse<byte[]> direct = send(frGateway, sealed(fromFr, frGateway));
        assertThat(exchange.gb.submit(fromGb).statusCode()).isEqualTo(202);

        assertThat(direct.statusCode()).isEqualTo(200);
        String id = Envelopes.header(fromGb, "MessageId");
        await().atMost(Duration.ofSeconds(60)).until(() -> exchange.gb.bean(MessageStore.class).find(id)
                .map(m -> m.status().name()).filter("RECEIPT_VERIFIED"::equals).isPresent());
    }

    @ParameterizedTest(name = "FR officer {0}")
    @FieldSource("OFFICER_ROLES")
    void refusesAnOfficerCertificateAsTlsClientAtTheHandshake(String role) {
        KeyMaterial officer = exchange.pki.officer("FR", role).load();

        assertRefusedAtHandshake(officer, "NOT_A_GATEWAY_CERTIFICATE");
    }

    @Test
    void refusesTheBackEndSystemCertificateAsTlsClientAtTheHandshake() {
        assertRefusedAtHandshake(exchange.pki.system("FR").load(), "NOT_A_GATEWAY_CERTIFICATE");
    }

    @Test
    void refusesAnUnregisteredGatewayCertificateOfThePartnerAtTheHandshake() {
        assertRefusedAtHandshake(GatewayCertificates.issue(exchange.pki, "FR"), "GATEWAY_NOT_REGISTERED");
    }

    @ParameterizedTest(name = "FR officer {0}")
    @FieldSource("OFFICER_ROLES")
    void refusesAMessageSignedByAnOfficerOfThePartner(String role) {
        byte[] xml = Envelopes.sample("ReadmissionDecision", "FR", "GB");

        HttpResponse<byte[]> response = send(frGateway, sealed(xml, exchange.pki.officer("FR", role).load()));

        assertRefusedAtTheSignerCheck(response, "NOT_A_GATEWAY_CERTIFICATE", xml);
    }

    @Test
    void refusesAMessageSignedByTheBackEndSystemOfThePartner() {
        byte[] xml = Envelopes.sample("TransferStatus", "FR", "GB");

        HttpResponse<byte[]> response = send(frGateway, sealed(xml, exchange.pki.system("FR").load()));

        assertRefusedAtTheSignerCheck(response, "NOT_A_GATEWAY_CERTIFICATE", xml);
    }

    @Test
    void refusesAMessageSignedByAnUnregisteredGatewayCertificateOfThePartner() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");

        HttpResponse<byte[]> response = send(frGateway, sealed(xml, GatewayCertificates.issue(exchange.pki, "FR")));

        assertRefusedAtTheSignerCheck(response, "GATEWAY_NOT_REGISTERED", xml);
    }

    @Test
    void refusesAMessageSignedByTheGatewayOfAnotherParty() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");

        HttpResponse<byte[]> response = send(frGateway, sealed(xml, exchange.pki.gateway("BE").load()));

        assertRefusedAtTheSignerCheck(response, "PARTY_MISMATCH", xml);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static void assertRefusedAtHandshake(KeyMaterial client, String code) {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        long before = handshakeRefusals(code);

        assertThatThrownBy(() -> send(client, sealed(xml, frGateway)))
                .rootCause()
                // TLS 1.3 checks the client's certificate after the client's last flight: the client sees the alert
                // or the connection the server closed on it.
                .isInstanceOfAny(javax.net.ssl.SSLException.class, java.net.SocketException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> handshakeRefusals(code) > before);
        AuditEvent refusal = latest("HANDSHAKE_REFUSED");
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.partner()).as("a refused certificate's party is only claimed").isNull();
        assertThat(refusal.detail()).startsWith("claims FR");
        assertNothingStoredOrDelivered(xml);
    }

    private static void assertRefusedAtTheSignerCheck(HttpResponse<byte[]> response, String code, byte[] xml) {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(403);
        assertThat(response.headers().firstValue("X-Passerelle-Fault")).hasValue(code);
        AuditEvent refusal = latest("MESSAGE_REFUSED");
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.channel()).isEqualTo("INBOX");
        assertNothingStoredOrDelivered(xml);
    }

    private static long handshakeRefusals(String code) {
        return exchange.gb.bean(AuditTrail.class).latest(200).stream()
                .filter(e -> "HANDSHAKE_REFUSED".equals(e.action()) && code.equals(e.code())).count();
    }

    private static AuditEvent latest(String action) {
        return exchange.gb.bean(AuditTrail.class).latest(50).stream().filter(e -> action.equals(e.action()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " audited"));
    }

    private static void assertNothingStoredOrDelivered(byte[] xml) {
        String id = Envelopes.header(xml, "MessageId");
        assertThat(exchange.gb.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(exchange.gbBackend.findAll(anyRequestedFor(anyUrl())
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).isEmpty();
    }

    private static X509Certificate gbCert() {
        return exchange.pki.gateway("GB").load().certificate();
    }

    private static byte[] sealed(byte[] xml, KeyMaterial signer) {
        return new CmsEncryptor().encrypt(new CmsSigner(signer).sign(xml), gbCert());
    }

    private static HttpResponse<byte[]> send(KeyMaterial tls, byte[] body) {
        return PartnerCall.post(exchange.pki, exchange.gb, tls, CMS, body);
    }
}
