package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.testing.ForgedCms;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.GatewayCertificates;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.PartnerCall;
import org.passerelle.tests.support.WireForgeries;

/**
 * Forgeries and refusals at GB's partner inbox: each is refused with its stable fault code, audited, and leaves
 * nothing stored and nothing delivered to GB's back-end.
 */
class InboxRefusalsIT {

    static final String CMS = "application/pkcs7-mime; smime-type=enveloped-data";
    static final String AES128_GCM = "2.16.840.1.101.3.4.1.6";
    static final String AES256_GCM = "2.16.840.1.101.3.4.1.46";
    static final String AES128_WRAP = "2.16.840.1.101.3.4.1.5";
    static final String AES256_WRAP = "2.16.840.1.101.3.4.1.45";

    @TempDir
    static Path dir;
    static Exchange exchange;
    static KeyMaterial fr;
    static KeyMaterial be;

    @BeforeAll
    static void startNodes() {
        // GB takes everything from FR but AdmissionReferral, to prove the per-partner type list.
        exchange = Exchange.start(dir, Map.of("GB:passerelle.partners.FR.receive",
                "BiometricSearchRequest,BiometricSearchResponse,ReadmissionRequest,ReadmissionDecision,TransferStatus,"
                        + "EligibilityResult,AdmissionDecision,ArrivalConfirmation,CaseStatusUpdate,EquivalenceStatement,Fault"));
        fr = exchange.pki.gateway("FR").load();
        be = exchange.pki.gateway("BE").load();
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void acceptsAWellFormedMessageAndAnswersTheSameReceiptToARetransmission() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");

        HttpResponse<byte[]> first = send(fr, sealed(xml, fr, gbCert()));
        HttpResponse<byte[]> again = send(fr, sealed(xml, fr, gbCert()));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(store().find(Envelopes.header(xml, "MessageId"))).isPresent();
    }

    @Test
    void refusesAMessageIdReusedForOtherContent() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        assertThat(send(fr, sealed(xml, fr, gbCert())).statusCode()).isEqualTo(200);
        byte[] other = Envelopes.withHeader(Envelopes.sample("TransferStatus", "FR", "GB"), "MessageId",
                Envelopes.header(xml, "MessageId"));

