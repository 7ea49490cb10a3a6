package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.StatusChange;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.FlakyPartner;
import org.passerelle.tests.support.Node;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A partner that is down, slow or answering 500s: GB's messages wait and are delivered once FR is back, in order
 * per conversation, none lost and none delivered twice to FR's back-end. What cannot be delivered is parked,
 * visible through the API, and delivered after an administrator replays it; the later messages of its conversation
 * wait behind it until then, or until an administrator releases it (gives it up).
 */
class PartnerOutageIT {

    static final JsonMapper JSON = JsonMapper.shared();

    @TempDir
    static Path dir;
    static Exchange exchange;
    static FlakyPartner fr;

    @BeforeAll
    static void startNodes() {
        int standIn = Exchange.freePort();
        exchange = Exchange.start(dir, Map.of(
                "GB:passerelle.partners.FR.base-url", "https://localhost:" + standIn,
                "GB:passerelle.delivery.max-attempts", "12",
                "GB:passerelle.delivery.max-backoff", "1s",
                "GB:passerelle.delivery.request-timeout", "3s",
                "FR:passerelle.delivery.max-backoff", "1s",
                // Sample arrivals of no admission case: followed, not refused, by the admission workflow.
                "passerelle.admission.enforce-transitions", "false"));
        fr = new FlakyPartner(exchange.pki, "FR", "GB", standIn, exchange.fr::exchangePort).start();
    }

    @AfterAll
    static void stopNodes() {
        fr.close();
        exchange.close();
    }

    @AfterEach
    void partnerBackToNormal() {
        fr.mode(FlakyPartner.Mode.FORWARD).start();
        exchange.frBackend.stubFor(post(urlPathEqualTo(Exchange.INBOUND_PATH)).willReturn(aResponse().withStatus(202)));
    }

    @Test
    void messagesWaitWhileThePartnerAnswers500sAndArriveInOrderOnceWhenItRecovers() {
        // given FR answers every request with 500
        fr.mode(FlakyPartner.Mode.FAIL_500);

        // when two conversations are submitted
        Map<String, List<String>> sent = submitConversations(2, 4);

        // then attempts fail and nothing reaches FR's back-end
        awaitFailedAttempt(sent.values().iterator().next().get(0), "PARTNER_UNAVAILABLE");
        assertThat(arrivedAtFr(sent)).isEmpty();

        // when FR recovers, everything arrives once, in order per conversation
        fr.mode(FlakyPartner.Mode.FORWARD);
        assertDeliveredOnceInOrder(sent);
    }

    @Test
    void messagesWaitWhileThePartnerIsDownAndArriveWhenItIsBack() {
        // given FR's port refuses connections
        fr.stop();

        Map<String, List<String>> sent = submitConversations(1, 3);

        awaitFailedAttempt(sent.values().iterator().next().get(0), "PARTNER_UNAVAILABLE");
        HttpResponse<String> health = exchange.gb.get("/actuator/health", Node.ADMIN_TOKEN);
        assertThat(health.body()).contains("\"FR\"");

        fr.start();
        assertDeliveredOnceInOrder(sent);
    }

    @Test
    void aSlowPartnerGetsRetransmissionsButItsBackEndGetsOneCopy() {
        // given FR answers after 6 s while GB waits 3 s: GB times out, retries, and FR sees the same message again
        // (3 s, not less: on a busy machine a forwarded attempt alone can take over a second)
        fr.mode(FlakyPartner.Mode.SLOW).slowness(Duration.ofSeconds(6));

        Map<String, List<String>> sent = submitConversations(1, 2);
        awaitFailedAttempt(sent.values().iterator().next().get(0), "PARTNER_UNAVAILABLE");

        fr.mode(FlakyPartner.Mode.FORWARD);
        assertDeliveredOnceInOrder(sent);
    }

    @Test
    void aReceiptThatDoesNotVerifyIsRetriedAndTheMessageArrivesOnce() {
        // given FR's receipts reach GB with their signature broken
        fr.mode(FlakyPartner.Mode.GARBLED_RECEIPT);

        Map<String, List<String>> sent = submitConversations(1, 1);

        // then the attempt fails with RECEIPT_INVALID, and once the receipts are whole the message is verified once
        awaitFailedAttempt(sent.values().iterator().next().get(0), "RECEIPT_INVALID");
        fr.mode(FlakyPartner.Mode.FORWARD);
        assertDeliveredOnceInOrder(sent);
    }

