package org.passerelle.gateway.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long payloads are kept ({@code passerelle.retention}).
 *
 * @param enabled               whether the node purges at all
 * @param closedCasePayloads    how long after a case closes the payloads of its messages are erased; metadata,
 *                              status history, receipts and the audit log are kept
 * @param checkInterval         how often the node looks for payloads due for erasure
 * @param batchSize             how many closed cases (and search messages) one pass handles at most
 * @param searchPayloads        how long after acceptance the payloads of biometric search requests and responses
 *                              (fingerprints, Eurodac hits) are erased, whether or not this node holds their case:
 *                              a liaison search is often made for a case another system keeps
 * @param closedCaseRecords     how long after a case closes the case itself, its history and its messages' metadata,
 *                              status history and receipts are erased; messages in no case (searches, statements,
 *                              checkpoints) are erased as long after they were accepted; at least as long as
 *                              {@code closedCasePayloads}
 * @param auditLog              how long audit entries are kept before the start of the chain is pruned (a signed
 *                              checkpoint and the Merkle frontier kept with it let the chain verify on): the longest of
 *                              the periods above and the gallery's ({@code passerelle.gallery.retention}) plus a year
 *                              at least, so that the log outlives what it speaks of; the
 *                              node refuses to start with less, and the database refuses to delete any entry younger
 *                              than a year whatever is set
 */
@ConfigurationProperties("passerelle.retention")
public record RetentionProperties(@DefaultValue("true") boolean enabled,
                                  @DefaultValue("180d") Duration closedCasePayloads,
                                  @DefaultValue("1h") Duration checkInterval,
                                  @DefaultValue("200") int batchSize,
                                  @DefaultValue("90d") Duration searchPayloads,
                                  @DefaultValue("730d") Duration closedCaseRecords,
                                  @DefaultValue("2191d") Duration auditLog) {

    /** A year: what the audit log outlives the data it speaks of by, at least. */
    static final Duration AUDIT_MARGIN = Duration.ofDays(365);

    public RetentionProperties {
        if (closedCaseRecords.compareTo(closedCasePayloads) < 0 || closedCaseRecords.compareTo(searchPayloads) < 0) {
            throw new IllegalArgumentException("passerelle.retention.closed-case-records ("
                    + closedCaseRecords.toDays() + " days) must be at least closed-case-payloads and search-payloads:"
                    + " the records outlive the payloads they describe");
        }
        Duration longest = closedCaseRecords;
        if (auditLog.compareTo(longest.plus(AUDIT_MARGIN)) < 0) {
            throw new IllegalArgumentException("passerelle.retention.audit-log (" + auditLog.toDays() + " days) must be"
                    + " at least the longest retention period plus a year: " + longest.plus(AUDIT_MARGIN).toDays()
                    + " days");
        }
    }
}
