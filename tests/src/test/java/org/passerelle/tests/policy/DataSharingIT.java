package org.passerelle.tests.policy;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.KeyMaterial;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import org.passerelle.tests.support.PartnerCall;

/**
 * The data-sharing policy of the default configuration between two real nodes: France sends no personal data to the
 * UK, so FR refuses such a message before it leaves and GB refuses it if it arrives all the same; messages without
 * personal data, and the UK's requests with it, travel.
 */
class DataSharingIT {

    static final String CMS = "application/pkcs7-mime; smime-type=enveloped-data";
    static final String RA = "/Envelope/Body/ReadmissionRequest";

    @TempDir
    static Path dir;
    static Exchange exchange;

    @BeforeAll
    static void startNodes() {
        // No policy settings here: what is under test is the shipped application.yml.
        exchange = Exchange.start(dir, Map.of());
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void frRefusesAReadmissionRequestWithPersonalDataBeforeItLeavesForGb() {
        // given FR's back-end submits a message to GB that names a person
        byte[] xml = Envelopes.sample("ReadmissionRequest", "FR", "GB");

        // when
        HttpResponse<String> response = exchange.fr.submit(xml);

        // then it is refused with the code and every offending element by path, audited, and nothing is stored or sent
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).contains("\"code\":\"DATA_SHARING_REFUSED\"")
                .contains("NAMES at " + RA + "/Person/FamilyName")
                .contains("DATE_OF_BIRTH at " + RA + "/Person/DateOfBirth")
                .contains("IDENTITY_DOCUMENTS at " + RA + "/Document[1]")
                .contains("FINGERPRINTS at " + RA + "/BiometricSet/Transaction")
                .doesNotContain("DOE", "1994-07-21", "ER1234567");
        AuditEvent refusal = latestRefusal(exchange.fr);
        assertThat(refusal.code()).isEqualTo("DATA_SHARING_REFUSED");
        assertThat(refusal.channel()).isEqualTo("API");
        assertNotStoredOrDelivered(xml);
    }

    @Test
    void frRefusesABiometricSearchToGbBeforeItLeaves() {
        byte[] xml = Envelopes.sample("BiometricSearchRequest", "FR", "GB");

        HttpResponse<String> response = exchange.fr.submit(xml);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).contains("\"code\":\"DATA_SHARING_REFUSED\"")
                .contains("FINGERPRINTS at /Envelope/Body/BiometricSearchRequest/BiometricSet/Transaction");
        assertNotStoredOrDelivered(xml);
    }

    @Test
    void gbRefusesPersonalDataThatArrivesFromFrAllTheSame() {
        // given a sender with FR's keys that skips FR's own check (a misconfigured or impersonated FR node)
        KeyMaterial fr = exchange.pki.gateway("FR").load();
        byte[] xml = Envelopes.sample("ReadmissionRequest", "FR", "GB");
        byte[] cms = new CmsEncryptor().encrypt(new CmsSigner(fr).sign(xml), exchange.pki.gateway("GB").load().certificate());

        // when it posts the message straight to GB's inbox
        HttpResponse<byte[]> response = PartnerCall.post(exchange.pki, exchange.gb, fr, CMS, cms);

        // then GB refuses it with a fault naming the element, audits it, and stores and delivers nothing
        String fault = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(fault).isEqualTo(403);
        assertThat(response.headers().firstValue("X-Passerelle-Fault")).hasValue("DATA_SHARING_REFUSED");
        assertThat(fault).contains("<env:Fault>").contains("NAMES at " + RA + "/Person/FamilyName")
                .doesNotContain("DOE");
        AuditEvent refusal = latestRefusal(exchange.gb);
        assertThat(refusal.code()).isEqualTo("DATA_SHARING_REFUSED");
        assertThat(refusal.channel()).isEqualTo("INBOX");
        assertThat(refusal.detail()).contains(RA + "/Person/FamilyName");
        assertNotStoredOrDelivered(xml);
    }

    @Test
    void frDecisionWithoutPersonalDataTravelsToGb() {
        assertDelivered(Envelopes.sample("ReadmissionDecision", "FR", "GB"), exchange.fr, "GB");
    }

    @Test
    void frSearchAnswerWithHitsTravelsToGb() {
        // Hit records (member state, category, date, place, reference) are what liaison exists for, not personal data.
        assertDelivered(Envelopes.sample("BiometricSearchResponse", "FR", "GB"), exchange.fr, "GB");
    }

    @Test
    void gbReadmissionRequestWithPersonalDataTravelsToFr() {
        assertDelivered(Envelopes.sample("ReadmissionRequest", "GB", "FR"), exchange.gb, "FR");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static void assertDelivered(byte[] xml, Node sender, String to) {
        String id = Envelopes.header(xml, "MessageId");

        HttpResponse<String> accepted = sender.submit(xml);

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(exchange.backendOf(to).findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))
                        .withHeader("X-Passerelle-Message-Id", equalTo(id)))).hasSize(1));
    }

    private static void assertNotStoredOrDelivered(byte[] xml) {
        String id = Envelopes.header(xml, "MessageId");
        assertThat(exchange.fr.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(exchange.gb.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(exchange.gbBackend.findAll(anyRequestedFor(anyUrl())
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).isEmpty();
    }

    private static AuditEvent latestRefusal(Node node) {
        return node.bean(AuditTrail.class).latest(20).stream()
                .filter(e -> "MESSAGE_REFUSED".equals(e.action())).findFirst().orElseThrow();
    }
}
