package org.passerelle.tests.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GB's back-end connected over the machine's real RabbitMQ: it submits envelopes on a submission queue and reads each
 * outcome on the reply queue (accepted with the id, or refused with the stable code), and receives FR's messages on a
 * delivery queue of their type. GB's node reaches the broker through a {@link TcpProxy}, so a test can take the
 * network away from it: submissions and deliveries wait, then go through once it is back.
 */
class QueueConnectorIT {

    static final JsonMapper JSON = JsonMapper.shared();
    static final String SYSTEM = "gb-biometric-unit";
    /** The type FR sends to GB in these tests, delivered to its own queue. */
    static final String DELIVERED_TYPE = "CaseStatusUpdate";

    @TempDir
    static Path dir;
    static Broker broker;
    static TcpProxy proxy;
    static Exchange exchange;
    static Broker.Queues queues;
    /** Everything taken off the reply and delivery queues so far, for the tests to look through. */
    static final List<GetResponse> replied = Collections.synchronizedList(new ArrayList<>());
    static final List<GetResponse> delivered = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() {
        queues = Broker.Queues.forRun(DELIVERED_TYPE);
        broker = new Broker().declare(queues.submissions()).declare(queues.replies());
        proxy = new TcpProxy(Exchange.freePort(), new InetSocketAddress(Broker.HOST, Broker.PORT)).restore();
        Map<String, Object> settings = new LinkedHashMap<>();
        queues.settings(proxy.port()).forEach((key, value) -> settings.put("GB:" + key, value));
        settings.put("GB:passerelle.node.max-body-size", "256KB");
        // Sample messages of no admission case: followed, not refused, by the admission workflow.
        settings.put("passerelle.admission.enforce-transitions", "false");
        exchange = Exchange.start(dir, settings);
    }

    @AfterAll
    static void stop() {
        if (exchange != null) {
            exchange.close();
        }
        proxy.close();
        broker.delete(List.of(queues.submissions(), queues.replies(), queues.deliveries()), queues.exchange());
        broker.close();
    }

    @Test
    void aSubmissionOnTheQueueReachesFrAndItsIdComesBackOnTheReplyQueue() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
        String id = Envelopes.header(xml, "MessageId");
        String correlation = UUID.randomUUID().toString();

        broker.publish(queues.submissions(), xml, correlation);

