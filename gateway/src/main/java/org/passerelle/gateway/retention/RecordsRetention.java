package org.passerelle.gateway.retention;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Erases the records themselves once {@code passerelle.retention.closed-case-records} has run: a closed case with its
 * history and every message of it (metadata, status history, receipts, outbox entries), one transaction per case with
 * its audit entry ({@code CASE_RECORD_ERASED}); then the messages that no case still held claims (searches, statements,
 * checkpoints), accepted as long ago, one transaction per message with its entry ({@code MESSAGE_RECORD_ERASED}, the
 * message's id, type and SHA-256). A message still owed to a partner or a back-end is never erased, nor is a message of
 * a case still held. Kept on purpose: the ledger's counted cases and the cap places, which the scheme's accountability
 * and the caps of a running phase rest on (case references, no personal data), and the audit log, pruned on its own
 * ({@code audit-log}, which outlives this by a year at least).
 */
@Component
class RecordsRetention {

    private static final Logger log = LoggerFactory.getLogger(RecordsRetention.class);

    private final List<ClosedCases> sources;
    private final MessageStore store;
    private final AuditTrail audit;
    private final RetentionProperties properties;
    private final TransactionTemplate transaction;
    private final Clock clock;

    RecordsRetention(List<ClosedCases> sources, MessageStore store, AuditTrail audit, RetentionProperties properties,
                     TransactionTemplate transaction, Clock clock) {
        this.sources = sources;
        this.store = store;
        this.audit = audit;
        this.properties = properties;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** The {@code records-retention} job ({@link RetentionConfiguration}): erases what is due, when retention is on. */
    void eraseIfEnabled() {
        if (properties.enabled()) {
            eraseDue();
        }
    }

    /** Erases the records due for erasure now: closed cases first, then the messages no case claims; how many of each. */
    int[] eraseDue() {
        Instant cutoff = clock.instant().minus(properties.closedCaseRecords());
        int cases = 0;
        for (ClosedCases source : sources) {
            for (ClosedCases.ClosedCase closed : source.recordsClosedBefore(cutoff, properties.batchSize())) {
                try {
                    if (Boolean.TRUE.equals(transaction.execute(tx -> eraseCase(source, closed)))) {
                        cases++;
                    }
                } catch (Postponed owed) {
                    log.info("The records of {} case {} wait: one of its messages is still owed", closed.kind(),
                            closed.caseReference());
                }
            }
        }
        int messages = 0;
        List<String> held = sources.stream().map(ClosedCases::holdsMessage).toList();
        for (String messageId : store.unclaimedBefore(cutoff, held, properties.batchSize())) {
            if (Boolean.TRUE.equals(transaction.execute(tx -> eraseMessage(messageId)))) {
                messages++;
            }
        }
        if (cases + messages > 0) {
            log.info("Erased the records of {} cases closed and {} other messages accepted before {}", cases, messages,
                    cutoff);
        }
        return new int[] {cases, messages};
    }

    private boolean eraseCase(ClosedCases source, ClosedCases.ClosedCase closed) {
        int erased = 0;
        for (String messageId : closed.messageIds()) {
            if (!store.forget(messageId) && store.find(messageId).isPresent()) {
                // Still owed to someone: the case waits for the next pass, whole.
                throw new Postponed();
            }
            erased++;
        }
        source.forget(closed);
        audit.record(AuditTrail.Entry.of("node", PayloadRetention.CHANNEL, AuditAction.CASE_RECORD_ERASED, AuditOutcome.OK)
                .partner(closed.partner()).caseReference(closed.caseReference())
                .resource(closed.kind().toLowerCase() + "-case")
                .detail(closed.kind() + " case closed " + closed.state() + " at " + closed.closedAt() + ": the case, its"
                        + " history and " + erased + " messages' records erased, kept "
                        + properties.closedCaseRecords().toDays() + " days"));
        return true;
    }

    private boolean eraseMessage(String messageId) {
        MessageRecord message = store.find(messageId).orElse(null);
        if (message == null || !store.forget(messageId)) {
            return false;
        }
        audit.record(AuditTrail.Entry.of("node", PayloadRetention.CHANNEL, AuditAction.MESSAGE_RECORD_ERASED,
                        AuditOutcome.OK)
                .partner(message.direction() == Direction.OUTBOUND ? message.toParty() : message.fromParty())
                .message(messageId, message.messageType(), message.payloadSha256())
                .resource("message")
                .detail("accepted " + message.acceptedAt() + ", in no case; kept "
                        + properties.closedCaseRecords().toDays() + " days"));
        return true;
    }

    /** A case one of whose messages is still owed: nothing of it is erased this time. */
    private static final class Postponed extends RuntimeException {
        Postponed() {
            super(null, null, false, false);
        }
    }
}
