package org.passerelle.security.audit;

/**
 * Where and how a chain stops being the chain that was sealed.
 *
 * @param seq    the position of the break: the sequence number of the first entry found wrong (for {@link Kind#DELETED}
 *               the first missing one, for {@link Kind#TRUNCATED} the first one missing at the end)
 * @param kind   what was found
 * @param detail a sentence for an auditor; names sequence numbers and hashes only, never an entry's content
 */
public record ChainBreak(long seq, Kind kind, String detail) {

    /** What kind of break. */
    public enum Kind {
        /** The entry's content (or one of its hash fields) was changed. */
        ALTERED,
        /** One or more entries are missing before this position. */
        DELETED,
        /** An entry that was never sealed into the chain: an extra sequence number or a duplicate. */
        INSERTED,
        /** Entries are out of order: this one's predecessor comes after it. */
        REORDERED,
        /** A checkpoint's signature is not the node's. */
        CHECKPOINT_FORGED,
        /**
         * A checkpoint names a signing certificate that is none of those given, so its signature cannot be checked:
         * after a key rollover, an earlier certificate was left out (or the name was altered; either way, not OK).
         */
        CHECKPOINT_SIGNER_UNKNOWN,
        /** A checkpoint's head hash differs from the entry at its sequence number. */
        CHECKPOINT_MISMATCH,
        /** A checkpoint proves entries existed beyond the chain's end. */
        TRUNCATED,
        /**
         * A checkpoint a partner witnessed (signed by the node, kept outside it) names another hash or Merkle root than
         * the chain has at its seq: the chain was rewritten after the partner witnessed it, between the last witnessed
         * checkpoint that still agrees and this one (the break's seq is the first entry that may differ).
         */
        WITNESS_MISMATCH
    }
}
