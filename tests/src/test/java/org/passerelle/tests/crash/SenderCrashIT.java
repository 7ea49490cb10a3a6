package org.passerelle.tests.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.crash.CrashScenario.Outgoing;
import org.passerelle.tests.support.ProcessNode;

/**
 * The sending node killed with SIGKILL at any point between intake and receipt, then restarted on the same data
 * folder and ports: every message it accepted reaches the receiving back-end exactly once, unchanged and in order
 * per conversation, and ends with a verified receipt. Both nodes run as processes; the network between them
 * delays the receiver's answers by {@value #ANSWER_DELAY_MS} ms, which holds receipts on the wire long enough to
 * kill the sender after the receiver stored a message and before the sender verified its receipt.
 */
class SenderCrashIT {

    static final int ANSWER_DELAY_MS = 150;
    static final int MESSAGES = 30;
    static final int CONVERSATIONS = 8;
    static final int RANDOM_KILLS = 3;
    static final int MAX_KILL_DELAY_MS = 1500;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static RecordingBackend gbBackend;
    static RecordingBackend frBackend;
    static PartnerLink link;
    static ProcessNode gb;
    static ProcessNode fr;
    static final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void startNodes() {
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR"));
        gbBackend = new RecordingBackend();
        frBackend = new RecordingBackend();
        int gbApi = ProcessNode.freePort();
        int gbExchange = ProcessNode.freePort();
        int frApi = ProcessNode.freePort();
        int frExchange = ProcessNode.freePort();
        link = new PartnerLink(frExchange, Duration.ofMillis(ANSWER_DELAY_MS), 1);
        gb = new ProcessNode("GB", gbApi, gbExchange, ProcessNode.settings(pki, dir, "GB", "FR", gbApi, gbExchange,
                link.port(), gbBackend.port(), CrashScenario.DELIVERY), dir.resolve("GB.log"));
        fr = new ProcessNode("FR", frApi, frExchange, ProcessNode.settings(pki, dir, "FR", "GB", frApi, frExchange,
                gbExchange, frBackend.port(), CrashScenario.DELIVERY), dir.resolve("FR.log"));
        System.out.println("SenderCrashIT: node logs in " + dir);
        ProcessNode.startAll(gb, fr);
    }

    @AfterAll
    static void stopNodes() {
        killer.shutdownNow();
        CrashScenario.closeAll(gb, fr, link, gbBackend, frBackend);
    }

    @Test
    void everyAcceptedMessageReachesThePartnerBackEndExactlyOnceInOrderThoughTheSenderIsKilledAgainAndAgain()
            throws Exception {
        // given messages of every type, several per conversation, and a seeded source of kill times
        Random random = new Random(CrashScenario.seed("SenderCrashIT"));
        List<Outgoing> messages = CrashScenario.messages(MESSAGES, CONVERSATIONS, "GB", "FR");
        List<Outgoing> accepted = new ArrayList<>();

        // when GB is killed the moment its back-end's last submission is accepted, before most are sent
        submit(messages.subList(0, 10), accepted);
        gb.kill();
        gb.start();

        // and when GB is killed while FR has stored a message whose receipt GB has not verified yet
        submit(messages.subList(10, 20), accepted);
        String caught = awaitStoredByReceiverButUnverifiedBySender(accepted);
        gb.kill();
        System.out.println("SenderCrashIT: killed GB while FR held " + caught + " unverified by GB");
        gb.start();

        // and when GB is killed at random moments while it delivers
        for (int round = 0; round < RANDOM_KILLS; round++) {
            submit(messages.subList(20 + (MESSAGES - 20) * round / RANDOM_KILLS,
                    20 + (MESSAGES - 20) * (round + 1) / RANDOM_KILLS), accepted);
            long delay = random.nextInt(MAX_KILL_DELAY_MS);
            ScheduledFuture<?> kill = killer.schedule(gb::kill, delay, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(10)).until(kill::isDone);
            kill.get();
            gb.start();
            System.out.println("SenderCrashIT: killed GB " + delay + " ms after submitting; then verified "
                    + verified(accepted).size() + "/" + accepted.size());
        }

        // then GB verifies a receipt for every accepted message
        assertThat(accepted).hasSize(MESSAGES);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(verified(accepted)).containsExactlyInAnyOrderElementsOf(ids(accepted)));
        // and FR's back-end took each of them once, byte-identical, in order per conversation
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
                assertThat(frBackend.countsById().keySet()).containsAll(ids(accepted)));
        Map<String, Integer> counts = frBackend.countsById();
        assertThat(counts).as("deliveries per message id at FR's back-end").hasSize(MESSAGES)
                .allSatisfy((id, count) -> assertThat(count).as("deliveries of %s", id).isEqualTo(1));
        for (Outgoing m : accepted) {
            assertThat(frBackend.arrivals()).filteredOn(a -> a.messageId().equals(m.messageId()))
                    .singleElement().satisfies(a -> assertThat(a.body()).isEqualTo(m.xml()));
        }
        Map<String, List<String>> submittedOrder = accepted.stream().collect(Collectors.groupingBy(
                Outgoing::conversationId, LinkedHashMap::new, Collectors.mapping(Outgoing::messageId, Collectors.toList())));
        submittedOrder.forEach((conversation, order) ->
                assertThat(frBackend.firstArrivalOrder(conversation)).as("order in conversation %s", conversation)
                        .containsExactlyElementsOf(order));
        // and FR's log shows each as delivered to its back-end
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (Outgoing m : accepted) {
                assertThat(fr.status(m.messageId())).as("FR status of %s", m.messageId()).contains("DELIVERED");
            }
        });
        report(accepted);
    }

    private static void submit(List<Outgoing> batch, List<Outgoing> accepted) {
        for (Outgoing m : batch) {
            HttpResponse<String> response = gb.submit(m.xml());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(response.body()).contains(m.messageId());
            accepted.add(m);
        }
    }

    /** Waits until FR has stored some accepted message that GB has sent but not yet verified; returns its id. */
    private static String awaitStoredByReceiverButUnverifiedBySender(List<Outgoing> accepted) {
        Set<String> done = new LinkedHashSet<>();
        return await("a receipt on the wire").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    for (String id : ids(accepted)) {
                        if (done.contains(id)) {
                            continue;
                        }
                        String status = gb.status(id).orElseThrow();
                        if ("RECEIPT_VERIFIED".equals(status)) {
                            done.add(id);
                        } else if ("SENT".equals(status) && fr.status(id).isPresent()) {
                            return id;
                        }
                    }
                    return null;
                }, id -> id != null);
    }

    private static Set<String> verified(List<Outgoing> accepted) {
        return ids(accepted).stream().filter(id -> gb.status(id).filter("RECEIPT_VERIFIED"::equals).isPresent())
                .collect(Collectors.toSet());
    }

    private static List<String> ids(List<Outgoing> messages) {
        return messages.stream().map(Outgoing::messageId).toList();
    }

    private static void report(List<Outgoing> accepted) {
        int resent = 0;
        int sends = 0;
        for (Outgoing m : accepted) {
            long sent = gb.history(m.messageId()).stream().filter("SENT"::equals).count();
            sends += (int) sent;
            resent += sent > 1 ? 1 : 0;
        }
        System.out.println("SenderCrashIT: " + accepted.size() + " messages, " + (gb.starts() - 1) + " kills of GB, "
                + sends + " sends, " + resent + " messages sent more than once, FR back-end deliveries "
                + frBackend.arrivals().size() + ", connections through the link " + link.connections());
    }
}
