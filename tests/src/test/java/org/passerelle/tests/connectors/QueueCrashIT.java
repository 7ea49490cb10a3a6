package org.passerelle.tests.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.ProcessNode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GB's node, connected to the machine's real RabbitMQ, killed with SIGKILL in the middle of a batch of queue
 * transfers, then started again on the same data folder and ports: while it takes a batch of submissions off the
 * submission queue, and while it publishes a batch of FR's messages to its delivery queue. Nothing is lost and nothing
 * is taken in twice: every submission is one message of GB's log and reaches FR once, and is answered on the reply
 * queue (a submission taken again after the kill may be answered again, always with the same id); every inbound
 * message lies on the delivery queue, whole, and a repeat carries the same message id. Both nodes run as processes, on
 * H2; each run has queues of its own.
 */
class QueueCrashIT {

    static final JsonMapper JSON = JsonMapper.shared();
    /** The type GB's back-end submits on the queue (its biometric unit's searches). */
    static final String SUBMITTED_TYPE = "BiometricSearchRequest";
    /** The type FR sends to GB, delivered to its own queue (FR sends no personal data to the UK). */
    static final String DELIVERED_TYPE = "CaseStatusUpdate";
    static final int BATCH = 40;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static Broker broker;
    static ProcessNode gb;
    static ProcessNode fr;
    static Broker.Queues queues;
    /** Everything taken off the reply and delivery queues so far. */
    static final List<GetResponse> replied = Collections.synchronizedList(new ArrayList<>());
    static final List<GetResponse> delivered = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startNodes() {
        queues = Broker.Queues.forRun(DELIVERED_TYPE);
        broker = new Broker().declare(queues.submissions()).declare(queues.replies()).declare(queues.deliveries());
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR"));
        int gbApi = ProcessNode.freePort();
        int gbExchange = ProcessNode.freePort();
        int frApi = ProcessNode.freePort();
        int frExchange = ProcessNode.freePort();
        // Sample messages of no admission case: followed, not refused, by the admission workflow.
        Map<String, Object> gbExtra = new LinkedHashMap<>(Map.of("passerelle.admission.enforce-transitions", false));
        gbExtra.putAll(queues.settings(Broker.PORT));
        gbExtra.put("passerelle.delivery.max-attempts", 1000);
        Map<String, Object> frExtra = new LinkedHashMap<>(Map.of("passerelle.admission.enforce-transitions", false));
        frExtra.put("passerelle.backend.endpoints." + SUBMITTED_TYPE + "[0]",
                DropFolders.fileInbox(dir.resolve("fr-drop"), SUBMITTED_TYPE));
        frExtra.put("passerelle.delivery.max-attempts", 1000);
        gb = new ProcessNode("GB", gbApi, gbExchange, ProcessNode.settings(pki, dir, "GB", "FR", gbApi, gbExchange,
                frExchange, ProcessNode.freePort(), gbExtra), dir.resolve("GB.log"));
        fr = new ProcessNode("FR", frApi, frExchange, ProcessNode.settings(pki, dir, "FR", "GB", frApi, frExchange,
                gbExchange, ProcessNode.freePort(), frExtra), dir.resolve("FR.log"));
        System.out.println("QueueCrashIT: node logs in " + dir + ", queues " + queues.run() + "*");
        ProcessNode.startAll(gb, fr);
    }

    @AfterAll
    static void stopNodes() {
        ProcessNode.killAll(gb, fr);
        if (broker != null) {
            broker.delete(List.of(queues.submissions(), queues.replies(), queues.deliveries()), queues.exchange());
            broker.close();
        }
    }

    @Test
    void everySubmissionIsTakenInOnceThoughTheNodeIsKilledWhileTakingTheBatch() {
        // given a batch of submissions on GB's submission queue
        List<byte[]> batch = messages(SUBMITTED_TYPE, "GB", "FR");
        List<String> ids = batch.stream().map(xml -> Envelopes.header(xml, "MessageId")).toList();
        List<String> correlations = IntStream.range(0, BATCH).mapToObj(i -> UUID.randomUUID().toString()).toList();
        ProcessNode.ensureRunning(gb);
        ProcessNode.ensureRunning(fr);
        for (int i = 0; i < BATCH; i++) {
            broker.publish(queues.submissions(), batch.get(i), correlations.get(i));
        }

        // when GB is killed once it has answered a few of them
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> repliesTo(correlations).size() >= 3);
        gb.kill();
        int answeredAtKill = repliesTo(correlations).size();
        gb.start();

