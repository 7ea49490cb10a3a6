package org.passerelle.tests.policy;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * Biometric search limits between two real nodes: a daily cap of two searches per partner (each way) and one
 * candidate per answer. Over the cap a search is refused with its own code at the sender's intake and at the
 * receiver's inbox, never queued; an answer with more candidates than allowed is refused at both ends.
 */
class SearchLimitsIT {

    static final String CMS = "application/pkcs7-mime; smime-type=enveloped-data";

    @TempDir
    static Path dir;
    static Exchange exchange;

    @BeforeAll
    static void startNodes() {
        exchange = Exchange.start(dir, Map.of(
                "passerelle.search-limits.searches-per-day", 2,
                "passerelle.search-limits.max-candidates", 1));
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void theThirdSearchOfTheDayIsRefusedAtIntakeAndAtThePartnersInbox() {
        // given GB has sent its two searches of the day and FR has accepted both
        byte[] first = Envelopes.sample("BiometricSearchRequest", "GB", "FR");
        byte[] second = Envelopes.sample("BiometricSearchRequest", "GB", "FR");
        assertThat(exchange.gb.submit(first).statusCode()).isEqualTo(202);
        assertThat(exchange.gb.submit(second).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(exchange.fr.bean(MessageStore.class).find(Envelopes.header(first, "MessageId"))).isPresent();
            assertThat(exchange.fr.bean(MessageStore.class).find(Envelopes.header(second, "MessageId"))).isPresent();
        });

        // when GB's back-end submits a third
        byte[] third = Envelopes.sample("BiometricSearchRequest", "GB", "FR");
        HttpResponse<String> atIntake = exchange.gb.submit(third);

        // then GB refuses it with its own code, audits it and stores nothing
        assertThat(atIntake.statusCode()).as(atIntake.body()).isEqualTo(429);
        assertThat(atIntake.body()).contains("\"code\":\"SEARCH_CAP_REACHED\"");
        assertThat(latestRefusal(exchange.gb).code()).isEqualTo("SEARCH_CAP_REACHED");
        assertThat(exchange.gb.bean(MessageStore.class).find(Envelopes.header(third, "MessageId"))).isEmpty();

        // and a resubmission of a search already accepted is still answered as before, using no quota
        assertThat(exchange.gb.submit(first).statusCode()).isEqualTo(202);

        // when a sender with GB's keys skips GB's own count and posts the third straight to FR's inbox
        KeyMaterial gb = exchange.pki.gateway("GB").load();
        byte[] cms = new CmsEncryptor().encrypt(new CmsSigner(gb).sign(third), exchange.pki.gateway("FR").load().certificate());
        HttpResponse<byte[]> atInbox = PartnerCall.post(exchange.pki, exchange.fr, gb, CMS, cms);

        // then FR refuses it on its own count of GB's searches, with a fault, audited, nothing stored or delivered
        assertThat(atInbox.statusCode()).as(new String(atInbox.body(), StandardCharsets.UTF_8)).isEqualTo(429);
        assertThat(atInbox.headers().firstValue("X-Passerelle-Fault")).hasValue("SEARCH_CAP_REACHED");
        AuditEvent refusal = latestRefusal(exchange.fr);
        assertThat(refusal.code()).isEqualTo("SEARCH_CAP_REACHED");
        assertThat(refusal.channel()).isEqualTo("INBOX");
        String id = Envelopes.header(third, "MessageId");
        assertThat(exchange.fr.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(exchange.frBackend.findAll(anyRequestedFor(anyUrl())
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).isEmpty();
    }

    @Test
    void anAnswerWithMoreCandidatesThanAllowedIsRefusedAtIntakeAndAtTheInbox() {
        // given an answer listing two hits, where one is allowed
        byte[] xml = Envelopes.sample("BiometricSearchResponse", "FR", "GB");

        // when FR's back-end submits it
        HttpResponse<String> atIntake = exchange.fr.submit(xml);

        // then FR refuses it
        assertThat(atIntake.statusCode()).as(atIntake.body()).isEqualTo(422);
        assertThat(atIntake.body()).contains("\"code\":\"TOO_MANY_CANDIDATES\"");
        assertThat(latestRefusal(exchange.fr).code()).isEqualTo("TOO_MANY_CANDIDATES");

        // and when it reaches GB's inbox all the same, GB refuses it too
        KeyMaterial fr = exchange.pki.gateway("FR").load();
        byte[] cms = new CmsEncryptor().encrypt(new CmsSigner(fr).sign(xml), exchange.pki.gateway("GB").load().certificate());
        HttpResponse<byte[]> atInbox = PartnerCall.post(exchange.pki, exchange.gb, fr, CMS, cms);

        assertThat(atInbox.statusCode()).isEqualTo(422);
        assertThat(atInbox.headers().firstValue("X-Passerelle-Fault")).hasValue("TOO_MANY_CANDIDATES");
        assertThat(latestRefusal(exchange.gb).code()).isEqualTo("TOO_MANY_CANDIDATES");
        String id = Envelopes.header(xml, "MessageId");
        assertThat(exchange.fr.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(exchange.gb.bean(MessageStore.class).find(id)).isEmpty();
    }

    @Test
    void aNoHitAnswerTravels() {
        byte[] xml = Envelopes.sample("BiometricSearchResponse-no-hit", "FR", "GB");

        assertThat(exchange.fr.submit(xml).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(exchange.gb.bean(MessageStore.class).find(Envelopes.header(xml, "MessageId"))).isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Purpose", "CaseReference", "OperatorId"})
    void aSearchMustStateItsPurposeCaseAndOperator(String element) {
        // given a search without one of the three (the schema requires each)
        String xml = new String(Envelopes.sample("BiometricSearchRequest", "GB", "FR"), StandardCharsets.UTF_8)
                .replaceFirst("<bio:" + element + ">[^<]*</bio:" + element + ">", "");
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);

        // when
        HttpResponse<String> response = exchange.gb.submit(bytes);

        // then it is refused as breaking its contract, naming what is missing, and uses no quota
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":\"XML_SCHEMA_INVALID\"").contains(element);
        assertThat(exchange.gb.bean(MessageStore.class).find(Envelopes.header(bytes, "MessageId"))).isEmpty();
    }

    private static AuditEvent latestRefusal(Node node) {
        return node.bean(AuditTrail.class).latest(20).stream()
                .filter(e -> "MESSAGE_REFUSED".equals(e.action())).findFirst().orElseThrow();
    }
}
