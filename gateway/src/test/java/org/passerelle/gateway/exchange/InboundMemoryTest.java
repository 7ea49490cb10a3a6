package org.passerelle.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.util.unit.DataSize;

class InboundMemoryTest {

    @Test
    void reservesWhatFitsRefusesWhatDoesNotAndTakesBackEachReservationOnce() {
        InboundMemory memory = new InboundMemory(node("16MB", DataSize.ofMegabytes(40)), new SimpleMeterRegistry());
        long mb = DataSize.ofMegabytes(1).toBytes();
        assertThat(memory.budget()).isEqualTo(40 * mb);

        InboundMemory.Reservation first = memory.tryReserve(16 * mb).orElseThrow();
        InboundMemory.Reservation second = memory.tryReserve(16 * mb).orElseThrow();
        assertThat(memory.tryReserve(16 * mb)).isEmpty();
        assertThat(memory.reserved()).isEqualTo(32 * mb);
        Optional<InboundMemory.Reservation> small = memory.tryReserve(8 * mb);
        assertThat(small).isPresent();

        first.close();
        first.close();
        assertThat(memory.reserved()).isEqualTo(24 * mb);
        assertThat(memory.tryReserve(16 * mb)).isPresent();
        assertThat(memory.tryReserve(-1)).isPresent();
        second.close();
        small.get().close();
        assertThat(memory.reserved()).isEqualTo(16 * mb);
    }

    @Test
    void theNodesOwnWorkWaitingForMemoryKeepsArrivingRequestsOutUntilItHasHadItsTurn() {
        // given a budget of one largest body, held by a request being read
        InboundMemory memory = new InboundMemory(node("16MB", DataSize.ofMegabytes(16)), new SimpleMeterRegistry());
        long mb = DataSize.ofMegabytes(1).toBytes();
        InboundMemory.Reservation arriving = memory.tryReserve(10 * mb).orElseThrow();

        // when a delivery of a 12 MB message asks, it waits; and a 4 MB request arriving meanwhile, which would fit,
        // is refused so that the delivery is not starved by a stream of requests
        assertThat(memory.tryReserveForWork(12 * mb)).isEmpty();
        assertThat(memory.tryReserve(4 * mb)).isEmpty();

        // then once the request is answered the delivery gets its turn, and requests fit again beside what is left
        arriving.close();
        InboundMemory.Reservation delivery = memory.tryReserveForWork(12 * mb).orElseThrow();
        InboundMemory.Reservation beside = memory.tryReserve(4 * mb).orElseThrow();
        delivery.close();
        beside.close();
        assertThat(memory.reserved()).isZero();

        // and a stored message larger than the whole budget (taken under a larger limit) still runs, alone
        InboundMemory.Reservation huge = memory.tryReserveForWork(64 * mb).orElseThrow();
        assertThat(memory.reserved()).isEqualTo(memory.budget());
        assertThat(memory.tryReserve(1)).isEmpty();
        huge.close();
        assertThat(memory.reserved()).isZero();
    }

    @Test
    void theDefaultBudgetIsHalfTheHeapOverTheStageMultiplierAndNeverLessThanOneLargestBody() {
        long mb = DataSize.ofMegabytes(1).toBytes();
        assertThat(InboundMemory.budgetOf(node("16MB", null), 4096 * mb))
                .isEqualTo(4096 * mb / 2 / InboundMemory.STAGE_MULTIPLIER);
        assertThat(InboundMemory.budgetOf(node("16MB", null), 256 * mb)).isEqualTo(16 * mb);
        assertThat(InboundMemory.budgetOf(node("16MB", DataSize.ofMegabytes(4)), 4096 * mb)).isEqualTo(16 * mb);
        assertThat(InboundMemory.budgetOf(node("16MB", DataSize.ofMegabytes(100)), 256 * mb)).isEqualTo(100 * mb);
    }

    private static NodeProperties node(String maxBody, DataSize inboundMemory) {
        return new NodeProperties("GB", "node-1", Path.of("data"), null, "changeit", null, List.of(), List.of(),
                List.of(), 9443, DataSize.parse(maxBody), Duration.ofMinutes(5), Duration.ofMinutes(5), inboundMemory);
    }
}
