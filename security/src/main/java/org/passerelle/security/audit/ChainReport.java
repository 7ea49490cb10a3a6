package org.passerelle.security.audit;

/**
 * The outcome of verifying a chain.
 *
 * @param entries         how many entries were read
 * @param checkpoints     how many checkpoints were read
 * @param lastSeq         the sequence number of the last entry verified in order (0 when none)
 * @param lastCheckpoint  the checkpoint with the highest sequence number whose signature and head hash held, or null
 * @param notCheckpointed how many entries at the end follow the last valid checkpoint (fine, but not yet signed for)
 * @param firstBreak      the first break by position, or null when the chain holds
 */
public record ChainReport(long entries, long checkpoints, long lastSeq, Checkpoint lastCheckpoint,
                          long notCheckpointed, ChainBreak firstBreak) {

    public boolean ok() {
        return firstBreak == null;
    }
}
