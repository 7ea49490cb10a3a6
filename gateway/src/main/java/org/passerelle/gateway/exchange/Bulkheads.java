package org.passerelle.gateway.exchange;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded concurrency per delivery target (a partner, or a back-end endpoint): each target has its own slots, and an
 * attempt runs on its own (virtual) thread holding one of them. A target whose attempts hang — a partner that accepts
 * TCP but never answers — uses up its own slots only; the poll does not wait for any attempt, so the other targets'
 * entries keep moving. Slots are taken before claiming, so no entry is claimed that cannot start at once.
 */
public final class Bulkheads {

    /** The delivery executor's bean name: attempts block on the network, so each runs on a virtual thread. */
    public static final String EXECUTOR = "passerelleDeliveryExecutor";

    private static final Logger log = LoggerFactory.getLogger(Bulkheads.class);

    private final String kind;
    private final int maxConcurrent;
    private final Duration drainWait;
    private final ExecutorService executor;
    private final ExchangeMetrics metrics;
    private final Map<String, Slots> slots = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    public Bulkheads(String kind, int maxConcurrent, Duration drainWait, ExecutorService executor, ExchangeMetrics metrics) {
        this.kind = kind;
        this.maxConcurrent = maxConcurrent;
        this.drainWait = drainWait;
        this.executor = executor;
        this.metrics = metrics;
    }

    /**
     * The bulkheads of one kind of delivery from its settings: {@code max-concurrent} slots per target, and at shutdown
     * a wait for the attempts in flight as long as one attempt may take (connect and request timeouts), at most 30 s
     * (Spring's default time for one shutdown phase).
     */
    public static Bulkheads of(String kind, DeliveryProperties delivery, ExecutorService executor, ExchangeMetrics metrics) {
        Duration attempt = delivery.connectTimeout().plus(delivery.requestTimeout()).plusSeconds(5);
        Duration wait = attempt.compareTo(Duration.ofSeconds(30)) < 0 ? attempt : Duration.ofSeconds(30);
        return new Bulkheads(kind, delivery.bulkhead().maxConcurrent(), wait, executor, metrics);
    }

    /** Takes up to {@code wanted} free slots of the target; how many it got (none once closed). */
    int acquire(String target, int wanted) {
        if (closed) {
            return 0;
        }
        Semaphore free = slots(target).free;
        int got = 0;
        while (got < wanted && free.tryAcquire()) {
            got++;
        }
        return got;
    }

    /** Gives back slots taken by {@link #acquire} that were not used. */
    void release(String target, int count) {
        if (count > 0) {
            slots(target).free.release(count);
        }
    }

    /**
     * Runs the task on its own thread in one slot already taken for the target, and gives the slot back when it
     * ends, however it ends. Refused (the slot given back, false returned) when the executor no longer runs tasks.
     */
    boolean start(String target, Runnable task) {
        Slots s = slots(target);
        s.inFlight.incrementAndGet();
        inFlight.incrementAndGet();
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("Delivery attempt to {} ended with {}", label(target), e.getClass().getSimpleName(), e);
                } finally {
                    done(s);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            done(s);
            return false;
        }
    }

    private void done(Slots s) {
        s.inFlight.decrementAndGet();
        inFlight.decrementAndGet();
        s.free.release();
    }

    /** Attempts in flight to the target on this node. */
    public int inFlight(String target) {
        Slots s = slots.get(target);
        return s == null ? 0 : s.inFlight.get();
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    /**
     * Takes no more work and waits, at most the drain wait, for the attempts in flight to settle (as the routes' graceful
     * shutdown did when they waited for their batch). Attempts still running then are left to finish or to fail; their
     * claims lapse after the lease, and the entries are attempted again.
     */
    void close() {
        closed = true;
        if (inFlight.get() > 0) {
            log.info("Delivery ({}) stopping: waiting up to {} for {} attempts in flight", kind, drainWait, inFlight.get());
        }
        long deadline = System.nanoTime() + drainWait.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (inFlight.get() > 0) {
            log.warn("{} {} attempts still in flight at shutdown; their claims lapse after the lease", inFlight.get(), kind);
        }
    }

    boolean closed() {
        return closed;
    }

    private Slots slots(String target) {
        return slots.computeIfAbsent(target, t -> {
            Slots s = new Slots(new Semaphore(maxConcurrent), new AtomicInteger());
            metrics.bulkhead(kind, label(t), s.inFlight);
            return s;
        });
    }

    /** The target as named in logs and metrics: a partner's party, or a back-end endpoint without user info or query. */
    static String label(String target) {
        if (!target.contains("://")) {
            return target;
        }
        try {
            java.net.URI uri = java.net.URI.create(target);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + (uri.getPath() == null ? "" : uri.getPath());
        } catch (IllegalArgumentException e) {
            return "backend";
        }
    }

    private record Slots(Semaphore free, AtomicInteger inFlight) {
    }
}
