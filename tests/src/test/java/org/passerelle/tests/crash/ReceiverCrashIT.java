package org.passerelle.tests.crash;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.crash.CrashScenario.Outgoing;
import org.passerelle.tests.crash.RecordingBackend.Arrival;
import org.passerelle.tests.support.ProcessNode;

/**
 * The receiving node killed with SIGKILL while envelopes are in its inbox, then restarted on the same data folder
 * and ports: every message the sender sent is in the receiver's log once, delivered to its back-end once, and
 * receipted at the sender. Both nodes run as processes.
 *
 * <p>Where the kills land. The inbox exchange (decrypt, verify, validate, store with its receipt, answer) takes
 * milliseconds, and so does handing a message to the back-end; a kill at a random moment lands in either. To aim
 * at the inbox, the receiver's back-end refuses (503) while the kills happen: a dispatch attempt then delivers
 * nothing, so whatever a kill interrupts there is retried without a duplicate, and only the inbox is at stake. A
 * slow back-end would do the opposite — widen the window between the back-end taking a message and the node
 * recording it — so a separate test aims there on purpose and shows what a kill in that window costs: one
 * redelivery, with the same {@code X-Passerelle-Message-Id} and the same bytes, for the back-end to recognise.
 */
class ReceiverCrashIT {

    static final int INBOX_KILLS = 3;
    static final int MESSAGES_PER_ROUND = 12;
    static final int CONVERSATIONS = 6;
    /**
     * Relayed bytes at least this many are an envelope (2.7 kB and more: XML, signer certificate, signature,
     * encryption, HTTP head); the sender's largest handshake flight, two EC certificates, is about 1.6 kB.
     */
    static final int ENVELOPE_BYTES = 2000;
    /** Kills land this long at most after an envelope reached FR: within its inbox exchange, or just after. */
    static final int MAX_KILL_DELAY_MS = 40;
    static final int BACKEND_ANSWER_DELAY_MS = 1500;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static RecordingBackend gbBackend;
    static RecordingBackend frBackend;
    static PartnerLink link;
    static ProcessNode gb;
    static ProcessNode fr;

    @BeforeAll
    static void startNodes() {
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR"));
        gbBackend = new RecordingBackend();
        frBackend = new RecordingBackend();
        int gbApi = ProcessNode.freePort();
        int gbExchange = ProcessNode.freePort();
        int frApi = ProcessNode.freePort();
        int frExchange = ProcessNode.freePort();
        link = new PartnerLink(frExchange, Duration.ZERO, ENVELOPE_BYTES);
        gb = new ProcessNode("GB", gbApi, gbExchange, ProcessNode.settings(pki, dir, "GB", "FR", gbApi, gbExchange,
                link.port(), gbBackend.port(), CrashScenario.DELIVERY), dir.resolve("GB.log"));
        fr = new ProcessNode("FR", frApi, frExchange, ProcessNode.settings(pki, dir, "FR", "GB", frApi, frExchange,
                gbExchange, frBackend.port(), CrashScenario.DELIVERY), dir.resolve("FR.log"));
        System.out.println("ReceiverCrashIT: node logs in " + dir);
        ProcessNode.startAll(gb, fr);
    }

    @AfterAll
    static void stopNodes() {
        CrashScenario.closeAll(gb, fr, link, gbBackend, frBackend);
    }

