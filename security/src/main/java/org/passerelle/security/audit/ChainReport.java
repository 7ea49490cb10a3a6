package org.passerelle.security.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of verifying a chain.
 *
 * @param entries         how many entries were read
 * @param checkpoints     how many checkpoints were read
 * @param lastSeq         the sequence number of the last entry verified in order (0 when none)
 * @param lastCheckpoint  the checkpoint with the highest sequence number whose signature and head hash held, or null
 * @param notCheckpointed how many entries at the end follow the last valid checkpoint (fine, but not yet signed for)
 * @param firstBreak      the first break by position, or null when the chain holds
 * @param verifiedBy      for each certificate (lowercase hex SHA-256) that verified at least one checkpoint's
 *                        signature, how many it verified, in the order the certificates were given
 */
public record ChainReport(long entries, long checkpoints, long lastSeq, Checkpoint lastCheckpoint,
                          long notCheckpointed, ChainBreak firstBreak, Map<String, Long> verifiedBy) {

    public ChainReport {
        verifiedBy = verifiedBy == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(verifiedBy));
    }

    /** A report that does not say which certificates verified the checkpoints. */
    public ChainReport(long entries, long checkpoints, long lastSeq, Checkpoint lastCheckpoint, long notCheckpointed,
                       ChainBreak firstBreak) {
        this(entries, checkpoints, lastSeq, lastCheckpoint, notCheckpointed, firstBreak, Map.of());
    }

    public boolean ok() {
        return firstBreak == null;
    }

    /**
     * Whether the chain holds and a valid checkpoint vouches for it: a chain (or an export) without one may have been
     * rewritten whole by whoever held it, so it is unverified rather than verified.
     */
    public boolean verified() {
        return ok() && lastCheckpoint != null;
    }
}
