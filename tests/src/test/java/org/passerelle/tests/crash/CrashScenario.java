package org.passerelle.tests.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.passerelle.tests.support.Envelopes;

/** What the crash tests share: the messages they send, the delivery settings, and the seed of their randomness. */
final class CrashScenario {

    static final List<String> TYPES = List.of("BiometricSearchRequest", "BiometricSearchResponse", "ReadmissionRequest",
            "ReadmissionDecision", "TransferStatus", "AdmissionReferral", "EligibilityResult", "AdmissionDecision",
            "ArrivalConfirmation", "CaseStatusUpdate", "EquivalenceStatement", "Fault");

    /**
     * Delivery settings on top of the short timings every test node has (poll 100ms, back-off 200ms to 2s, connect
     * timeout 2s, circuit open for 1s, a node silent for 3s taken for dead). A restarted node releases its own earlier
     * claims as it starts, and a running node renews its claims at each heartbeat, so the lease never decides who
     * attempts an entry. Attempts are not the subject here: no message may be parked for having met a dead partner too
     * often.
     */
    static final Map<String, Object> DELIVERY = Map.of(
            "passerelle.delivery.request-timeout", "5s",
            "passerelle.delivery.max-attempts", 1000);

    private CrashScenario() {
    }

    /** One message a back-end submits: its id, conversation and exact bytes. */
    record Outgoing(String messageId, String conversationId, String type, byte[] xml) {
    }

    /** {@code count} messages of every type in turn, spread over {@code conversations} conversations. */
    /** Closes each of the resources a suite started (nodes, links, back-ends), carrying on past any that fails. */
    static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception ignored) {
                // Cleaning up: carry on with the others.
            }
        }
    }

    static List<Outgoing> messages(int count, int conversations, String from, String to) {
        return messages(count, conversations, from, to, TYPES);
    }

    /** {@code count} messages of the given types in turn, spread over {@code conversations} conversations. */
    static List<Outgoing> messages(int count, int conversations, String from, String to, List<String> types) {
        List<String> conversationIds = new ArrayList<>();
        for (int c = 0; c < conversations; c++) {
            conversationIds.add(UUID.randomUUID().toString());
        }
        List<Outgoing> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String type = types.get(i % types.size());
            String conversationId = conversationIds.get(i % conversations);
            byte[] xml = Envelopes.sample(type, from, to, conversationId);
            messages.add(new Outgoing(Envelopes.header(xml, "MessageId"), conversationId, type, xml));
        }
        return messages;
    }

    /** The seed for this run: {@code -Dcrash.seed} replays a run, otherwise a new one; printed either way. */
    static long seed(String test) {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
        return seed;
    }
}
