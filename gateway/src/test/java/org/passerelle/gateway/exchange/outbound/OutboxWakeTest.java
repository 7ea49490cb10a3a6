package org.passerelle.gateway.exchange.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.NewMessage;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.messagelog.OutboxTarget;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A committed outbox entry is claimed and attempted at once, without waiting for the poll: here the poll runs once an
 * hour, FR is unreachable, and the message's first attempt (refused connection, retried later) is made within
 * moments of its acceptance.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class OutboxWakeTest {

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        r.add("passerelle.delivery.wake-on-commit", () -> "true");
    }

    @Autowired
    MessageStore store;

    @Test
    void aCommittedEntryIsAttemptedWithoutWaitingForThePoll() {
        String id = accept();

        await("the first attempt, made on the wake-up (the poll is an hour away)").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(store.outboxOf(id)).singleElement()
                        .extracting(OutboxEntry::attempts).isEqualTo(1));
        assertThat(store.history(id)).extracting(change -> change.status())
                .contains(MessageStatus.SIGNED, MessageStatus.SENT);
    }

    private String accept() {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        assertThat(store.accept(new NewMessage(id, Direction.OUTBOUND, "CaseStatusUpdate", UUID.randomUUID().toString(),
                        null, "GB", "FR", now, now.plus(Duration.ofDays(1)), "0".repeat(64), 1, true),
                "<x/>".getBytes(StandardCharsets.UTF_8), List.of(MessageStatus.RECEIVED, MessageStatus.VALIDATED),
                List.of(new OutboxTarget(OutboxKind.SEND, "FR")))).isTrue();
        return id;
    }
}