    @Test
    void everyMessageIsStoredAndDeliveredOnceThoughTheReceiverIsKilledDuringTheInboxExchange() {
        // given a stream of messages from GB, FR's back-end refusing while FR is being killed, and seeded kill times
        Random random = new Random(CrashScenario.seed("ReceiverCrashIT"));
        List<Outgoing> messages = CrashScenario.messages(INBOX_KILLS * MESSAGES_PER_ROUND, CONVERSATIONS, "GB", "FR");
        frBackend.answer(aResponse().withStatus(503));
        ensureRunning(fr);
        List<Outgoing> sent = new ArrayList<>();

        // when FR is killed, again and again, a few milliseconds after an envelope reached its inbox
        for (int round = 0; round < INBOX_KILLS; round++) {
            int envelopes = 1 + random.nextInt(MESSAGES_PER_ROUND * 2 / 3);
            long delay = random.nextInt(MAX_KILL_DELAY_MS + 1);
            CompletableFuture<Void> kill = link.afterEnvelopes(envelopes)
                    .thenRunAsync(fr::kill, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
            submit(messages.subList(round * MESSAGES_PER_ROUND, (round + 1) * MESSAGES_PER_ROUND), sent);
            await("kill " + (round + 1)).atMost(Duration.ofMinutes(1)).until(kill::isDone);
            kill.join();
            System.out.println("ReceiverCrashIT: killed FR " + delay + " ms after the " + envelopes
                    + "th envelope of round " + (round + 1));
            fr.start();
        }
        frBackend.answer(aResponse().withStatus(202));

        // then GB holds a verified receipt for every message
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(receipted(sent)).containsExactlyInAnyOrderElementsOf(ids(sent)));
        // and FR's log holds each message once, delivered to its back-end
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (Outgoing m : sent) {
                assertThat(fr.status(m.messageId())).as("FR status of %s", m.messageId()).contains("DELIVERED");
            }
        });
        for (Outgoing m : sent) {
            assertThat(fr.history(m.messageId())).as("FR history of %s", m.messageId())
                    .filteredOn("RECEIVED"::equals).hasSize(1);
        }
        // and FR's back-end took each exactly once, byte-identical, in order per conversation
        Map<String, Integer> counts = countsOf(sent);
        assertThat(counts).as("deliveries per message id at FR's back-end").hasSize(sent.size())
                .allSatisfy((id, count) -> assertThat(count).as("deliveries of %s", id).isEqualTo(1));
        assertByteIdenticalAndInOrder(sent);
        System.out.println("ReceiverCrashIT: " + sent.size() + " messages, " + INBOX_KILLS + " kills of FR, "
                + sends(sent) + " sends by GB, " + countsOf(sent).values().stream().mapToInt(Integer::intValue).sum()
                + " deliveries to FR's back-end");
    }

    @Test
    void redeliversOnceWithTheSameIdAndBytesWhenKilledAfterTheBackEndTookAMessageBeforeRecordingIt() {
        // given FR's back-end takes messages but is slow to answer
        List<Outgoing> messages = CrashScenario.messages(8, 4, "GB", "FR");
        frBackend.answer(aResponse().withStatus(202).withFixedDelay(BACKEND_ANSWER_DELAY_MS));
        ensureRunning(fr);
        List<Outgoing> sent = new ArrayList<>();
        List<String> takenWhenKilled = new ArrayList<>();
        List<Set<String>> unansweredAtKills = new ArrayList<>();

        // when FR is killed twice just as its back-end has taken a message, before the answer reaches FR
        submit(messages.subList(0, 4), sent);
        takenWhenKilled.add(killOnceTheBackEndTakesOneOf(sent, unansweredAtKills));
        submit(messages.subList(4, 8), sent);
        takenWhenKilled.add(killOnceTheBackEndTakesOneOf(sent, unansweredAtKills));
        frBackend.answer(aResponse().withStatus(202));

        // then FR records every message delivered, and GB holds a verified receipt for each
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (Outgoing m : sent) {
                assertThat(fr.status(m.messageId())).as("FR status of %s", m.messageId()).contains("DELIVERED");
            }
        });
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(receipted(sent)).containsExactlyInAnyOrderElementsOf(ids(sent)));
        assertThat(countsOf(sent).keySet()).containsExactlyInAnyOrderElementsOf(ids(sent));
        // and the back-end took every message, again only those it held unanswered when FR died, once per such kill,
        // always with the same id and identical bytes (at-least-once with an idempotency key, not exactly once)
        Map<String, Integer> counts = countsOf(sent);
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(ids(sent));
        assertThat(takenWhenKilled).allSatisfy(id -> assertThat(counts.get(id)).as("deliveries of %s", id).isGreaterThan(1));
        // At most one more per kill: what the back-end held is noted just before the kill lands, so a message it takes
        // in between is redelivered without being in the note (seen once on a slow machine: 3 deliveries, noted at one).
        counts.forEach((id, count) -> assertThat(count).as("deliveries of %s", id)
                .isLessThanOrEqualTo(1 + unansweredAtKills.size()));
        assertByteIdenticalAndInOrder(sent);
        int redeliveries = counts.values().stream().mapToInt(c -> c - 1).sum();
        System.out.printf("ReceiverCrashIT: 2 kills in the dispatch window; %d messages, %d redeliveries (%d held"
                + " unanswered by the back-end at the kills)%n", sent.size(), redeliveries,
                unansweredAtKills.stream().mapToInt(Set::size).sum());
    }

    /**
     * Kills FR as soon as its back-end takes another of these messages; returns that message's id and notes which
     * messages the back-end was then holding unanswered (taken within the answer delay, with some slack).
     */
    private static String killOnceTheBackEndTakesOneOf(List<Outgoing> sent, List<Set<String>> unansweredAtKills) {
        Set<String> ids = Set.copyOf(ids(sent));
        int before = arrivalsOf(ids).size();
        await("the back-end taking a message").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(2))
                .until(() -> arrivalsOf(ids).size() > before);
        // The process dies somewhere between the kill's start and its return, which under load can be seconds apart:
        // a message taken within the answer delay before the start, or at any time up to the return, may have been
        // unanswered when it died.
        long killStarted = System.nanoTime();
        fr.kill();
        List<Arrival> arrivals = arrivalsOf(ids);
        long window = TimeUnit.MILLISECONDS.toNanos(BACKEND_ANSWER_DELAY_MS + 500);
        unansweredAtKills.add(arrivals.stream().filter(a -> a.atNanos() > killStarted - window).map(Arrival::messageId)
                .collect(Collectors.toSet()));
        fr.start();
        return arrivals.get(before).messageId();
    }

    private static List<Arrival> arrivalsOf(Set<String> ids) {
        return frBackend.arrivals().stream().filter(a -> ids.contains(a.messageId())).toList();
    }

    private static void ensureRunning(ProcessNode node) {
        if (!node.running()) {
            node.start();
        }
    }

    private static void submit(List<Outgoing> batch, List<Outgoing> sent) {
        for (Outgoing m : batch) {
            HttpResponse<String> response = gb.submit(m.xml());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            sent.add(m);
        }
    }

    private static Set<String> receipted(List<Outgoing> sent) {
        return ids(sent).stream().filter(id -> gb.status(id).filter("RECEIPT_VERIFIED"::equals).isPresent())
                .collect(Collectors.toSet());
    }

    private static Map<String, Integer> countsOf(List<Outgoing> sent) {
        Set<String> ids = Set.copyOf(ids(sent));
        Map<String, Integer> counts = new LinkedHashMap<>();
        frBackend.countsById().forEach((id, count) -> {
            if (ids.contains(id)) {
                counts.put(id, count);
            }
        });
        return counts;
    }

    private static void assertByteIdenticalAndInOrder(List<Outgoing> sent) {
        for (Outgoing m : sent) {
            assertThat(frBackend.arrivals()).filteredOn(a -> a.messageId().equals(m.messageId()))
                    .isNotEmpty().allSatisfy(a -> assertThat(a.body()).isEqualTo(m.xml()));
        }
        Map<String, List<String>> submittedOrder = sent.stream().collect(Collectors.groupingBy(
                Outgoing::conversationId, LinkedHashMap::new, Collectors.mapping(Outgoing::messageId, Collectors.toList())));
        submittedOrder.forEach((conversation, order) ->
                assertThat(frBackend.firstArrivalOrder(conversation)).as("order in conversation %s", conversation)
                        .containsExactlyElementsOf(order));
    }

    private static long sends(List<Outgoing> sent) {
        return sent.stream().mapToLong(m -> gb.history(m.messageId()).stream().filter("SENT"::equals).count()).sum();
    }

    private static List<String> ids(List<Outgoing> messages) {
        return messages.stream().map(Outgoing::messageId).toList();
    }
}