        JsonNode reply = awaitReply(correlation);
        assertThat(reply.path("outcome").asString()).isEqualTo("ACCEPTED");
        assertThat(reply.path("messageId").asString()).isEqualTo(id);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(arrivedAtFr(id)).isEqualTo(1));
        assertThat(audited(id, "MESSAGE_ACCEPTED")).anySatisfy(row -> assertThat(row)
                .containsEntry("actor", SYSTEM).containsEntry("channel", "QUEUE").containsEntry("outcome", "OK"));
    }

    @Test
    void aMessageFromFrIsPublishedToTheDeliveryQueueOfItsType() {
        byte[] xml = Envelopes.sample(DELIVERED_TYPE, "FR", "GB");
        String id = Envelopes.header(xml, "MessageId");

        HttpResponse<String> accepted = exchange.fr.submit(xml);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        GetResponse delivery = awaitDeliveries(id, 1).get(0);
        assertThat(delivery.getProps().getMessageId()).as(delivery.getProps().toString()).isEqualTo(id);
        assertThat(delivery.getProps().getDeliveryMode()).as("persistent").isEqualTo(2);
        assertThat(delivery.getProps().getHeaders()).containsKeys("X-Passerelle-Message-Type", "X-Passerelle-From");
        assertThat(delivery.getProps().getHeaders().get("X-Passerelle-Message-Id")).hasToString(id);
        assertThat(delivery.getProps().getHeaders().get("X-Passerelle-From")).hasToString("FR");
        assertThat(new String(delivery.getBody(), StandardCharsets.UTF_8)).contains(id).contains(DELIVERED_TYPE);
    }

    @Test
    void aRefusedSubmissionGetsItsStableCodeOnTheReplyQueueAndIsAudited() {
        String notAnEnvelope = UUID.randomUUID().toString();
        broker.publish(queues.submissions(), "<NotAnEnvelope/>".getBytes(StandardCharsets.UTF_8), notAnEnvelope);
        String tooLarge = UUID.randomUUID().toString();
        broker.publish(queues.submissions(), new byte[300 * 1024], tooLarge);

        JsonNode refused = awaitReply(notAnEnvelope);
        assertThat(refused.path("outcome").asString()).isEqualTo("REFUSED");
        assertThat(refused.path("code").asString()).isNotBlank().isNotEqualTo("INTERNAL_ERROR");
        assertThat(refused.path("status").asInt()).isBetween(400, 499);
        JsonNode oversize = awaitReply(tooLarge);
        assertThat(oversize.path("outcome").asString()).isEqualTo("REFUSED");
        assertThat(oversize.path("code").asString()).isEqualTo("BODY_TOO_LARGE");

        exchange.gb.bean(AuditTrail.class).latest(1); // seals what is staged
        List<Map<String, Object>> refusals = exchange.gb.bean(JdbcClient.class).sql("""
                select code from audit_event where actor = :actor and channel = 'QUEUE' and outcome = 'REFUSED'""")
                .param("actor", SYSTEM).query().listOfRows();
        assertThat(refusals).extracting(row -> row.get("code"))
                .contains(refused.path("code").asString(), "BODY_TOO_LARGE");
    }

    @Test
    void whileTheBrokerIsUnreachableMessagesWaitThenGoThroughOnce() {
        proxy.cut();
        List<String> submitted = new ArrayList<>();
        List<String> correlations = new ArrayList<>();
        List<String> inbound = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
                submitted.add(Envelopes.header(xml, "MessageId"));
                correlations.add(UUID.randomUUID().toString());
                broker.publish(queues.submissions(), xml, correlations.get(i));
            }
            for (int i = 0; i < 2; i++) {
                byte[] xml = Envelopes.sample(DELIVERED_TYPE, "FR", "GB");
                inbound.add(Envelopes.header(xml, "MessageId"));
                assertThat(exchange.fr.submit(xml).statusCode()).isEqualTo(202);
            }
            // GB has FR's messages and has tried to deliver them; its submissions wait on the queue, unanswered
            MessageStore gbStore = exchange.gb.bean(MessageStore.class);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> inbound.forEach(id ->
                    assertThat(gbStore.history(id)).anySatisfy(change ->
                            assertThat(change.status().name()).isEqualTo("FAILED"))));
            takeReplies();
            assertThat(replied).noneMatch(reply -> correlations.contains(reply.getProps().getCorrelationId()));
            submitted.forEach(id -> assertThat(gbStore.find(id)).isEmpty());
        } finally {
            proxy.restore();
        }

        for (int i = 0; i < submitted.size(); i++) {
            JsonNode reply = awaitReply(correlations.get(i));
            assertThat(reply.path("messageId").asString()).isEqualTo(submitted.get(i));
        }
        for (String id : submitted) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(arrivedAtFr(id)).isEqualTo(1));
        }
        for (String id : inbound) {
            awaitDeliveries(id, 1);
        }
        takeReplies();
        assertThat(replied).filteredOn(reply -> correlations.contains(reply.getProps().getCorrelationId()))
                .as("one reply each").hasSize(submitted.size());
        takeDeliveries();
        assertThat(delivered).filteredOn(d -> inbound.stream().anyMatch(id -> carries(d, id)))
                .as("one delivery each").hasSize(inbound.size());
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static JsonNode awaitReply(String correlation) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            takeReplies();
            return replied.stream().anyMatch(r -> correlation.equals(r.getProps().getCorrelationId()));
        });
        GetResponse reply = replied.stream().filter(r -> correlation.equals(r.getProps().getCorrelationId()))
                .findFirst().orElseThrow();
        assertThat(reply.getProps().getHeaders()).containsKey("X-Passerelle-Outcome");
        return JSON.readTree(reply.getBody());
    }

    private static List<GetResponse> awaitDeliveries(String id, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            takeDeliveries();
            return delivered.stream().filter(d -> carries(d, id)).count() >= count;
        });
        return delivered.stream().filter(d -> carries(d, id)).toList();
    }

    private static boolean carries(GetResponse delivery, String id) {
        return new String(delivery.getBody(), StandardCharsets.UTF_8).contains(id);
    }

    private static void takeReplies() {
        replied.addAll(broker.drain(queues.replies()));
    }

    private static void takeDeliveries() {
        delivered.addAll(broker.drain(queues.deliveries()));
    }

    private static long arrivedAtFr(String id) {
        return exchange.frBackend.findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))).stream()
                .filter(r -> id.equals(r.getHeader("X-Passerelle-Message-Id"))).count();
    }

    private static List<Map<String, Object>> audited(String id, String action) {
        exchange.gb.bean(AuditTrail.class).latest(1); // seals what is staged
        return exchange.gb.bean(JdbcClient.class).sql("""
                select actor, channel, outcome from audit_event where message_id = :id and action = :action""")
                .param("id", id).param("action", action).query().listOfRows();
    }
}
