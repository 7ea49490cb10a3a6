package org.passerelle.gateway.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.messagelog.OutboxWorkAdded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Works one kind of outbox entry: claims what is due, attempts each, and settles it — done, retried after
 * exponential back-off with jitter, or parked once attempts or the message's lifetime are spent. The same
 * guarantees hold for sending to partners and dispatching to back-ends.
 *
 * <p>Each target (a partner, a back-end endpoint) has its own {@link Bulkheads bulkhead}: a poll claims for each target
 * only as many entries as it has free slots and starts each attempt on its own thread without waiting for it, and an
 * attempt that delivers claims its target's next due entry at once. So a target that never answers holds its own
 * slots for the request timeout and nothing else: the poll and the other targets go on.
 */
public abstract class OutboxWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);

    protected final MessageStore store;
    protected final AuditTrail audit;
    protected final ExchangeMetrics metrics;
    protected final Clock clock;
    /** For what one step records in several tables: stored together or not at all, in one commit. */
    protected final TransactionTemplate transaction;
    private final RetryPolicy retry;
    private final String nodeId;
    private final Bulkheads bulkheads;
    /** Targets with work committed since the waker last looked, claimed for without waiting for the next poll. */
    private final Set<String> woken = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final ExecutorService waker;
    private final boolean wakeOnCommit;
    private final InboundMemory memory;
    private volatile boolean running;

    protected OutboxWorker(MessageStore store, AuditTrail audit, ExchangeMetrics metrics, Clock clock,
                           TransactionTemplate transaction, RetryPolicy retry, String nodeId, Bulkheads bulkheads,
                           boolean wakeOnCommit, InboundMemory memory) {
        this.store = store;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.transaction = transaction;
        this.retry = retry;
        this.nodeId = nodeId;
        this.bulkheads = bulkheads;
        this.wakeOnCommit = wakeOnCommit;
        this.memory = memory;
        this.waker = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon()
                .name("outbox-" + kind().name().toLowerCase(Locale.ROOT) + "-wake").factory());
    }

    protected abstract OutboxKind kind();

    /** The audit channel this worker records under. */
    protected abstract AuditChannel channel();

    /** One attempt; returns its outcome rather than throwing for any failure with a defined outcome. */
    protected abstract Outcome attempt(OutboxEntry entry, MessageRecord message);

    /**
     * Whether entries for the target may be claimed now; a partner whose circuit is open is not claimed for (its
     * entries would only be handed back), and is again once the circuit lets a trial call through.
     */
    protected boolean accepting(String target) {
        return true;
    }

    /**
     * One poll (the Camel timer route calls it): for each target with due entries, claims as many as its bulkhead
     * has free slots (at most the batch size) and starts an attempt for each; returns without waiting for them.
     */
    public void poll() {
        for (String target : store.dueTargets(kind())) {
            if (bulkheads.closed()) {
                return;
            }
            if (accepting(target)) {
                fill(target, retry.batchSize(), true);
            }
        }
    }

    /**
     * Work of this kind was committed for {@code target}: its entries are claimed now, on the waker's thread, rather
     * than at the next poll, which remains the safety net (for retries that fall due, entries given back, other
     * nodes' work, and a wake-up lost to a failure). Wake-ups that arrive while one is pending are folded into it.
     */
    @TransactionalEventListener(fallbackExecution = true)
    public void workAdded(OutboxWorkAdded added) {
        if (added.kind() != kind() || !running || !wakeOnCommit) {
            return;
        }
        woken.add(added.target());
        if (wakeQueued.compareAndSet(false, true)) {
            try {
                waker.execute(this::claimWoken);
            } catch (RejectedExecutionException stopping) {
                wakeQueued.set(false);
            }
        }
    }

    private void claimWoken() {
        wakeQueued.set(false);
        for (String target : List.copyOf(woken)) {
            woken.remove(target);
            if (bulkheads.closed()) {
                return;
            }
            try {
                if (accepting(target)) {
                    fill(target, retry.batchSize(), false);
                }
            } catch (RuntimeException e) {
                log.warn("Claiming new work for {} failed: {}; the next poll will", Bulkheads.label(target),
                        e.getClass().getSimpleName());
            }
        }
    }

    /** Claims up to {@code wanted} due entries of the target, within its free slots, and starts them. */
    private void fill(String target, int wanted, boolean countFull) {
        int slots = bulkheads.acquire(target, wanted);
        if (slots == 0) {
            if (countFull && !bulkheads.closed()) {
                metrics.bulkheadFull(kind().name().toLowerCase(), Bulkheads.label(target));
            }
            return;
        }
        List<OutboxEntry> claimed;
        try {
            claimed = store.claimDue(kind(), target, nodeId, slots, retry.lease());
        } catch (RuntimeException e) {
            bulkheads.release(target, slots);
            throw e;
        }
        bulkheads.release(target, slots - claimed.size());
        for (OutboxEntry entry : claimed) {
            if (!bulkheads.start(target, () -> processThenNext(entry))) {
                // Shutting down: given back at once, for another node (or this one after its restart).
                store.abandon(entry, nodeId);
                log.info("Outbox entry {} not started: delivery is stopping", entry.id());
            }
        }
    }

    /** Attempts the entry and, when it was delivered, claims the target's next due entry without waiting for a poll. */
    private void processThenNext(OutboxEntry entry) {
        Outcome outcome = null;
        try {
            outcome = process(entry);
        } finally {
            if (outcome == null) {
                // Not settled (the database failed under the attempt): given back, never renewed for ever.
                store.abandon(entry, nodeId);
            } else {
                store.done(entry);
            }
        }
        if (outcome instanceof Outcome.Delivered && !bulkheads.closed() && accepting(entry.target())) {
            try {
                fill(entry.target(), 1, false);
            } catch (RuntimeException e) {
                log.warn("Claiming the next entry for {} failed: {}; the next poll will", Bulkheads.label(entry.target()),
                        e.getClass().getSimpleName());
            }
        }
    }

    /** Attempts one claimed entry and settles it; the outcome it was settled with. */
    public Outcome process(OutboxEntry entry) {
        try (var ignored = org.slf4j.MDC.putCloseable("messageId", entry.messageId())) {
            return attemptAndSettle(entry);
        }
    }

    /** Attempts to the target in flight on this node. */
    public int inFlight(String target) {
        return bulkheads.inFlight(target);
    }

    @Override
    public void start() {
        running = true;
    }

    /** Takes no more work and waits a bounded time for the attempts in flight, before the database goes away. */
    @Override
    public void stop() {
        waker.shutdown();
        bulkheads.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private Outcome attemptAndSettle(OutboxEntry entry) {
        MessageRecord message = store.find(entry.messageId()).orElseThrow();
        // An attempt holds its payload several times over (decrypted from the store, signed, encrypted, posted): it
        // takes its size from the same budget as the bodies coming in, or waits, uncounted, while that is spent.
        Optional<InboundMemory.Reservation> reserved = memory.tryReserveForWork(message.payloadSize());
        if (reserved.isEmpty()) {
            Outcome later = new Outcome.Deferred(clock.instant().plusSeconds(InboundMemory.RETRY_AFTER_SECONDS));
            log.debug("Message {} to {} waits for memory ({} bytes)", entry.messageId(), entry.target(), message.payloadSize());
            settle(entry, message, later);
            return later;
        }
        Outcome outcome;
        try (InboundMemory.Reservation held = reserved.get()) {
            outcome = attempt(entry, message);
        } catch (RuntimeException e) {
            GatewayException failure = Faults.from(e);
            log.warn("Attempt on message {} to {} failed: {}", entry.messageId(), entry.target(), failure.code(), e);
            outcome = new Outcome.Retry(failure.code().name(), failure.getMessage());
        }
        settle(entry, message, outcome);
        return outcome;
    }

    private void settle(OutboxEntry entry, MessageRecord message, Outcome outcome) {
        Instant now = clock.instant();
        switch (outcome) {
            case Outcome.Delivered d -> {
                // The settlement, what the attempt brought back (a receipt) and its audit entry: one commit.
                boolean settled;
                try {
                    settled = Boolean.TRUE.equals(transaction.execute(tx -> {
                        if (!store.complete(entry, nodeId, d.status(), d.detail())) {
                            return false;
                        }
                        d.record().run();
                        audit.record(audited(entry, message, AuditAction.valueOf(d.status().name()), AuditOutcome.OK)
                                .detail(d.detail()));
                        return true;
                    }));
                } catch (RuntimeException e) {
                    // Nothing of it stored: an attempt that failed, counted and retried like any other.
                    GatewayException failure = Faults.from(e);
                    log.warn("Settling message {} to {} failed: {}", entry.messageId(), entry.target(), failure.code(), e);
                    settle(entry, message, new Outcome.Retry(failure.code().name(), failure.getMessage()));
                    return;
                }
                if (!settled) {
                    claimLost(entry);
                    return;
                }
                metrics.delivered(message.messageType(), message.direction(),
                        Duration.between(message.acceptedAt(), now));
                log.info("Message {} {} ({})", message.messageId(), d.status(), entry.target());
            }
            case Outcome.Retry r -> {
                int failed = entry.attempts() + 1;
                Instant next = retry.backoff().nextAttempt(now, failed);
                if (failed >= retry.maxAttempts() || !next.isBefore(message.expiresAt())) {
                    String why = failed >= retry.maxAttempts() ? "attempts exhausted" : "message expires before the next attempt";
                    park(entry, message, GatewayErrorCode.RETRIES_EXHAUSTED.name(), why + "; last: " + r.code());
                } else {
                    if (!store.retryLater(entry, nodeId, next, r.code(), r.detail())) {
                        claimLost(entry);
                        return;
                    }
                    metrics.retried(kind() == OutboxKind.SEND ? entry.target() : "backend", r.code());
                    log.info("Message {} attempt {} failed ({}), next at {}", message.messageId(), failed, r.code(), next);
                }
            }
            case Outcome.Awaiting a -> {
                if (!store.awaitAnswer(entry, nodeId, a.until(), a.detail())) {
                    claimLost(entry);
                    return;
                }
                log.info("Message {} sent to {}, its receipt awaited until {}", message.messageId(), entry.target(), a.until());
            }
            case Outcome.Park p -> park(entry, message, p.code(), p.detail());
            case Outcome.Deferred d -> store.release(entry, nodeId, d.next());
        }
    }

    private void park(OutboxEntry entry, MessageRecord message, String code, String detail) {
        if (!store.park(entry, nodeId, code, detail)) {
            claimLost(entry);
            return;
        }
        audit.record(audited(entry, message, AuditAction.PARKED, AuditOutcome.FAILED).code(code, detail));
        metrics.parked(message.messageType(), message.direction(), code);
        log.warn("Message {} parked ({}): {}", message.messageId(), code, detail);
    }

    /** An audit entry of this worker about the message, for its partner when sending. */
    private AuditTrail.Entry audited(OutboxEntry entry, MessageRecord message, AuditAction action, AuditOutcome outcome) {
        return AuditTrail.Entry.of("node", channel(), action, outcome)
                .partner(kind() == OutboxKind.SEND ? entry.target() : null)
                .message(message.messageId(), message.messageType(), message.payloadSha256());
    }

    private static void claimLost(OutboxEntry entry) {
        // The lease lapsed during the attempt and the entry was claimed again: that claim's outcome stands.
        log.warn("Claim on outbox entry {} of message {} lapsed during the attempt; outcome dropped", entry.id(),
                entry.messageId());
    }

    /** How this worker retries, from the delivery settings. */
    public record RetryPolicy(int batchSize, Duration lease, int maxAttempts, Backoff backoff) {
    }
}
