package org.passerelle.gateway.retention;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Erases the payloads of closed cases once the retention period has run: each erasure is one transaction with its
 * audit entry ({@code PAYLOAD_PURGED}, with the payload's SHA-256 and the case reference), so the log always says
 * which bytes were erased and why. A payload still owed to a partner or back-end is left alone.
 */
@Component
public class PayloadRetention {

    static final AuditChannel CHANNEL = AuditChannel.RETENTION;

    private static final Logger log = LoggerFactory.getLogger(PayloadRetention.class);

    private final List<ClosedCases> sources;
    private final MessageStore store;
    private final AuditTrail audit;
    private final RetentionProperties properties;
    private final TransactionTemplate transaction;
    private final Clock clock;

    PayloadRetention(List<ClosedCases> sources, MessageStore store, AuditTrail audit, RetentionProperties properties,
                     TransactionTemplate transaction, Clock clock) {
        this.sources = sources;
        this.store = store;
        this.audit = audit;
        this.properties = properties;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** The {@code payload-retention} job ({@link RetentionConfiguration}): erases what is due, when retention is on. */
    void purgeIfEnabled() {
        if (properties.enabled()) {
            purgeDue();
        }
    }

    /** Erases every payload due for erasure now; answers how many were erased. */
    public int purgeDue() {
        Instant cutoff = clock.instant().minus(properties.closedCasePayloads());
        int purged = 0;
        for (ClosedCases source : sources) {
            for (ClosedCases.ClosedCase closed : source.closedBefore(cutoff, properties.batchSize())) {
                for (String messageId : closed.messageIds()) {
                    if (purge(closed, messageId)) {
                        purged++;
                    }
                }
            }
        }
        if (purged > 0) {
            log.info("Erased {} payloads of cases closed before {}", purged, cutoff);
        }
        return purged + purgeSearches();
    }

    /** Erases the payloads of biometric search messages accepted longer ago than {@code search-payloads}. */
    int purgeSearches() {
        Instant cutoff = clock.instant().minus(properties.searchPayloads());
        int purged = 0;
        for (String messageId : store.searchPayloadsBefore(cutoff, properties.batchSize())) {
            if (Boolean.TRUE.equals(transaction.execute(tx -> {
                MessageRecord message = store.find(messageId).orElse(null);
                if (message == null || !store.purgePayload(messageId)) {
                    return false;
                }
                audit.record(AuditTrail.Entry.of("node", CHANNEL, AuditAction.PAYLOAD_PURGED, AuditOutcome.OK)
                        .partner(message.direction() == org.passerelle.gateway.messagelog.Direction.OUTBOUND
                                ? message.toParty() : message.fromParty())
                        .message(messageId, message.messageType(), message.payloadSha256())
                        .resource("biometric-search")
                        .detail("biometric search message accepted " + message.acceptedAt() + ", kept "
                                + properties.searchPayloads().toDays() + " days"));
                return true;
            }))) {
                purged++;
            }
        }
        if (purged > 0) {
            log.info("Erased {} payloads of biometric search messages accepted before {}", purged, cutoff);
        }
        return purged;
    }

    private boolean purge(ClosedCases.ClosedCase closed, String messageId) {
        return Boolean.TRUE.equals(transaction.execute(tx -> {
            MessageRecord message = store.find(messageId).orElse(null);
            if (message == null || !store.purgePayload(messageId)) {
                return false;
            }
            audit.record(AuditTrail.Entry.of("node", CHANNEL, AuditAction.PAYLOAD_PURGED, AuditOutcome.OK)
                    .partner(closed.partner())
                    .message(messageId, message.messageType(), message.payloadSha256())
                    .caseReference(closed.caseReference()).resource(closed.kind().toLowerCase() + "-case")
                    .detail(closed.kind() + " case closed " + closed.state() + " at " + closed.closedAt()));
            return true;
        }));
    }
}
