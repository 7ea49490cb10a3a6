package org.passerelle.gateway.node;

/**
 * Work a node holds in the shared database under its node id: outbox claims, gallery work claims, job locks. Each table's
 * owner says what its rows are and releases them when the cluster asks: at the node's own start (what its previous run
 * held), when it stops (if {@link #releasedAtStop()}), and when the other nodes take it for dead. The cluster's
 * membership writes no table but its own.
 */
public interface HeldWork {

    /** What is held, as the audit log and the log name it ({@code "outbox claims"}). */
    String what();

    /**
     * Whether a clean stop releases it. Outbox claims are kept: an attempt still in flight after the drain wait keeps its
     * claim until its lease lapses, so that no other node repeats it.
     */
    boolean releasedAtStop();

    /** Releases what {@code nodeId} holds; how many rows were released. */
    int releaseHeldBy(String nodeId);
}