    @Test
    void aReceiptForOtherBytesThanThoseSentParksTheMessage() {
        // given FR's receipt, signed by FR, acknowledges another digest than that of the message sent
        fr.mode(FlakyPartner.Mode.OTHER_DIGEST_RECEIPT);
        String id = submitConversations(1, 1).values().iterator().next().get(0);

        // then the message is parked with RECEIPT_DIGEST_MISMATCH, not retried
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(store().find(id).orElseThrow().status()).isEqualTo(MessageStatus.PARKED));
        assertThat(store().history(id)).anySatisfy(change -> {
            assertThat(change.status()).isEqualTo(MessageStatus.PARKED);
            assertThat(change.reason()).isEqualTo("RECEIPT_DIGEST_MISMATCH");
        });
    }

    @Test
    void messagesWaitWhileTheBackEndAnswers503AndAreHandedToItOnceItRecovers() {
        // given FR's back-end answers 503
        exchange.frBackend.stubFor(post(urlPathEqualTo(Exchange.INBOUND_PATH)).willReturn(aResponse().withStatus(503)));

        String id = submitConversations(1, 1).values().iterator().next().get(0);

        // then FR keeps the message and its dispatch fails with BACKEND_UNAVAILABLE
        MessageStore frStore = exchange.fr.bean(MessageStore.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(frStore.history(id)).anySatisfy(change -> {
                    assertThat(change.status()).isEqualTo(MessageStatus.FAILED);
                    assertThat(change.reason()).isEqualTo("BACKEND_UNAVAILABLE");
                }));

        // when the back-end recovers, the message is handed to it
        exchange.frBackend.stubFor(post(urlPathEqualTo(Exchange.INBOUND_PATH)).willReturn(aResponse().withStatus(202)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(frStore.find(id).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED));
    }

    @Test
    void whatCannotBeDeliveredIsParkedAndAnAdministratorReplaysIt() {
        // given FR fails for longer than GB's twelve attempts (about 10 s)
        fr.mode(FlakyPartner.Mode.FAIL_500);
        Map<String, List<String>> sent = submitConversations(1, 1);
        String id = sent.values().iterator().next().get(0);

        // then the message is parked with its reason, visible through the API
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(store().find(id).orElseThrow().status()).isEqualTo(MessageStatus.PARKED));
        HttpResponse<String> view = exchange.gb.get("/api/v1/messages/" + id, Node.SYSTEM_TOKEN);
        assertThat(view.body()).contains("\"status\":\"PARKED\"").contains("RETRIES_EXHAUSTED");

        // when FR is back and an administrator replays it, it is delivered once
        fr.mode(FlakyPartner.Mode.FORWARD);
        HttpResponse<String> replay = exchange.gb.post("/api/v1/messages/" + id + "/replay", Node.ADMIN_TOKEN);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertDeliveredOnceInOrder(sent);
        assertThat(store().history(id)).extracting(StatusChange::status)
                .containsSubsequence(MessageStatus.PARKED, MessageStatus.REPLAYED, MessageStatus.RECEIPT_VERIFIED);
    }

    @Test
    void aParkedMessageHoldsTheRestOfItsConversationUntilAnAdministratorReleasesIt() {
        // given FR fails for longer than GB's twelve attempts, and a conversation of two messages
        fr.mode(FlakyPartner.Mode.FAIL_500);
        Map<String, List<String>> sent = submitConversations(1, 2);
        String first = sent.values().iterator().next().get(0);
        String second = sent.values().iterator().next().get(1);

        // then the first is parked and the second waits behind it, never attempted, even once FR is back
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(store().find(first).orElseThrow().status()).isEqualTo(MessageStatus.PARKED));
        fr.mode(FlakyPartner.Mode.FORWARD);
        JsonNode held = JSON.readTree(exchange.gb.get("/api/v1/messages/" + second, Node.SYSTEM_TOKEN).body());
        assertThat(held.path("heldBehind").asString()).isEqualTo(first);
        assertThat(held.path("message").path("status").asString()).isEqualTo("VALIDATED");
        // (at least: a message another test of this class left parked may hold others of its own conversation)
        assertThat(JSON.readTree(exchange.gb.get("/api/v1/partners/FR", Node.ADMIN_TOKEN).body()).path("held").asLong())
                .isGreaterThanOrEqualTo(1);
        assertThat(store().history(second)).extracting(StatusChange::status).doesNotContain(MessageStatus.SENT);

        // when a back-end system tries to release it, and an administrator tries without a reason: refused, audited
        String release = "/api/v1/messages/" + first + "/release?reason=";
        HttpResponse<String> bySystem = exchange.gb.post(release + "not%20mine", Node.SYSTEM_TOKEN);
        assertThat(bySystem.statusCode()).isEqualTo(403);
        HttpResponse<String> noReason = exchange.gb.post(release + "%20", Node.ADMIN_TOKEN);
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("RELEASE_REASON_REQUIRED");
        assertThat(store().find(first).orElseThrow().status()).isEqualTo(MessageStatus.PARKED);

        // when an administrator releases it with a reason
        HttpResponse<String> released = exchange.gb.post(release + "case%20withdrawn%20by%20FR", Node.ADMIN_TOKEN);
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        assertThat(JSON.readTree(released.body()).path("message").path("status").asString()).isEqualTo("RELEASED");

        // then the second is delivered, and the first never is
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(store().find(second).orElseThrow().status()).isEqualTo(MessageStatus.RECEIPT_VERIFIED));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(arrivedAtFr(sent)).containsExactly(second));
        assertThat(exchange.gb.post(release + "again", Node.ADMIN_TOKEN).statusCode()).isEqualTo(409);

        // and the release and each refusal are audited with who and why
        JdbcClient jdbc = exchange.gb.bean(JdbcClient.class);
        exchange.gb.bean(AuditTrail.class).latest(1); // seals what is staged
        List<Map<String, Object>> audited = jdbc.sql("""
                select actor, action, outcome, code, detail from audit_event where message_id = :id
                  and action in ('MESSAGE_RELEASE', 'ACCESS_DENIED') order by id""")
                .param("id", first).query().listOfRows();
        assertThat(audited).anySatisfy(row -> assertThat(row).containsEntry("action", "MESSAGE_RELEASE")
                .containsEntry("outcome", "GRANTED").containsEntry("detail", "case withdrawn by FR"));
        assertThat(audited).anySatisfy(row -> assertThat(row).containsEntry("action", "MESSAGE_RELEASE")
                .containsEntry("outcome", "REFUSED").containsEntry("code", "RELEASE_REASON_REQUIRED"));
        assertThat(audited).anySatisfy(row -> assertThat(row).containsEntry("action", "MESSAGE_RELEASE")
                .containsEntry("outcome", "REFUSED").containsEntry("code", "NOT_PARKED"));
        assertThat(jdbc.sql("""
                select count(*) from audit_event where outcome = 'REFUSED' and code = 'FORBIDDEN' and detail like :path""")
                .param("path", "%/api/v1/messages/" + first + "/release%").query(Long.class).single()).isEqualTo(1);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static Map<String, List<String>> submitConversations(int conversations, int perConversation) {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        List<String> types = List.of("CaseStatusUpdate", "ReadmissionRequest", "TransferStatus", "ArrivalConfirmation");
        for (int c = 0; c < conversations; c++) {
            String conversation = UUID.randomUUID().toString();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < perConversation; i++) {
                byte[] xml = Envelopes.sample(types.get(i % types.size()), "GB", "FR", conversation);
                HttpResponse<String> accepted = exchange.gb.submit(xml);
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                ids.add(Envelopes.header(xml, "MessageId"));
            }
            sent.put(conversation, ids);
        }
        return sent;
    }

    private static void awaitFailedAttempt(String id, String code) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(store().history(id)).anySatisfy(change -> {
                    assertThat(change.status()).isEqualTo(MessageStatus.FAILED);
                    assertThat(change.reason()).isEqualTo(code);
                }));
    }

    private static void assertDeliveredOnceInOrder(Map<String, List<String>> sent) {
        List<String> all = sent.values().stream().flatMap(List::stream).toList();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(arrivedAtFr(sent)).containsAll(all));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> all.forEach(id ->
                assertThat(store().find(id).orElseThrow().status()).isEqualTo(MessageStatus.RECEIPT_VERIFIED)));
        List<String> arrived = arrivedAtFr(sent);
        assertThat(arrived).as("each message exactly once at FR's back-end").doesNotHaveDuplicates();
        for (List<String> conversation : sent.values()) {
            assertThat(arrived.stream().filter(conversation::contains).toList())
                    .as("arrival order within the conversation").containsExactlyElementsOf(conversation);
        }
    }

    /** The ids of the given messages that reached FR's back-end, in arrival order (repeats included). */
    private static List<String> arrivedAtFr(Map<String, List<String>> sent) {
        List<String> ours = sent.values().stream().flatMap(List::stream).toList();
        List<LoggedRequest> requests = new ArrayList<>(exchange.frBackend.findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))));
        requests.sort(java.util.Comparator.comparing(LoggedRequest::getLoggedDate));
        return requests.stream().map(r -> r.getHeader("X-Passerelle-Message-Id")).filter(ours::contains)
                .collect(Collectors.toList());
    }

    private static MessageStore store() {
        return exchange.gb.bean(MessageStore.class);
    }
}
