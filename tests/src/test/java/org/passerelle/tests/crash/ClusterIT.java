package org.passerelle.tests.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.crash.CrashScenario.Outgoing;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.ProcessNode;

/**
 * A party's two nodes sharing nothing but a PostgreSQL database (a data folder each, the same key-encryption key), one
 * partner node, and a load balancer's worth of back-end submissions spread over both. One of the two is killed with
 * SIGKILL again and again while it works, and restarted; the other takes over its claims as soon as it stops beating.
 * Then: every accepted message reached the partner's back-end exactly once and in order per conversation, last week's
 * equivalence statement was sent once, and no audit checkpoint was signed twice. Prints the time each take-over took.
 * PostgreSQL only: two processes cannot share an embedded database.
 */
class ClusterIT {

    static final int MESSAGES = Integer.getInteger("cluster.messages", 1200);
    static final int CONVERSATIONS = 40;
    static final int KILLS = 3;
    static final String NODES_LOST = "select (select count(*) from audit_event where action = 'NODE_LOST')"
            + " + (select count(*) from audit_pending where action = 'NODE_LOST')";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static RecordingBackend gbBackend;
    static RecordingBackend frBackend;
    static ProcessNode gbA;
    static ProcessNode gbB;
    static ProcessNode fr;
    static Map<String, Object> gbSettings;

    @BeforeAll
    static void startNodes() {
        Assumptions.assumeTrue("postgres".equals(System.getProperty("passerelle.test.database")),
                "two node processes share a database only on PostgreSQL");
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR"));
        gbBackend = new RecordingBackend();
        frBackend = new RecordingBackend();
        int aApi = ProcessNode.freePort();
        int aExchange = ProcessNode.freePort();
        int bApi = ProcessNode.freePort();
        int bExchange = ProcessNode.freePort();
        int frApi = ProcessNode.freePort();
        int frExchange = ProcessNode.freePort();
        Map<String, Object> timings = new LinkedHashMap<>(CrashScenario.DELIVERY);
        // Both GB nodes look for last week's statement and sign checkpoints every second: they race for each.
        timings.put("GB:passerelle.ledger.statement-check-interval", "1s");
        timings.put("GB:passerelle.audit.checkpoint-interval", "2s");
        timings.put("GB:passerelle.audit.witness", false);
        timings.put("passerelle.cluster.heartbeat-interval", "1s");
        timings.put("passerelle.cluster.stale-after", "5s");
        gbSettings = ProcessNode.settings(pki, dir, "GB", "FR", aApi, aExchange, frExchange, gbBackend.port(), timings);
        gbSettings.put("passerelle.node.node-id", "gb-a");
        Map<String, Object> b = new LinkedHashMap<>(gbSettings);
        b.put("server.port", bApi);
        b.put("passerelle.node.exchange-port", bExchange);
        b.put("passerelle.node.node-id", "gb-b");
        b.put("passerelle.node.data-dir", dir.resolve("data-GB-b").toString());
        gbA = new ProcessNode("GB", aApi, aExchange, gbSettings, dir.resolve("GB-a.log"));
        gbB = new ProcessNode("GB", bApi, bExchange, b, dir.resolve("GB-b.log"));
        fr = new ProcessNode("FR", frApi, frExchange, ProcessNode.settings(pki, dir, "FR", "GB", frApi, frExchange,
                aExchange, frBackend.port(), timings), dir.resolve("FR.log"));
        System.out.println("ClusterIT: node logs in " + dir);
        fr.launch();
        gbA.start(); // migrates the shared schema first
        gbB.start();
        fr.awaitReady();
    }

    @AfterAll
    static void stopNodes() {
        CrashScenario.closeAll(gbA, gbB, fr, gbBackend, frBackend);
    }

