package org.passerelle.gateway.exchange.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A partner's circuit permission is recorded or given back exactly once on every path of an attempt: a throw after it
 * was acquired (the payload cannot be read, encryption fails, an Error) gives it back, so the half-open circuit's one
 * trial call is not lost; a throw after the call was recorded does not give it back a second time.
 */
class CircuitCallTest {

    @Test
    void aThrowAfterAcquiringWhileHalfOpenLeavesTheNextTrialCallPermitted() {
        CircuitBreaker circuit = halfOpen(1);

        assertThatThrownBy(() -> attemptThatThrows(circuit, new IllegalStateException("payload unreadable")))
                .isInstanceOf(IllegalStateException.class);

        assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(circuit.tryAcquirePermission()).as("the next trial call is permitted").isTrue();
    }

    @Test
    void anErrorAfterAcquiringAlsoGivesThePermissionBack() {
        CircuitBreaker circuit = halfOpen(1);

        assertThatThrownBy(() -> attemptThatThrows(circuit, new OutOfMemoryError("encrypting a large payload")))
                .isInstanceOf(OutOfMemoryError.class);

        assertThat(circuit.tryAcquirePermission()).isTrue();
    }

    @Test
    void aTrialCallThatSucceedsClosesTheCircuitAndAThrowAfterwardsChangesNothing() {
        CircuitBreaker circuit = halfOpen(1);

        assertThatThrownBy(() -> {
            try (CircuitCall call = CircuitCall.acquire(circuit)) {
                call.begin();
                call.succeeded();
                throw new IllegalStateException("reading the receipt failed");
            }
        }).isInstanceOf(IllegalStateException.class);

        assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aCallRecordedAsFailedThenThrowingIsNotGivenBackASecondTime() {
        // two trial calls while half-open: both taken; one fails and then throws
        CircuitBreaker circuit = halfOpen(2);
        CircuitCall other = CircuitCall.acquire(circuit);
        assertThat(other).isNotNull();

        assertThatThrownBy(() -> {
            try (CircuitCall call = CircuitCall.acquire(circuit)) {
                call.failed(new IOException("HTTP 503"));
                throw new IllegalStateException("after recording");
            }
        }).isInstanceOf(IllegalStateException.class);

        // a double release would have let a third trial call through while the other is still out
        assertThat(circuit.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(circuit.tryAcquirePermission()).as("no extra trial call").isFalse();
    }

    @Test
    void noPermissionIsGivenWhileTheTrialCallIsOut() {
        CircuitBreaker circuit = halfOpen(1);
        CircuitCall trial = CircuitCall.acquire(circuit);

        assertThat(CircuitCall.acquire(circuit)).isNull();
        trial.close();
        assertThat(CircuitCall.acquire(circuit)).isNotNull();
    }

    private static void attemptThatThrows(CircuitBreaker circuit, Throwable failure) {
        try (CircuitCall call = CircuitCall.acquire(circuit)) {
            assertThat(call).as("the trial call is permitted").isNotNull();
            sneakyThrow(failure);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /** A circuit configured as PartnerClients configures it, half-open with {@code trials} trial calls. */
    private static CircuitBreaker halfOpen(int trials) {
        CircuitBreaker circuit = CircuitBreaker.of("FR", CircuitBreakerConfig.custom()
                .failureRateThreshold(50)
                .minimumNumberOfCalls(5)
                .slidingWindowSize(10)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .permittedNumberOfCallsInHalfOpenState(trials)
                .build());
        circuit.transitionToOpenState();
        circuit.transitionToHalfOpenState();
        return circuit;
    }
}
