package org.passerelle.gateway.exchange.outbound;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.Bulkheads;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.ExchangeMetrics;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Brings a partner's backlog forward when the partner answers again. Messages that failed because the partner could
 * not be reached wait out an exponential back-off (up to {@code max-backoff}, 5 minutes by default), long after the
 * partner is back. When the circuit's trial call succeeds (half-open to closed), or the partner answers a retried
 * message, or answers this node again after it could not be reached from it, the partner's pending messages waiting on a back-off after {@code PARTNER_UNAVAILABLE} are made due at once, in the
 * database, so that every node sharing it starts on them at its next poll; the bulkheads and the per-conversation
 * order of claims still hold. Audited once per recovery as {@code PARTNER_RECOVERED} with how many were brought
 * forward (nothing about the messages themselves).
 *
 * <p>While the circuit is open no message is claimed for the partner; when it turns half-open and none of the
 * partner's messages is due, the one due soonest is made due to serve as the trial call (see {@link #trialCall}).
 *
 * <p>Left waiting: parked messages (an administrator replays them), messages in flight, those held for a suspension or
 * a refused certificate (looked at again within a second anyway, and held again until that is lifted), and those that
 * failed for another reason — a partner that asked us to slow down ({@code RATE_LIMITED}) keeps its back-off.
 */
@Component
public class PartnerRecovery {

    /** The failures a partner's answering again cures. */
    static final List<String> CURED = List.of(GatewayErrorCode.PARTNER_UNAVAILABLE.name());

    private static final Logger log = LoggerFactory.getLogger(PartnerRecovery.class);

    private final MessageStore store;
    private final AuditTrail audit;
    private final ExchangeMetrics metrics;
    private final Clock clock;
    private final ExecutorService executor;
    private final Duration quiet;
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> lastLook = new ConcurrentHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

    PartnerRecovery(PartnerClients clients, MessageStore store, AuditTrail audit, ExchangeMetrics metrics, Clock clock,
                    DeliveryProperties delivery, @Qualifier(Bulkheads.EXECUTOR) ExecutorService executor) {
        this.store = store;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = executor;
        // Successful retries come one after another while a backlog drains: look for waiting entries at most this often.
        this.quiet = delivery.pollInterval().multipliedBy(4);
        clients.circuits().getEventPublisher().onEntryAdded(added -> watch(added.getAddedEntry()));
        clients.circuits().getAllCircuitBreakers().forEach(this::watch);
    }

    private void watch(CircuitBreaker circuit) {
        if (!watched.add(circuit.getName())) {
            return;
        }
        circuit.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition()) {
                case HALF_OPEN_TO_CLOSED -> later(circuit.getName(), "its circuit closed after a successful trial call");
                case OPEN_TO_HALF_OPEN -> offThread(() -> trialCall(circuit.getName()));
                default -> {
                }
            }
        });
    }

    /** An attempt could not reach the partner, or it failed (5xx, 429): remembered until it answers again. */
    void unreachable(String party) {
        unreachable.add(party);
    }

    /**
     * The partner answered an attempt: when it had not answered this node's last attempts, or the message had been
     * tried before (perhaps by another node), what waits out a back-off for the partner need not.
     */
    void answered(String party, boolean retried) {
        boolean wasUnreachable = unreachable.remove(party);
        if (!wasUnreachable && !retried) {
            return;
        }
        Instant now = clock.instant();
        Instant last = lastLook.get(party);
        if (!wasUnreachable && last != null && now.isBefore(last.plus(quiet))) {
            return;
        }
        later(party, wasUnreachable ? "it answers again after failed attempts" : "a retried message was answered");
    }

    /** Off the calling thread: the circuit's event comes on an attempt's thread, inside the breaker's bookkeeping. */
    private void later(String party, String why) {
        lastLook.put(party, clock.instant());
        offThread(() -> bringForward(party, why));
    }

    private void offThread(Runnable work) {
        try {
            executor.execute(work);
        } catch (RejectedExecutionException e) {
            log.debug("Not bringing a backlog forward: delivery is stopping");
        }
    }

    /**
     * The circuit lets a trial call through, but a trial needs a message: when none of the partner's is due (all wait
     * out their back-off), the one due soonest is made due now. Without it the circuit would wait half-open, and the
     * partner's backlog its back-off, until the first of them came due by itself, minutes after the partner was back.
     */
    void trialCall(String party) {
        try {
            if (store.bringForwardOne(OutboxKind.SEND, party, CURED)) {
                log.debug("One waiting message for {} made due for the circuit's trial call", party);
            }
        } catch (RuntimeException e) {
            log.warn("Making a message due for {}'s trial call failed: {}", party, e.getClass().getSimpleName());
        }
    }

    /** Makes the partner's waiting entries due now; the count brought forward (0 when none waited). */
    int bringForward(String party, String why) {
        try {
            int count = store.bringForward(OutboxKind.SEND, party, CURED);
            if (count > 0) {
                metrics.broughtForward(party, count);
                audit.record(AuditTrail.Entry.of("node",
                        AuditChannel.DELIVERY, AuditAction.PARTNER_RECOVERED, AuditOutcome.OK).partner(party)
                        .detail(count + " waiting messages brought forward: " + why));
                log.info("{} answers again ({}): {} waiting messages brought forward", party, why, count);
            }
            return count;
        } catch (RuntimeException e) {
            // The entries keep their back-off and are delivered when it ends: later, not lost.
            log.warn("Bringing {}'s waiting messages forward failed: {}", party, e.getClass().getSimpleName(), e);
            return 0;
        }
    }
}
