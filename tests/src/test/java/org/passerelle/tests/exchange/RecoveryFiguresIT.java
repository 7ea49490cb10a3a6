package org.passerelle.tests.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.exchange.outbound.PartnerClients;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.tests.support.BlackHole;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.ThreeParties;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Measures, and prints, how fast GB's backlog for FR moves once FR is back after an outage: the time from FR's return
 * to the first of the backlog delivered, and to all of it. Not part of the build's tests (it asserts nothing about
 * time and takes minutes): run it with {@code -Dpasserelle.measure=true} (see README, Performance). Production
 * delivery settings, except that FR's outage lasts only as long as the submission of the backlog.
 */
@EnabledIfSystemProperty(named = "passerelle.measure", matches = "true")
class RecoveryFiguresIT {

    static final int MESSAGES = Integer.getInteger("passerelle.measure.messages", 500);
    static final int CONVERSATIONS = 50;

    @TempDir
    static Path dir;
    static ThreeParties nodes;

    @BeforeAll
    static void startNodes() {
        nodes = ThreeParties.start(dir, Map.of(
                "GB:passerelle.delivery.poll-interval", "250ms",
                "GB:passerelle.delivery.initial-backoff", "1s",
                "GB:passerelle.delivery.max-backoff", "5m",
                "GB:passerelle.delivery.connect-timeout", "5s",
                "GB:passerelle.delivery.request-timeout", "30s",
                "GB:passerelle.delivery.circuit.open-wait", "3s"));
    }

    @AfterAll
    static void stopNodes() {
        nodes.close();
    }

    @Test
    void backlogAfterAnOutage() throws Exception {
        // FR is down: its address refuses connections
        nodes.frAddress.stop();
        nodes.frAddress.mode(BlackHole.Mode.FORWARD);
        long submitStart = System.nanoTime();
        submit(MESSAGES);
        double submitSeconds = (System.nanoTime() - submitStart) / 1e9;
        CircuitBreaker circuit = nodes.gb.bean(PartnerClients.class).circuit("FR");
        await().atMost(Duration.ofMinutes(2)).until(() -> circuit.getState() != CircuitBreaker.State.CLOSED);
        Thread.sleep(15_000); // a few retries and back-offs, as in a real outage
        JdbcClient jdbc = nodes.gb.bean(JdbcClient.class);
        long waitingOnBackoff = jdbc.sql("""
                select count(*) from outbox where kind = 'SEND' and target = 'FR' and state = 'PENDING'
                  and last_error = 'PARTNER_UNAVAILABLE' and next_attempt_at > current_timestamp""").query(Long.class).single();
        Long longestWaitSeconds = jdbc.sql("""
                select max(next_attempt_at) from outbox where kind = 'SEND' and target = 'FR' and state = 'PENDING'""")
                .query((rs, i) -> rs.getTimestamp(1) == null ? 0L
                        : Math.max(0, (rs.getTimestamp(1).getTime() - System.currentTimeMillis()) / 1000)).single();
        CircuitBreaker.State atReturn = circuit.getState();
        MessageStore store = nodes.gb.bean(MessageStore.class);
        long before = store.countOutbox(OutboxKind.SEND, "FR", "DONE");

        // FR is back
        long back = System.nanoTime();
        nodes.frAddress.start();
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> store.countOutbox(OutboxKind.SEND, "FR", "DONE") > before);
        double first = (System.nanoTime() - back) / 1e9;
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> store.countOutbox(OutboxKind.SEND, "FR", "PENDING") == 0);
        double all = (System.nanoTime() - back) / 1e9;

        System.out.printf("""
                RECOVERY FIGURES: %d messages to FR in %d conversations (submitted in %.1f s while FR was down); \
                when FR came back: circuit %s, %d waiting out a back-off after PARTNER_UNAVAILABLE (the longest due in %d s); \
                from FR's return: first delivered after %.1f s, all delivered after %.1f s (%.0f messages/s)%n""",
                MESSAGES, CONVERSATIONS, submitSeconds, atReturn, waitingOnBackoff, longestWaitSeconds, first, all,
                MESSAGES / Math.max(0.001, all - first));
        assertThat(store.countOutbox(OutboxKind.SEND, "FR", "PARKED")).isZero();
    }

    /** Submits the backlog from eight callers at once, round-robin over the conversations. */
    private static void submit(int count) throws Exception {
        List<String> conversations = new ArrayList<>();
        for (int c = 0; c < CONVERSATIONS; c++) {
            conversations.add(UUID.randomUUID().toString());
        }
        try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int caller = 0; caller < 8; caller++) {
                int first = caller;
                answers.add(callers.submit(() -> {
                    int accepted = 0;
                    for (int i = first; i < count; i += 8) {
                        byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR", conversations.get(i % CONVERSATIONS));
                        HttpResponse<String> answer = nodes.gb.submit(xml);
                        accepted += answer.statusCode() == 202 ? 1 : 0;
                    }
                    return accepted;
                }));
            }
            int accepted = 0;
            for (Future<Integer> a : answers) {
                accepted += a.get();
            }
            assertThat(accepted).isEqualTo(count);
        }
    }
}
