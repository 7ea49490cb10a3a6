package org.passerelle.gateway.exchange;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.passerelle.gateway.node.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The byte budget of bodies in flight at the partner port and at the API's intake, and of the payloads that delivery
 * and dispatch attempts hold (an attempt whose payload does not fit waits, uncounted, until it does). A body is held in the heap several
 * times over while it is read, decrypted, verified, parsed, checked and sealed for storage (about 9 bytes of heap a
 * byte of body at the peak, measured with a 16 MB biometric message: the live heap rose by some 150 MB while it was
 * taken in; {@link #STAGE_MULTIPLIER} rounds that up), and every request has a virtual thread of its own:
 * without a bound, a burst of large messages from several senders exhausts the heap. A request reserves its declared
 * length (or, without one, the largest body it may send) before a byte of its body is read, and gives it back when it
 * has been answered; one that does not fit is answered {@code 503 NODE_BUSY} with {@code Retry-After} at once.
 *
 * <p>The budget is {@code passerelle.node.inbound-memory} when set; by default a half of the heap divided by the
 * stage multiplier, and never less than one body of {@code max-body-size}, so that the largest message is always
 * taken when nothing else is in flight (a node given too small a heap for even that takes one at a time).
 */
@Component
public class InboundMemory {

    private static final Logger log = LoggerFactory.getLogger(InboundMemory.class);
    /** How many bytes of heap one byte of body takes at its peak inside the node (measured, rounded up). */
    static final int STAGE_MULTIPLIER = 10;
    /**
     * The least heap, in bodies of max-body-size, for a node to take the largest body beside its other work (measured
     * with 16 MB bodies: 256 MB and 384 MB ran out while every stage copied the body; once the copies were taken out
     * and delivery, dispatch and the gallery's read-back drew on this budget too, 256 MB held: crash/InboundMemoryIT,
     * crash/LargeMessageIT). Fifteen, for {@code -Xmx256m} reports 247 MB under the serial collector.
     */
    static final int MIN_HEAP_BODIES = 15;
    /** What a refused sender is told to wait before it sends again. */
    public static final int RETRY_AFTER_SECONDS = 2;

    /** How long waiting work keeps arriving requests out after it last asked (it asks again every few seconds). */
    private static final long WORK_WAIT_REMEMBERED_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final long budget;
    private long reserved;
    /** The most bytes the node's own waiting work asked for, and when it last asked (System.nanoTime). */
    private long workWaiting;
    private long workWaitingSince = System.nanoTime() - WORK_WAIT_REMEMBERED_NANOS;

    InboundMemory(NodeProperties node, MeterRegistry registry) {
        this.budget = budgetOf(node, Runtime.getRuntime().maxMemory());
        Gauge.builder("passerelle.inbound.memory.reserved", this, InboundMemory::reserved).baseUnit("bytes")
                .description("Bytes of request bodies in flight at the partner port and the intake").register(registry);
        Gauge.builder("passerelle.inbound.memory.budget", this, InboundMemory::budget).baseUnit("bytes")
                .description("The most bytes of request bodies taken in at once").register(registry);
        long heap = Runtime.getRuntime().maxMemory();
        log.info("Inbound memory budget {} MB of bodies in flight (heap {} MB)", budget >> 20, heap >> 20);
        if (heap < node.maxBodySize().toBytes() * MIN_HEAP_BODIES) {
            log.warn("A heap of {} MB is too small to take in one body of max-body-size ({} MB) beside the node's other"
                    + " work; give the node at least {} MB (-Xmx)", heap >> 20, node.maxBodySize().toMegabytes(),
                    (node.maxBodySize().toBytes() * MIN_HEAP_BODIES) >> 20);
        }
    }

    /** The configured budget, else half the heap over the stage multiplier, at least one largest body. */
    static long budgetOf(NodeProperties node, long maxHeap) {
        long largest = node.maxBodySize().toBytes();
        if (node.inboundMemory() != null) {
            return Math.max(largest, node.inboundMemory().toBytes());
        }
        return Math.max(largest, maxHeap / 2 / STAGE_MULTIPLIER);
    }

    /**
     * Reserves {@code bytes} of the budget for a request arriving; empty, reserving nothing, when they do not fit now,
     * counting what the node's own waiting work asked for (see {@link #tryReserveForWork}), so that a stream of
     * arriving bodies cannot keep delivery, dispatch and the gallery waiting for ever.
     */
    public Optional<Reservation> tryReserve(long bytes) {
        long wanted = Math.max(0, bytes);
        synchronized (this) {
            long waiting = System.nanoTime() - workWaitingSince < WORK_WAIT_REMEMBERED_NANOS ? workWaiting : 0;
            if (reserved + wanted + waiting > budget) {
                return Optional.empty();
            }
            reserved += wanted;
        }
        return Optional.of(new Reservation(wanted));
    }

    /**
     * Reserves for the node's own work on a stored message (a delivery or dispatch attempt, the gallery's read-back) the
     * message's size, at most the whole budget (a message taken under a larger limit still runs, alone). When it does
     * not fit, the work is remembered as waiting for a while: requests arriving meanwhile are refused until it has had
     * its turn, and the work, which tries again within seconds, gets it once what is in flight is answered.
     */
    public Optional<Reservation> tryReserveForWork(long bytes) {
        long wanted = Math.min(Math.max(0, bytes), budget);
        synchronized (this) {
            if (reserved + wanted > budget) {
                workWaiting = Math.max(workWaiting, wanted);
                workWaitingSince = System.nanoTime();
                return Optional.empty();
            }
            reserved += wanted;
            workWaiting = 0;
        }
        return Optional.of(new Reservation(wanted));
    }

    public synchronized long reserved() {
        return reserved;
    }

    public long budget() {
        return budget;
    }

    private synchronized void release(long bytes) {
        reserved -= bytes;
    }

    /** Bytes of the budget held by one request; closing it gives them back, once. */
    public final class Reservation implements AutoCloseable {

        private final long bytes;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release(bytes);
            }
        }
    }
}