    @Test
    void everyAcceptedMessageIsDeliveredOnceThoughOneOfTheTwoNodesIsKilledAgainAndAgainAndTheOtherTakesOver()
            throws Exception {
        Random random = new Random(CrashScenario.seed("ClusterIT"));
        List<Outgoing> messages = CrashScenario.messages(MESSAGES, CONVERSATIONS, "GB", "FR", List.of("CaseStatusUpdate"));
        Map<String, List<Outgoing>> byConversation = messages.stream().collect(Collectors.groupingBy(
                Outgoing::conversationId, LinkedHashMap::new, Collectors.toList()));
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger submitted = new AtomicInteger();
        ExecutorService backEnds = Executors.newFixedThreadPool(8);
        List<Future<?>> load = new ArrayList<>();
        long started = System.nanoTime();
        // The load balancer: each conversation's messages in order, round robin over the nodes that answer.
        for (List<Outgoing> conversation : byConversation.values()) {
            load.add(backEnds.submit(() -> {
                for (Outgoing m : conversation) {
                    submitToEither(m, submitted.getAndIncrement());
                    accepted.add(m.messageId());
                }
                return null;
            }));
        }
        List<Long> takeOvers = new ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++) {
            int at = MESSAGES * (kill + 1) / (KILLS + 2);
            await().atMost(Duration.ofMinutes(5)).until(() -> submitted.get() >= at + random.nextInt(MESSAGES / 20));
            long killedAt = System.currentTimeMillis();
            gbA.kill();
            takeOvers.add(awaitTakenOver(killedAt));
            gbA.start();
        }
        for (Future<?> f : load) {
            f.get(10, TimeUnit.MINUTES);
        }
        backEnds.shutdown();
        long submittedIn = System.nanoTime() - started;

        assertThat(accepted).hasSize(MESSAGES);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(frBackend.countsById().keySet()).containsAll(accepted));
        long drainedIn = System.nanoTime() - started;
        Map<String, Integer> counts = frBackend.countsById();
        assertThat(counts).as("deliveries per message id at FR's back-end").allSatisfy((id, count) ->
                assertThat(count).as("deliveries of %s", id).isEqualTo(1));
        byConversation.forEach((conversation, order) ->
                assertThat(frBackend.firstArrivalOrder(conversation)).as("order in conversation %s", conversation)
                        .containsExactlyElementsOf(order.stream().map(Outgoing::messageId).toList()));

        // Last week's statement went to FR once, though both nodes looked for it every second.
        await().atMost(Duration.ofMinutes(1)).until(() -> statementsAtFr() >= 1);
        Thread.sleep(3000); // both nodes have looked again several times since
        assertThat(statementsAtFr()).as("equivalence statements FR received").isEqualTo(1);
        // No checkpoint was signed twice, and there were many.
        assertThat(query("select count(*) from (select seq from audit_checkpoint group by seq having count(*) > 1) d"))
                .as("checkpoints signed more than once").isZero();
        assertThat(query("select count(*) from audit_checkpoint")).as("checkpoints").isGreaterThan(3);
        // Each kill was noticed (a starved machine may also take a live node for dead now and then: harmless).
        int lost = query(NODES_LOST);
        assertThat(lost).isGreaterThanOrEqualTo(KILLS);

        System.out.printf("ClusterIT: %d messages over two GB nodes, GB-a killed %d times; submitted in %.1f s, "
                        + "all delivered to FR's back-end after %.1f s; take-over after each kill: %s ms "
                        + "(heartbeat %s, stale-after %s; NODE_LOST audited %d times)%n", MESSAGES, KILLS,
                submittedIn / 1e9, drainedIn / 1e9, takeOvers, gbSettings.get("passerelle.cluster.heartbeat-interval"),
                gbSettings.get("passerelle.cluster.stale-after"), lost);
    }

    /** Submits to one node, and to the other when the first does not answer: what a load balancer does. */
    private static void submitToEither(Outgoing m, int n) {
        ProcessNode first = n % 2 == 0 ? gbA : gbB;
        ProcessNode second = first == gbA ? gbB : gbA;
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (ProcessNode node : List.of(first, second)) {
                try {
                    HttpResponse<String> response = node.submit(m.xml());
                    if (response.statusCode() == 202) {
                        return true;
                    }
                    // A resubmission of what the killed node accepted is answered as accepted; anything else is a bug.
                    assertThat(response.statusCode()).as(response.body()).isIn(202, 503);
                } catch (UncheckedIOException down) {
                    // Being killed or restarting: the other node takes it.
                }
            }
            return false;
        });
    }

    /** Waits until GB-b has marked GB-a lost (released its claims); the milliseconds since the kill. */
    private static long awaitTakenOver(long killedAt) {
        int before = query(NODES_LOST);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() ->
                query(NODES_LOST) > before);
        return System.currentTimeMillis() - killedAt;
    }

    private static int statementsAtFr() {
        return (int) frBackend.arrivals().stream()
                .filter(a -> "EquivalenceStatement".equals(Envelopes.header(a.body(), "MessageType")))
                .map(RecordingBackend.Arrival::messageId).distinct().count();
    }

    private static int query(String sql) {
        try (Connection c = DriverManager.getConnection((String) gbSettings.get("spring.datasource.url"),
                (String) gbSettings.get("spring.datasource.username"), "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
