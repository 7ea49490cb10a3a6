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