        assertRefused(send(fr, sealed(other, fr, gbCert())), 409, "REPLAYED_MESSAGE", null);
    }

    @Test
    void refusesContentChangedAfterSigning() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        byte[] signed = new CmsSigner(fr).sign(xml);
        byte[] tampered = signed.clone();
        int at = ForgedCms.indexOf(signed, Envelopes.header(xml, "ConversationId").getBytes(StandardCharsets.US_ASCII));
        tampered[at] = (byte) (tampered[at] == 'a' ? 'b' : 'a');

        assertRefused(send(fr, new CmsEncryptor().encrypt(tampered, gbCert())), 403, "SIGNATURE_INVALID", xml);
    }

    @Test
    void refusesAHeaderFromAnotherPartyThanTheSignerAndTlsClient() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "BE", "GB");

        assertRefused(send(fr, sealed(xml, fr, gbCert())), 403, "SENDER_MISMATCH", xml);
    }

    @Test
    void refusesAMessageSignedByAnotherPartyThanTheTlsClient() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");

        HttpResponse<byte[]> response = send(fr, sealed(xml, be, gbCert()));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("X-Passerelle-Fault")).hasValueSatisfying(code ->
                assertThat(code).isIn("CHAIN_UNTRUSTED", "PARTY_MISMATCH"));
        assertNothingStoredOrDelivered(xml);
    }

    @Test
    void refusesAMessageAddressedToAnotherParty() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "BE");

        assertRefused(send(fr, sealed(xml, fr, gbCert())), 400, "WRONG_NODE", xml);
    }

    @Test
    void refusesAMessageTypeThePartnerMayNotSend() {
        byte[] xml = Envelopes.sample("AdmissionReferral", "FR", "GB");

        assertRefused(send(fr, sealed(xml, fr, gbCert())), 403, "MESSAGE_TYPE_NOT_ALLOWED", xml);
    }

    @Test
    void refusesAnAnswerToAnEquivalenceStatementThisNodeNeverSent() {
        byte[] xml = Envelopes.sample("EquivalenceReconciliation", "FR", "GB");

        assertRefused(send(fr, sealed(xml, fr, gbCert())), 409, "RECONCILIATION_UNMATCHED", xml);
    }

    @Test
    void refusesASecondAnswerToAStatementFrAnsweredAlreadyThoughItAgreesAndIsSignedByFr() {
        // given GB's statement of this week, which FR's node answered
        HttpResponse<String> sent = org.passerelle.tests.casework.CaseworkMessages.post(exchange.gb,
                "/api/v1/ledger/statements?partner=FR", org.passerelle.tests.support.Node.SYSTEM_TOKEN, null);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        org.springframework.jdbc.core.JdbcTemplate gbDb = exchange.gb.bean(org.springframework.jdbc.core.JdbcTemplate.class);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gbDb.queryForObject(
                "select count(*) from ledger_statement where direction = 'OUTBOUND' and partner = 'FR'"
                        + " and reply_message_id is not null", Long.class) > 0);
        Map<String, Object> statement = gbDb.queryForMap("select * from ledger_statement where direction = 'OUTBOUND'"
                + " and partner = 'FR' and reply_message_id is not null order by id fetch first 1 rows only");
        String id = (String) statement.get("message_id");
        // when FR (its key, its TLS certificate) sends another answer to it, agreeing with its counts
        String xml = new String(Envelopes.sample("EquivalenceReconciliation", "FR", "GB"), StandardCharsets.UTF_8)
                .replace("5a091d9a-a50e-5c65-9881-3db190de27c0", id)
                .replace("<eq:PeriodStart>2026-02-23</eq:PeriodStart>", "<eq:PeriodStart>"
                        + statement.get("period_start") + "</eq:PeriodStart>")
                .replace("<eq:PeriodEnd>2026-03-01</eq:PeriodEnd>", "<eq:PeriodEnd>" + statement.get("period_end")
                        + "</eq:PeriodEnd>")
                .replace("<eq:ReturnsCount>48</eq:ReturnsCount>", "<eq:ReturnsCount>" + statement.get("returns_count")
                        + "</eq:ReturnsCount>")
                .replace("<eq:AdmissionsCount>45</eq:AdmissionsCount>", "<eq:AdmissionsCount>"
                        + statement.get("admissions_count") + "</eq:AdmissionsCount>");
        byte[] answer = xml.getBytes(StandardCharsets.UTF_8);

        // then it is refused: one answer per statement, the first one kept
        assertRefused(send(fr, sealed(answer, fr, gbCert())), 409, "RECONCILIATION_UNMATCHED", answer);
        assertThat(gbDb.queryForObject("select reply_message_id from ledger_statement where message_id = ?",
                String.class, id)).isEqualTo(statement.get("reply_message_id"));
    }

    @Test
    void refusesAnExpiredMessage() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        Instant past = Instant.now().minus(Duration.ofDays(2));
        xml = Envelopes.withHeader(Envelopes.withHeader(xml, "CreatedAt", past.minusSeconds(60).toString()),
                "ExpiresAt", past.toString());

        assertRefused(send(fr, sealed(xml, fr, gbCert())), 400, "MESSAGE_EXPIRED", xml);
    }

    @Test
    void refusesASigningTimeOutsideTheAllowedSkew() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        Clock late = Clock.fixed(Instant.now().plus(Duration.ofMinutes(30)), ZoneOffset.UTC);
        byte[] cms = new CmsEncryptor().encrypt(new CmsSigner(fr, late).sign(xml), gbCert());

        assertRefused(send(fr, cms), 400, "SIGNING_TIME_SKEWED", xml);
    }

    @Test
    void refusesASignerCertificateNotYetValidWithItsOwnCode() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        KeyMaterial early = GatewayCertificates.issue(exchange.pki, "FR", Instant.now().plus(Duration.ofDays(1)));

        assertRefused(send(fr, sealed(xml, early, gbCert())), 403, "CERTIFICATE_NOT_YET_VALID", xml);
    }

    @Test
    void refusesASigningTimeOlderThanTheAllowedSkew() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        Clock early = Clock.fixed(Instant.now().minus(Duration.ofMinutes(7)), ZoneOffset.UTC);
        byte[] cms = new CmsEncryptor().encrypt(new CmsSigner(fr, early).sign(xml), gbCert());

        assertRefused(send(fr, cms), 400, "SIGNING_TIME_SKEWED", xml);
    }

    @Test
    void refusesAnEnvelopeCreatedFurtherAheadThanTheClockSkew() {
        byte[] xml = Envelopes.withHeader(Envelopes.sample("CaseStatusUpdate", "FR", "GB"), "CreatedAt",
                Instant.now().plus(Duration.ofMinutes(10)).toString());

        assertRefused(send(fr, sealed(xml, fr, gbCert())), 400, "CREATED_IN_FUTURE", xml);
    }

    @Test
    void refusesAes128GcmContentEncryption() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        byte[] cms = ForgedCms.encryptedWith(new CmsSigner(fr).sign(xml), gbCert(), AES128_GCM, AES256_WRAP);

        assertRefused(send(fr, cms), 403, "ALGORITHM_NOT_ALLOWED", xml);
    }

    @Test
    void refusesAes128KeyWrap() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        byte[] cms = ForgedCms.encryptedWith(new CmsSigner(fr).sign(xml), gbCert(), AES256_GCM, AES128_WRAP);

        assertRefused(send(fr, cms), 403, "ALGORITHM_NOT_ALLOWED", xml);
    }

    @Test
    void refusesAnEnvelopeInIndefiniteLengthBer() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");

        assertRefused(send(fr, ForgedCms.asIndefiniteLengthBer(sealed(xml, fr, gbCert()))), 400, "CMS_NOT_DER", xml);
    }

    @Test
    void refusesASignedDataInIndefiniteLengthBer() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        byte[] ber = ForgedCms.asIndefiniteLengthBer(new CmsSigner(fr).sign(xml));

        assertRefused(send(fr, new CmsEncryptor().encrypt(ber, gbCert())), 400, "CMS_NOT_DER", xml);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outsideTheXmlProfile")
    void refusesAnEnvelopeOutsideTheXmlProfile(String forgery, UnaryOperator<byte[]> forge) {
        byte[] valid = Envelopes.sample("CaseStatusUpdate", "FR", "GB");

        HttpResponse<byte[]> response = send(fr, sealed(forge.apply(valid), fr, gbCert()));

        assertRefused(response, 400, "XML_FORBIDDEN_CONSTRUCT", valid);
    }

    static Stream<Arguments> outsideTheXmlProfile() {
        return WireForgeries.outsideTheXmlProfile().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @Test
    void refusesMalformedXmlInsideAValidSignature() {
        byte[] xml = "<env:Envelope xmlns:env=\"urn:passerelle:envelope:1\"><unclosed>".getBytes(StandardCharsets.UTF_8);

        assertRefused(send(fr, sealed(xml, fr, gbCert())), 400, "XML_MALFORMED", null);
    }

    @Test
    void refusesASchemaInvalidEnvelope() {
        byte[] xml = Envelopes.withHeader(Envelopes.sample("CaseStatusUpdate", "FR", "GB"), "SchemaVersion", "banana");

        assertRefused(send(fr, sealed(xml, fr, gbCert())), 400, "XML_SCHEMA_INVALID", xml);
    }

    @Test
    void refusesAMessageEncryptedForAnotherRecipient() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        byte[] forBe = new CmsEncryptor().encrypt(new CmsSigner(fr).sign(xml), be.certificate());

        assertRefused(send(fr, forBe), 400, "RECIPIENT_MISMATCH", xml);
    }

    @Test
    void refusesGarbageInsteadOfCms() {
        byte[] garbage = UUID.randomUUID().toString().repeat(20).getBytes(StandardCharsets.US_ASCII);

        assertRefused(send(fr, garbage), 400, "CMS_MALFORMED", null);
    }

    @Test
    void refusesABodyThatIsNotCms() {
        HttpResponse<byte[]> response = PartnerCall.post(exchange.pki, exchange.gb, fr, "application/xml",
                Envelopes.sample("CaseStatusUpdate", "FR", "GB"));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.headers().firstValue("X-Passerelle-Fault")).hasValue("UNSUPPORTED_MEDIA_TYPE");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("<env:Fault>");
        assertThat(latestRefusal()).extracting(AuditEvent::code, AuditEvent::actor)
                .containsExactly("UNSUPPORTED_MEDIA_TYPE", "FR");
    }

    @Test
    void refusesAPathThePortDoesNotServeWithAnAuditedFault() {
        // when FR's gateway posts to another path
        String response = PartnerCall.raw(exchange.pki, exchange.gb, fr, "POST /exchange/v1/other HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Type: " + CMS + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                new byte[0]);

        // then 404 with a fault naming its code, audited under FR
        assertPortRefusal(response, 404, "NOT_FOUND");
    }

    @Test
    void refusesAMethodThePortDoesNotTakeWithAnAuditedFault() {
        // when FR's gateway GETs the inbox
        String response = PartnerCall.raw(exchange.pki, exchange.gb, fr, "GET /exchange/v1/messages HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: close\r\n\r\n", new byte[0]);

        // then 405, Allow: POST, a fault naming its code, audited under FR
        assertPortRefusal(response, 405, "METHOD_NOT_ALLOWED");
        assertThat(response).containsIgnoringCase("Allow: POST");
    }

    @Test
    void refusesAChunkedBodyThatGrowsPastTheLimitWithAnAuditedFault() {
        // given a body announced chunked, so that no length can be refused before it is read
        int oversize = 16 * 1024 * 1024 + 1;
        byte[] chunk = new byte[oversize];
        String head = "POST /exchange/v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + CMS + "\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(oversize) + "\r\n";

        // when FR's gateway sends one byte more than the limit
        String response = PartnerCall.raw(exchange.pki, exchange.gb, fr, head,
                concat(chunk, "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));

        // then 413 with a fault naming its code, audited under FR
        assertPortRefusal(response, 413, "BODY_TOO_LARGE");
    }

    @Test
    void aMalformedContentLengthNeverReachesThePort() {
        // when FR's gateway sends a length the HTTP layer cannot read
        String response = PartnerCall.raw(exchange.pki, exchange.gb, fr, "POST /exchange/v1/messages HTTP/1.1\r\n"
                + "Host: localhost\r\nContent-Type: " + CMS + "\r\nContent-Length: twelve\r\nConnection: close\r\n\r\n",
                new byte[0]);

        // then the JDK's HTTP server answers 400 itself before any of the node's code runs (nothing to audit, no
        // fault); ExchangeServer refuses, audited, any unreadable length that would get past it (REQUEST_INVALID)
        assertThat(response).startsWith("HTTP/1.1 400").doesNotContain("X-Passerelle-Fault");
    }

    @Test
    void refusesABodyOverTheLimitBeforeReadingIt() {
        String head = PartnerCall.announce(exchange.pki, exchange.gb, fr, 17L * 1024 * 1024);

        assertThat(head).startsWith("HTTP/1.1 413").containsIgnoringCase("X-Passerelle-Fault: BODY_TOO_LARGE");
        assertThat(latestRefusal().code()).isEqualTo("BODY_TOO_LARGE");
    }

    @Test
    void refusesATlsClientThatIsNotAPartnerAtTheHandshake() {
        assertThatThrownBy(() -> send(be, sealed(Envelopes.sample("CaseStatusUpdate", "BE", "GB"), be, gbCert())))
                .rootCause()
                // TLS 1.3 checks the client's certificate after the client's last handshake flight: the client sees
                // either the handshake alert or the connection the server closed on it.
                .isInstanceOfAny(javax.net.ssl.SSLException.class, java.net.SocketException.class);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static void assertRefused(HttpResponse<byte[]> response, int status, String code, byte[] xml) {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(response.headers().firstValue("X-Passerelle-Fault")).hasValue(code);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("<env:Fault>").contains(code);
        AuditEvent refusal = latestRefusal();
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.channel()).isEqualTo("INBOX");
        if (xml != null) {
            assertNothingStoredOrDelivered(xml);
        }
    }

    private static void assertPortRefusal(String response, int status, String code) {
        assertThat(response).startsWith("HTTP/1.1 " + status).containsIgnoringCase("X-Passerelle-Fault: " + code)
                .contains("<env:Fault>").contains(code);
        AuditEvent refusal = latestRefusal();
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.channel()).isEqualTo("INBOX");
        assertThat(refusal.actor()).isEqualTo("FR");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static void assertNothingStoredOrDelivered(byte[] xml) {
        String id = Envelopes.header(xml, "MessageId");
        assertThat(store().find(id)).isEmpty();
        assertThat(exchange.gbBackend.findAll(anyRequestedFor(anyUrl())
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).isEmpty();
    }

    private static AuditEvent latestRefusal() {
        return exchange.gb.bean(AuditTrail.class).latest(20).stream()
                .filter(e -> "MESSAGE_REFUSED".equals(e.action())).findFirst().orElseThrow();
    }

    private static MessageStore store() {
        return exchange.gb.bean(MessageStore.class);
    }

    private static java.security.cert.X509Certificate gbCert() {
        return exchange.pki.gateway("GB").load().certificate();
    }

    private static byte[] sealed(byte[] xml, KeyMaterial signer, java.security.cert.X509Certificate recipient) {
        return new CmsEncryptor().encrypt(new CmsSigner(signer).sign(xml), recipient);
    }

    private static HttpResponse<byte[]> send(KeyMaterial tls, byte[] body) {
        return PartnerCall.post(exchange.pki, exchange.gb, tls, CMS, body);
    }

}
