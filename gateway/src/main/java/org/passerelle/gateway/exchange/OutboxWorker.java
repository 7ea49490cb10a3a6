package org.passerelle.gateway.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one kind of outbox entry: claims what is due, attempts each, and settles it — done, retried after
 * exponential back-off with jitter, or parked once attempts or the message's lifetime are spent. The same
 * guarantees hold for sending to partners and dispatching to back-ends.
 */
public abstract class OutboxWorker {

    private static final Logger log = LoggerFactory.getLogger(OutboxWorker.class);

    protected final MessageStore store;
    protected final AuditTrail audit;
    protected final ExchangeMetrics metrics;
    protected final Clock clock;
    private final RetryPolicy retry;
    private final String nodeId;

    protected OutboxWorker(MessageStore store, AuditTrail audit, ExchangeMetrics metrics, Clock clock,
                           RetryPolicy retry, String nodeId) {
        this.store = store;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.retry = retry;
        this.nodeId = nodeId;
    }

    protected abstract OutboxKind kind();

    /** The audit channel this worker records under. */
    protected abstract String channel();

    /** One attempt; returns its outcome rather than throwing for any failure with a defined outcome. */
    protected abstract Outcome attempt(OutboxEntry entry, MessageRecord message);

    /** Claims the due entries of this kind (the Camel route then processes each). */
    public List<OutboxEntry> claim() {
        return store.claimDue(kind(), nodeId, retry.batchSize(), retry.lease());
    }

    /** Attempts one claimed entry and settles it. */
    public void process(OutboxEntry entry) {
        try (var ignored = org.slf4j.MDC.putCloseable("messageId", entry.messageId())) {
            attemptAndSettle(entry);
        }
    }

    private void attemptAndSettle(OutboxEntry entry) {
        MessageRecord message = store.find(entry.messageId()).orElseThrow();
        Outcome outcome;
        try {
            outcome = attempt(entry, message);
        } catch (RuntimeException e) {
            GatewayException failure = Faults.from(e);
            log.warn("Attempt on message {} to {} failed: {}", entry.messageId(), entry.target(), failure.code(), e);
            outcome = new Outcome.Retry(failure.code(), failure.getMessage());
        }
        settle(entry, message, outcome);
    }

    private void settle(OutboxEntry entry, MessageRecord message, Outcome outcome) {
        Instant now = clock.instant();
        AuditTrail.Entry base = AuditTrail.Entry.of("node", channel(), "", "")
                .partner(kind() == OutboxKind.SEND ? entry.target() : null)
                .message(message.messageId(), message.messageType(), message.payloadSha256());
        switch (outcome) {
            case Outcome.Delivered d -> {
                if (!store.complete(entry, nodeId, d.status(), d.detail())) {
                    claimLost(entry);
                    return;
                }
                audit.record(withAction(base, d.status().name(), "OK", null, d.detail()));
                metrics.delivered(message.messageType(), message.direction(),
                        Duration.between(message.acceptedAt(), now));
                log.info("Message {} {} ({})", message.messageId(), d.status(), entry.target());
            }
            case Outcome.Retry r -> {
                int failed = entry.attempts() + 1;
                Instant next = retry.backoff().nextAttempt(now, failed);
                if (failed >= retry.maxAttempts() || !next.isBefore(message.expiresAt())) {
                    String why = failed >= retry.maxAttempts() ? "attempts exhausted" : "message expires before the next attempt";
                    park(entry, message, base, GatewayErrorCode.RETRIES_EXHAUSTED.name(), why + "; last: " + r.code());
                } else {
                    if (!store.retryLater(entry, nodeId, next, r.code(), r.detail())) {
                        claimLost(entry);
                        return;
                    }
                    metrics.retried(kind() == OutboxKind.SEND ? entry.target() : "backend", r.code());
                    log.info("Message {} attempt {} failed ({}), next at {}", message.messageId(), failed, r.code(), next);
                }
            }
            case Outcome.Park p -> park(entry, message, base, p.code(), p.detail());
            case Outcome.Deferred d -> store.release(entry, d.next());
        }
    }

    private void park(OutboxEntry entry, MessageRecord message, AuditTrail.Entry base, String code, String detail) {
        if (!store.park(entry, nodeId, code, detail)) {
            claimLost(entry);
            return;
        }
        audit.record(withAction(base, "PARKED", "FAILED", code, detail));
        metrics.parked(message.messageType(), message.direction(), code);
        log.warn("Message {} parked ({}): {}", message.messageId(), code, detail);
    }

    private static void claimLost(OutboxEntry entry) {
        // The lease lapsed during the attempt and the entry was claimed again: that claim's outcome stands.
        log.warn("Claim on outbox entry {} of message {} lapsed during the attempt; outcome dropped", entry.id(),
                entry.messageId());
    }

    private static AuditTrail.Entry withAction(AuditTrail.Entry e, String action, String outcome, String code, String detail) {
        return new AuditTrail.Entry(e.actor(), e.channel(), action, outcome, e.partner(), e.messageId(),
                e.messageType(), code, detail, e.payloadSha256(), e.role(), e.resource(), e.purpose(),
                e.caseReference());
    }

    /** How this worker retries, from the delivery settings. */
    public record RetryPolicy(int batchSize, Duration lease, int maxAttempts, Backoff backoff) {
    }
}
