package org.passerelle.gateway.exchange.outbound;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.TimeUnit;

/**
 * One call's permission from a partner's circuit breaker, settled exactly once: recorded as a success or a failure,
 * or else given back when the call ends ({@link #close()}, in a try-with-resources), however it ends — an exception
 * or an error between acquiring and recording included. A permission neither recorded nor released is lost: with
 * one trial call allowed while half-open, one lost permission would hold the circuit half-open, and every message to
 * the partner, for good. One settled twice (recorded, then released by an exception thrown afterwards) would let an
 * extra trial call through.
 */
public final class CircuitCall implements AutoCloseable {

    private final CircuitBreaker circuit;
    private long start;
    private boolean settled;

    private CircuitCall(CircuitBreaker circuit) {
        this.circuit = circuit;
        this.start = circuit.getCurrentTimestamp();
    }

    /** A permission for one call, or null when the circuit refuses the call (open, or its trial calls are taken). */
    static CircuitCall acquire(CircuitBreaker circuit) {
        return circuit.tryAcquirePermission() ? new CircuitCall(circuit) : null;
    }

    /** The call reaches the partner now: its duration, as recorded, is counted from here. */
    public void begin() {
        start = circuit.getCurrentTimestamp();
    }

    /** The partner answered: the call counts as a success. */
    public void succeeded() {
        if (settle()) {
            circuit.onSuccess(circuit.getCurrentTimestamp() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The partner could not be reached or failed: the call counts as a failure. */
    public void failed(Throwable cause) {
        if (settle()) {
            circuit.onError(circuit.getCurrentTimestamp() - start, TimeUnit.NANOSECONDS, cause);
        }
    }

    /** Gives the permission back unless the call was recorded: nothing reached the partner, or the attempt broke off. */
    @Override
    public void close() {
        if (settle()) {
            circuit.releasePermission();
        }
    }

    /** True the first time only: the one chance to record or release. */
    private boolean settle() {
        if (settled) {
            return false;
        }
        settled = true;
        return true;
    }
}
