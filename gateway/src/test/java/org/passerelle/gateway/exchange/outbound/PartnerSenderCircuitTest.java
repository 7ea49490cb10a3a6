package org.passerelle.gateway.exchange.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.exchange.Outcome;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.NewMessage;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.messagelog.OutboxTarget;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PartnerSender on a real node (H2, the test PKI): an attempt that throws after taking FR's circuit permission — the
 * stored payload no longer opens — gives the permission back, so FR's half-open circuit still lets its trial call
 * through instead of holding every message to FR for good.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PartnerSenderCircuitTest {

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
    }

    @Autowired
    PartnerSender sender;

    @Autowired
    PartnerClients clients;

    @Autowired
    MessageStore store;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anAttemptThatThrowsAfterTakingTheHalfOpenCircuitsOnePermissionGivesItBack() {
        // given a message for FR whose stored payload no longer opens, and FR's circuit half-open with one trial call
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        assertThat(store.accept(new NewMessage(id, Direction.OUTBOUND, "CaseStatusUpdate", UUID.randomUUID().toString(),
                        null, "GB", "FR", now, now.plus(Duration.ofDays(1)), "0".repeat(64), 1, true),
                "<x/>".getBytes(StandardCharsets.UTF_8), List.of(MessageStatus.RECEIVED, MessageStatus.VALIDATED),
                List.of(new OutboxTarget(OutboxKind.SEND, "FR")))).isTrue();
        jdbc.sql("update message_payload set ciphertext = :junk where message_id = :id")
                .param("junk", new byte[64]).param("id", id).update();
        OutboxEntry entry = store.claimDue(OutboxKind.SEND, "FR", "GB-unit", 100, Duration.ofMinutes(1)).stream()
                .filter(e -> e.messageId().equals(id)).findFirst().orElseThrow();
        CircuitBreaker circuit = clients.circuit("FR");
        circuit.transitionToOpenState();
        circuit.transitionToHalfOpenState();

        // when the attempt takes the permission and then throws (settled as a retry by the worker)
        Outcome outcome = sender.process(entry);

        // then the attempt failed, and the next trial call is still permitted
        assertThat(outcome).isInstanceOf(Outcome.Retry.class);
        assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(circuit.tryAcquirePermission()).as("the next trial call is permitted").isTrue();
        circuit.releasePermission();
    }
}
