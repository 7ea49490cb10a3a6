package org.passerelle.gateway.audit;

import java.util.List;
import java.util.Map;
import org.passerelle.security.audit.Checkpoint;

/**
 * The partners that witness this node's audit checkpoints, as the checkpoints and the verification of the log need
 * them: send a checkpoint to be witnessed, ask each partner what it kept of this node's log, and read what this node
 * kept of a partner's. Owned here and implemented over the exchange ({@code audit.witness.Witnessing}), so the audit
 * log never depends on the message flows that carry the checkpoints.
 */
public interface Witnesses {

    /** The most copies one answer holds; the asking node pages on with {@code after}. */
    int COPIES_PAGE = 5_000;

    /** Sends the checkpoint to every partner that has no witness message of ours on its way; the message ids. */
    List<String> send(Checkpoint c);

    /** Asks every partner, over the partner port, for the copies of this node's checkpoints it kept, by partner. */
    Map<String, Copies> askPartners();

    /** The checkpoints of the party's log this node kept as a witness, after {@code afterSeq}, by seq, at most limit. */
    List<Checkpoint> kept(String party, long afterSeq, int limit);

    /**
     * What one partner kept of this node's log.
     *
     * @param checkpoints the copies, by seq (empty when none or when it could not be asked)
     * @param problem     why it could not be asked, or null
     */
    record Copies(List<Checkpoint> checkpoints, String problem) {
    }
}
