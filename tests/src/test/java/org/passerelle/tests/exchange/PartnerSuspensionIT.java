package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * An administrator suspends a partner: messages both ways wait (GB holds its own, FR's are answered 503 and FR
 * retries) and all arrive once the partner is resumed; suspending and resuming are administrative changes, audited,
 * and refused to anyone but an administrator.
 */
class PartnerSuspensionIT {

    @TempDir
    static Path dir;
    static Exchange exchange;

    @BeforeAll
    static void startNodes() {
        exchange = Exchange.start(dir, Map.of(
                "FR:passerelle.delivery.max-backoff", "1s",
                "FR:passerelle.delivery.max-attempts", "1000"));
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @AfterEach
    void resumeFr() {
        exchange.gb.post("/api/v1/partners/FR/resume", Node.ADMIN_TOKEN);
    }

    @Test
    void aSuspendedPartnerIsHeldBothWaysAndNothingIsLostOnResume() {
        // given GB's administrator suspends FR, with a reason
        HttpResponse<String> suspended = exchange.gb.post("/api/v1/partners/FR/suspend?reason=certificate%20rollover",
                Node.ADMIN_TOKEN);
        assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
        assertThat(suspended.body()).contains("\"suspended\":true").contains("certificate rollover");

        // when each back-end sends a message to the other
        byte[] out = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
        byte[] in = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        String outId = Envelopes.header(out, "MessageId");
        String inId = Envelopes.header(in, "MessageId");
        assertThat(exchange.gb.submit(out).statusCode()).isEqualTo(202);
        assertThat(exchange.fr.submit(in).statusCode()).isEqualTo(202);

        // then GB sends nothing to FR and refuses FR's message as suspended, so FR keeps it and tries again
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                exchange.fr.bean(MessageStore.class).history(inId)).anySatisfy(h -> {
                    assertThat(h.status()).isEqualTo(MessageStatus.FAILED);
                    assertThat(h.reason()).isEqualTo("PARTNER_UNAVAILABLE");
                }));
        assertThat(exchange.gb.bean(AuditTrail.class).latest(50)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("MESSAGE_REFUSED");
            assertThat(e.code()).isEqualTo("PARTNER_SUSPENDED");
            assertThat(e.partner()).isEqualTo("FR");
        });
        assertThat(exchange.gb.bean(MessageStore.class).find(outId).orElseThrow().status())
                .isEqualTo(MessageStatus.VALIDATED);
        assertThat(exchange.gb.bean(MessageStore.class).find(inId)).isEmpty();
        assertThat(exchange.gb.get("/api/v1/partners/FR", Node.ADMIN_TOKEN).body()).contains("\"waiting\":1");

        // when the administrator resumes FR
        HttpResponse<String> resumed = exchange.gb.post("/api/v1/partners/FR/resume", Node.ADMIN_TOKEN);
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(resumed.body()).contains("\"suspended\":false");

        // then both messages reach the other side's back-end, once each
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(exchange.frBackend.findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))
                    .withHeader("X-Passerelle-Message-Id", equalTo(outId)))).hasSize(1);
            assertThat(exchange.gbBackend.findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))
                    .withHeader("X-Passerelle-Message-Id", equalTo(inId)))).hasSize(1);
        });

        // and both changes are in GB's audit log with who made them and why
        assertThat(exchange.gb.bean(AuditTrail.class).latest(200)).extracting(AuditEvent::action)
                .contains("PARTNER_SUSPENDED", "PARTNER_RESUMED");
        assertThat(exchange.gb.bean(AuditTrail.class).latest(200)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("PARTNER_SUSPENDED");
            assertThat(e.actor()).isEqualTo("administrator");
            assertThat(e.outcome()).isEqualTo("GRANTED");
            assertThat(e.detail()).isEqualTo("certificate rollover");
        });
    }

    @Test
    void onlyAnAdministratorSuspendsAndAReasonIsRequired() {
        // when a back-end system tries, then 403, audited, and FR is not suspended
        HttpResponse<String> bySystem = exchange.gb.post("/api/v1/partners/FR/suspend?reason=x", Node.SYSTEM_TOKEN);
        assertThat(bySystem.statusCode()).isEqualTo(403);
        assertThat(bySystem.body()).contains("\"code\":\"FORBIDDEN\"");
        // (among the newest entries: the other test's deliveries may still be receipted meanwhile)
        assertThat(exchange.gb.bean(AuditTrail.class).latest(20)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("ACCESS_DENIED");
            assertThat(e.actor()).isEqualTo("casework-system");
        });

        // when an administrator gives a blank reason, then 400 with its code, audited
        HttpResponse<String> blank = exchange.gb.post("/api/v1/partners/FR/suspend?reason=%20", Node.ADMIN_TOKEN);
        assertThat(blank.statusCode()).isEqualTo(400);
        assertThat(blank.body()).contains("\"code\":\"SUSPENSION_REASON_REQUIRED\"");

        // and an unknown partner is refused with its code
        assertThat(exchange.gb.post("/api/v1/partners/ZZ/suspend?reason=x", Node.ADMIN_TOKEN).body())
                .contains("UNKNOWN_PARTNER");
        assertThat(exchange.gb.get("/api/v1/partners/FR", Node.ADMIN_TOKEN).body()).contains("\"suspended\":false");
    }
}