        // then every submission is answered as accepted, with its own id, again only with the same id
        await().atMost(Duration.ofMinutes(2)).until(() ->
                repliesTo(correlations).stream().map(reply -> reply.getProps().getCorrelationId()).distinct().count()
                        == BATCH);
        Map<String, String> idByCorrelation = IntStream.range(0, BATCH).boxed()
                .collect(Collectors.toMap(correlations::get, ids::get));
        for (GetResponse reply : repliesTo(correlations)) {
            JsonNode outcome = JSON.readTree(reply.getBody());
            assertThat(outcome.path("outcome").asString()).as(outcome.toString()).isEqualTo("ACCEPTED");
            assertThat(outcome.path("messageId").asString())
                    .isEqualTo(idByCorrelation.get(reply.getProps().getCorrelationId()));
        }
        // and each is one message of GB's log, received once, and reaches FR once
        for (String id : ids) {
            assertThat(gb.history(id)).as("GB history of %s", id).filteredOn("RECEIVED"::equals).hasSize(1);
        }
        await().atMost(Duration.ofMinutes(2)).until(() ->
                ids.stream().allMatch(id -> fr.status(id).filter("DELIVERED"::equals).isPresent()));
        for (String id : ids) {
            assertThat(fr.history(id)).as("FR history of %s", id).filteredOn("RECEIVED"::equals).hasSize(1);
        }
        System.out.printf("QueueCrashIT: GB killed with %d of %d submissions answered; %d replies in all%n",
                answeredAtKill, BATCH, repliesTo(correlations).size());
    }

    @Test
    void everyInboundMessageIsOnItsDeliveryQueueThoughTheNodeIsKilledWhilePublishingTheBatch() {
        // given FR sends a batch of messages to GB, whose back-end takes them from a delivery queue
        List<byte[]> batch = messages(DELIVERED_TYPE, "FR", "GB");
        Map<String, byte[]> xmlById = batch.stream()
                .collect(Collectors.toMap(xml -> Envelopes.header(xml, "MessageId"), Function.identity()));
        ProcessNode.ensureRunning(gb);
        ProcessNode.ensureRunning(fr);
        for (byte[] xml : batch) {
            HttpResponse<String> accepted = fr.submit(xml);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        }

        // when GB is killed once it has published a few of them
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> deliveriesOf(xmlById).size() >= 3);
        gb.kill();
        int publishedAtKill = deliveriesOf(xmlById).size();
        gb.start();

        // then GB records every one delivered, and every one is on the delivery queue
        await().atMost(Duration.ofMinutes(2)).until(() ->
                xmlById.keySet().stream().allMatch(id -> gb.status(id).filter("DELIVERED"::equals).isPresent()));
        await().atMost(Duration.ofMinutes(1)).until(() ->
                deliveriesOf(xmlById).stream().map(QueueCrashIT::messageId).distinct().count() == BATCH);
        // whole, and a repeat only under the same message id
        for (GetResponse delivery : deliveriesOf(xmlById)) {
            String id = messageId(delivery);
            assertThat(delivery.getProps().getHeaders().get("X-Passerelle-Message-Id")).hasToString(id);
            assertThat(delivery.getBody()).as("the delivery of %s", id).isEqualTo(xmlById.get(id));
        }
        Map<String, Long> counts = deliveriesOf(xmlById).stream()
                .collect(Collectors.groupingBy(QueueCrashIT::messageId, Collectors.counting()));
        assertThat(counts).hasSize(BATCH);
        long repeated = counts.values().stream().filter(count -> count > 1).count();
        System.out.printf("QueueCrashIT: GB killed with %d of %d messages published; %d deliveries in all, %d messages"
                + " delivered more than once%n", publishedAtKill, BATCH, deliveriesOf(xmlById).size(), repeated);
    }

    /** The replies taken so far to these submissions. */
    private static List<GetResponse> repliesTo(List<String> correlations) {
        replied.addAll(broker.drain(queues.replies()));
        synchronized (replied) {
            return replied.stream().filter(reply -> correlations.contains(reply.getProps().getCorrelationId()))
                    .toList();
        }
    }

    /** The deliveries taken so far of these messages; any other message on the delivery queue fails the test. */
    private static List<GetResponse> deliveriesOf(Map<String, byte[]> xmlById) {
        delivered.addAll(broker.drain(queues.deliveries()));
        synchronized (delivered) {
            assertThat(delivered).extracting(QueueCrashIT::messageId).allMatch(xmlById::containsKey);
            return List.copyOf(delivered);
        }
    }

    private static String messageId(GetResponse delivery) {
        return delivery.getProps().getMessageId();
    }

    private static List<byte[]> messages(String type, String from, String to) {
        String conversation = UUID.randomUUID().toString();
        return IntStream.range(0, BATCH).mapToObj(i -> Envelopes.sample(type, from, to, i % 4 == 0
                ? UUID.randomUUID().toString() : conversation)).toList();
    }
}
