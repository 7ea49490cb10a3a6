package org.passerelle.gateway.messagelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class MessageStoreTest {

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
    }

    @Autowired
    MessageStore store;

    @Autowired
    JdbcClient jdbc;

    @Test
    void storesPayloadEncryptedAtRestAndGivesBackTheExactBytes() {
        byte[] payload = "<envelope>exact bytes é</envelope>".getBytes(StandardCharsets.UTF_8);
        String id = accept(UUID.randomUUID().toString(), payload);

        byte[] raw = jdbc.sql("select ciphertext from message_payload where message_id = :id").param("id", id)
                .query((rs, i) -> rs.getBytes(1)).single();
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("exact bytes");
        assertThat(store.payload(id)).hasValue(payload);
    }

    @Test
    void refusesASecondMessageWithTheSameIdAndStoresNothing() {
        String conversation = UUID.randomUUID().toString();
        String id = accept(conversation, "first".getBytes(StandardCharsets.UTF_8));

        boolean again = store.accept(message(id, conversation), "second".getBytes(StandardCharsets.UTF_8),
                List.of(MessageStatus.RECEIVED), List.of(new OutboxTarget(OutboxKind.SEND, "FR")));

        assertThat(again).isFalse();
        assertThat(store.payload(id)).hasValue("first".getBytes(StandardCharsets.UTF_8));
        assertThat(store.outboxOf(id)).hasSize(1);
    }

    @Test
    void claimsOnlyTheOldestOpenEntryOfAConversationSoItsMessagesStayInOrder() {
        String conversation = UUID.randomUUID().toString();
        String first = accept(conversation, "1".getBytes(StandardCharsets.UTF_8));
        String second = accept(conversation, "2".getBytes(StandardCharsets.UTF_8));

        List<OutboxEntry> claimed = claimOf(conversation, "node-a");
        assertThat(claimed).extracting(OutboxEntry::messageId).containsExactly(first);

        assertThat(store.complete(claimed.get(0), "node-a", MessageStatus.RECEIPT_VERIFIED, "test")).isTrue();
        assertThat(claimOf(conversation, "node-a")).extracting(OutboxEntry::messageId).containsExactly(second);
    }

    @Test
    void anEntryClaimedByOneNodeIsNotClaimedByAnother() {
        String conversation = UUID.randomUUID().toString();
        accept(conversation, "x".getBytes(StandardCharsets.UTF_8));

        assertThat(claimOf(conversation, "node-a")).hasSize(1);
        assertThat(claimOf(conversation, "node-b")).isEmpty();
    }

    @Test
    void aParkedMessageCanBeReplayedOnceAndItsHistorySaysSo() {
        String conversation = UUID.randomUUID().toString();
        String id = accept(conversation, "p".getBytes(StandardCharsets.UTF_8));
        OutboxEntry entry = claimOf(conversation, "node-a").get(0);

        assertThat(store.park(entry, "node-a", "RETRIES_EXHAUSTED", "test")).isTrue();
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(MessageStatus.PARKED);
        assertThat(store.replay(id, "admin")).isTrue();
        assertThat(store.replay(id, "admin")).isFalse();

        assertThat(store.history(id)).extracting(StatusChange::status)
                .containsSubsequence(MessageStatus.RECEIVED, MessageStatus.PARKED, MessageStatus.REPLAYED);
        assertThat(claimOf(conversation, "node-a")).extracting(OutboxEntry::messageId).containsExactly(id);
    }

    @Test
    void aNodeWhoseClaimLapsedCannotSettleTheEntry() {
        String conversation = UUID.randomUUID().toString();
        String id = accept(conversation, "l".getBytes(StandardCharsets.UTF_8));
        OutboxEntry entry = claimOf(conversation, "node-a").get(0);

        boolean settledByAnother = store.complete(entry, "node-b", MessageStatus.RECEIPT_VERIFIED, "test");

        assertThat(settledByAnother).isFalse();
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(MessageStatus.VALIDATED);
        assertThat(store.park(entry, "node-a", "RETRIES_EXHAUSTED", "test")).isTrue();
        assertThat(store.retryLater(entry, "node-a", Instant.now(), "X", "test")).isFalse();
    }

    @Test
    void claimsForOneTargetOnlyWhenAsked() {
        String conversation = UUID.randomUUID().toString();
        String toFr = accept(conversation, "f".getBytes(StandardCharsets.UTF_8), "FR");
        String toBe = accept(UUID.randomUUID().toString(), "b".getBytes(StandardCharsets.UTF_8), "BE");

        assertThat(store.dueTargets(OutboxKind.SEND)).contains("FR", "BE");
        List<OutboxEntry> claimed = store.claimDue(OutboxKind.SEND, "BE", "node-a", 100, Duration.ofMinutes(1));

        assertThat(claimed).extracting(OutboxEntry::messageId).contains(toBe).doesNotContain(toFr);
        assertThat(claimed).extracting(OutboxEntry::target).containsOnly("BE");
    }

    @Test
    void bringsForwardOnlyTheTargetsEntriesWaitingOutABackOffAfterItWasUnreachable() {
        Instant later = Instant.now().plus(Duration.ofMinutes(5));
        String unreachable = UUID.randomUUID().toString();
        String rateLimited = UUID.randomUUID().toString();
        String parked = UUID.randomUUID().toString();
        String otherPartner = UUID.randomUUID().toString();
        String inFlight = UUID.randomUUID().toString();
        accept(unreachable, "u".getBytes(StandardCharsets.UTF_8), "NL");
        accept(rateLimited, "r".getBytes(StandardCharsets.UTF_8), "NL");
        accept(parked, "p".getBytes(StandardCharsets.UTF_8), "NL");
        accept(otherPartner, "o".getBytes(StandardCharsets.UTF_8), "DE");
        accept(inFlight, "i".getBytes(StandardCharsets.UTF_8), "NL");
        List<OutboxEntry> claimed = store.claimDue(OutboxKind.SEND, "NL", "node-a", 100, Duration.ofMinutes(1));
        claimed = new java.util.ArrayList<>(claimed);
        claimed.addAll(store.claimDue(OutboxKind.SEND, "DE", "node-a", 100, Duration.ofMinutes(1)));
        for (OutboxEntry e : claimed) {
            if (e.conversationId().equals(unreachable) || e.conversationId().equals(otherPartner)) {
                assertThat(store.retryLater(e, "node-a", later, "PARTNER_UNAVAILABLE", "test")).isTrue();
            } else if (e.conversationId().equals(rateLimited)) {
                assertThat(store.retryLater(e, "node-a", later, "RATE_LIMITED", "test")).isTrue();
            } else if (e.conversationId().equals(parked)) {
                assertThat(store.park(e, "node-a", "PARTNER_UNAVAILABLE", "test")).isTrue();
            }
        }
        // the in-flight one stays claimed; make it look like a retry so that only its claim keeps it out
        jdbc.sql("update outbox set last_error = 'PARTNER_UNAVAILABLE', next_attempt_at = :later where conversation_id = :c")
                .param("later", MessageStore.ts(later)).param("c", inFlight).update();

        int brought = store.bringForward(OutboxKind.SEND, "NL", List.of("PARTNER_UNAVAILABLE"));

        assertThat(brought).isEqualTo(1);
        assertThat(store.claimDue(OutboxKind.SEND, "node-b", 100, Duration.ofMinutes(1)))
                .extracting(OutboxEntry::conversationId).contains(unreachable)
                .doesNotContain(rateLimited, parked, otherPartner, inFlight);
    }

    @Test
    void bringsOneWaitingEntryForwardForATrialCallOnlyWhileNoneIsDue() {
        Instant now = Instant.now();
        String soonest = UUID.randomUUID().toString();
        String later = UUID.randomUUID().toString();
        accept(soonest, "s".getBytes(StandardCharsets.UTF_8), "PT");
        accept(later, "l".getBytes(StandardCharsets.UTF_8), "PT");
        for (OutboxEntry e : store.claimDue(OutboxKind.SEND, "PT", "node-a", 100, Duration.ofMinutes(1))) {
            Instant next = e.conversationId().equals(soonest) ? now.plus(Duration.ofMinutes(2)) : now.plus(Duration.ofMinutes(4));
            assertThat(store.retryLater(e, "node-a", next, "PARTNER_UNAVAILABLE", "test")).isTrue();
        }

        assertThat(store.bringForwardOne(OutboxKind.SEND, "PT", List.of("PARTNER_UNAVAILABLE"))).isTrue();
        assertThat(store.bringForwardOne(OutboxKind.SEND, "PT", List.of("PARTNER_UNAVAILABLE"))).as("one is due now").isFalse();
        assertThat(store.claimDue(OutboxKind.SEND, "PT", "node-b", 100, Duration.ofMinutes(1)))
                .extracting(OutboxEntry::conversationId).containsExactly(soonest);
    }

    @Test
    void aParkedEntryHoldsTheLaterEntriesOfItsConversationUntilItIsReplayed() {
        String conversation = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        String first = accept(conversation, "1".getBytes(StandardCharsets.UTF_8));
        String second = accept(conversation, "2".getBytes(StandardCharsets.UTF_8));
        OutboxEntry entry = claimOf(conversation, "node-a").get(0);
        long heldBefore = store.countHeld(OutboxKind.SEND, "FR");

        assertThat(store.park(entry, "node-a", "RETRIES_EXHAUSTED", "test")).isTrue();

        // the second waits behind the parked first; another conversation does not
        assertThat(claimOf(conversation, "node-a")).isEmpty();
        String elsewhere = accept(other, "3".getBytes(StandardCharsets.UTF_8));
        assertThat(store.heldBehind(second)).hasValue(first);
        assertThat(store.heldBehind(first)).isEmpty();
        assertThat(store.heldBehind(elsewhere)).isEmpty();
        assertThat(claimOf(other, "node-a")).extracting(OutboxEntry::messageId).containsExactly(elsewhere);
        assertThat(store.countHeld(OutboxKind.SEND, "FR")).isEqualTo(heldBefore + 1);
        assertThat(store.countHeld()).isGreaterThanOrEqualTo(1);
        assertThat(store.countHeld(OutboxKind.DISPATCH, "FR")).isZero();

        // replayed, the first goes again before the second, which follows once the first is done
        assertThat(store.replay(first, "admin")).isTrue();
        List<OutboxEntry> again = claimOf(conversation, "node-a");
        assertThat(again).extracting(OutboxEntry::messageId).containsExactly(first);
        assertThat(store.heldBehind(second)).isEmpty();
        assertThat(store.complete(again.get(0), "node-a", MessageStatus.RECEIPT_VERIFIED, "test")).isTrue();
        assertThat(claimOf(conversation, "node-a")).extracting(OutboxEntry::messageId).containsExactly(second);
        assertThat(store.countHeld(OutboxKind.SEND, "FR")).isEqualTo(heldBefore);
    }

    @Test
    void aReleasedEntryIsGivenUpForGoodAndTheLaterEntriesOfItsConversationFlow() {
        String conversation = UUID.randomUUID().toString();
        String first = accept(conversation, "1".getBytes(StandardCharsets.UTF_8));
        String second = accept(conversation, "2".getBytes(StandardCharsets.UTF_8));
        String third = accept(conversation, "3".getBytes(StandardCharsets.UTF_8));
        assertThat(store.releaseParked(first, "admin", "not parked yet")).isFalse();
        assertThat(store.park(claimOf(conversation, "node-a").get(0), "node-a", "PARTNER_REFUSED", "test")).isTrue();
        assertThat(store.heldBehind(third)).hasValue(first);

        assertThat(store.releaseParked(first, "admin", "the partner will never take it")).isTrue();

        assertThat(store.releaseParked(first, "admin", "again")).isFalse();
        assertThat(store.replay(first, "admin")).isFalse();
        assertThat(store.find(first).orElseThrow().status()).isEqualTo(MessageStatus.RELEASED);
        assertThat(store.history(first)).last().satisfies(change -> {
            assertThat(change.status()).isEqualTo(MessageStatus.RELEASED);
            assertThat(change.detail()).isEqualTo("released by admin: the partner will never take it");
        });
        assertThat(store.outboxOf(first)).extracting(OutboxEntry::messageId).containsExactly(first);
        assertThat(store.heldBehind(second)).isEmpty();
        assertThat(claimOf(conversation, "node-a")).extracting(OutboxEntry::messageId).containsExactly(second);
    }

    private List<OutboxEntry> claimOf(String conversation, String node) {
        return store.claimDue(OutboxKind.SEND, node, 100, Duration.ofMinutes(1)).stream()
                .filter(e -> e.conversationId().equals(conversation)).toList();
    }

    private String accept(String conversation, byte[] payload) {
        return accept(conversation, payload, "FR");
    }

    private String accept(String conversation, byte[] payload, String target) {
        String id = UUID.randomUUID().toString();
        assertThat(store.accept(message(id, conversation), payload, List.of(MessageStatus.RECEIVED, MessageStatus.VALIDATED),
                List.of(new OutboxTarget(OutboxKind.SEND, target)))).isTrue();
        return id;
    }

    private static NewMessage message(String id, String conversation) {
        Instant now = Instant.now();
        return new NewMessage(id, Direction.OUTBOUND, "CaseStatusUpdate", conversation, null, "GB", "FR", now,
                now.plus(Duration.ofDays(1)), "0".repeat(64), 1, true);
    }
}
