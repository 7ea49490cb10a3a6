package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.outbound.PartnerSender;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.StatusChange;
import org.passerelle.tests.support.BlackHole;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.ThreeParties;

/**
 * GB sends to FR and BE at once while FR's address is black-holed (it accepts connections and never answers): FR holds
 * at most its bulkhead's slots, each attempt waiting out a long timeout, and BE's messages are all delivered while
 * they wait. Then FR comes back: the attempts that were hanging fail, wait out a back-off of at least 48 s (1 min,
 * ±20 %), and are nevertheless delivered well before that, brought forward because FR answers again; every message
 * once, audited {@code PARTNER_RECOVERED}.
 */
class PartnerBulkheadIT {

    static final int FR_SLOTS = 3;

    @TempDir
    static Path dir;
    static ThreeParties nodes;

    @BeforeAll
    static void startNodes() {
        nodes = ThreeParties.start(dir, Map.of(
                "GB:passerelle.delivery.bulkhead.max-concurrent", String.valueOf(FR_SLOTS),
                // A black-holed attempt hangs far longer than BE's deliveries take: it ends when FR's address drops it.
                "GB:passerelle.delivery.connect-timeout", "60s",
                "GB:passerelle.delivery.request-timeout", "60s",
                "GB:passerelle.delivery.lease", "3m",
                // A failed attempt waits at least 48 s: a delivery sooner than that was brought forward.
                "GB:passerelle.delivery.initial-backoff", "1m",
                "GB:passerelle.delivery.max-backoff", "5m"));
    }

    @AfterAll
    static void stopNodes() {
        // FR back first, so that no attempt still hangs while GB shuts down.
        nodes.frAddress.dropSwallowed();
        nodes.close();
    }

    @Test
    void aBlackHoledPartnerHoldsOnlyItsOwnSlotsAndItsBacklogIsDeliveredAsSoonAsItAnswersAgain() {
        // given FR's address swallows every connection; GB has messages for FR first, then for BE
        List<String> toFr = submit("FR", 6);
        await("FR's bulkhead full").atMost(Duration.ofSeconds(60)).until(() -> sender().inFlight("FR") == FR_SLOTS);
        List<String> toBe = submit("BE", 4);

        // then BE's are all delivered while FR's first attempts still hang, and FR holds no more than its slots
        await("BE's messages delivered").atMost(Duration.ofSeconds(60)).untilAsserted(() -> toBe.forEach(id ->
                assertThat(status(id)).isEqualTo(MessageStatus.RECEIPT_VERIFIED)));
        await("BE's messages at BE's back-end").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(arrived(nodes.beBackend, toBe)).containsAll(toBe));
        assertThat(sender().inFlight("FR")).isEqualTo(FR_SLOTS);
        assertThat(nodes.frAddress.swallowed()).isBetween(1, FR_SLOTS);
        toFr.forEach(id -> assertThat(store().history(id)).extracting(StatusChange::status)
                .as("no attempt to FR ended yet").doesNotContain(MessageStatus.FAILED, MessageStatus.RECEIPT_VERIFIED));

        // when FR is back (its address forwards to FR's node; the hanging connections are dropped, as at a restart)
        nodes.frAddress.mode(BlackHole.Mode.FORWARD);
        nodes.frAddress.dropSwallowed();

        // then the attempts that hung failed and were given a back-off of a minute or more...
        await("the hanging attempts failed").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(toFr.stream().filter(id -> store().history(id).stream()
                        .anyMatch(c -> c.status() == MessageStatus.FAILED)).count()).isGreaterThanOrEqualTo(1));
        // ...yet every message for FR is delivered well within that back-off (10 s + 30 s at most), once each
        await("FR's backlog delivered").atMost(Duration.ofSeconds(30)).untilAsserted(() -> toFr.forEach(id ->
                assertThat(status(id)).isEqualTo(MessageStatus.RECEIPT_VERIFIED)));
        await("FR's backlog at FR's back-end").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(arrived(nodes.frBackend, toFr)).containsAll(toFr));
        assertThat(arrived(nodes.frBackend, toFr)).as("each once at FR's back-end").doesNotHaveDuplicates();
        assertThat(arrived(nodes.beBackend, toBe)).as("each once at BE's back-end").doesNotHaveDuplicates();
        assertThat(nodes.gb.bean(AuditTrail.class).latest(500)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("PARTNER_RECOVERED");
            assertThat(e.partner()).isEqualTo("FR");
        });
        assertThat(metrics()).contains("passerelle_delivery_in_flight").contains("passerelle_delivery_brought_forward");
    }

    /** Submits {@code count} messages from GB to the partner, each in a conversation of its own; their ids. */
    private static List<String> submit(String partner, int count) {
        List<String> ids = new ArrayList<>();
        // Types without fingerprints: a ReadmissionRequest's would keep the nodes' galleries extracting templates.
        List<String> types = List.of("CaseStatusUpdate", "TransferStatus");
        for (int i = 0; i < count; i++) {
            byte[] xml = Envelopes.sample(types.get(i % types.size()), "GB", partner, UUID.randomUUID().toString());
            HttpResponse<String> accepted = nodes.gb.submit(xml);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            ids.add(Envelopes.header(xml, "MessageId"));
        }
        return ids;
    }

    private static List<String> arrived(WireMockServer backend, List<String> ours) {
        return backend.findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))).stream()
                .map(r -> r.getHeader("X-Passerelle-Message-Id")).filter(ours::contains).toList();
    }

    private static String metrics() {
        return nodes.gb.get("/actuator/prometheus", org.passerelle.tests.support.Node.ADMIN_TOKEN).body();
    }

    private static MessageStatus status(String id) {
        return store().find(id).orElseThrow().status();
    }

    private static MessageStore store() {
        return nodes.gb.bean(MessageStore.class);
    }

    private static PartnerSender sender() {
        return nodes.gb.bean(PartnerSender.class);
    }
}
