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
 * @param witnesses       for each witness (a partner) whose copies of checkpoints were given, what they showed
 */
public record ChainReport(long entries, long checkpoints, long lastSeq, Checkpoint lastCheckpoint,
                          long notCheckpointed, ChainBreak firstBreak, Map<String, Long> verifiedBy,
                          Map<String, Witness> witnesses) {

    /**
     * What one witness's copies of the node's checkpoints showed.
     *
     * @param given     how many copies it gave
     * @param rejected  how many of them do not carry the node's signature (not the node's checkpoints; ignored)
     * @param latestSeq the highest seq of a copy with the node's signature (0 when none)
     * @param agreedUpTo the highest seq at which the chain agrees with a copy (0 when none)
     */
    public record Witness(long given, long rejected, long latestSeq, long agreedUpTo) {
    }

    public ChainReport {
        verifiedBy = verifiedBy == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(verifiedBy));
        witnesses = witnesses == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(witnesses));
    }

    /** A report of a chain verified without witnesses. */
    public ChainReport(long entries, long checkpoints, long lastSeq, Checkpoint lastCheckpoint, long notCheckpointed,
                       ChainBreak firstBreak, Map<String, Long> verifiedBy) {
        this(entries, checkpoints, lastSeq, lastCheckpoint, notCheckpointed, firstBreak, verifiedBy, Map.of());
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
