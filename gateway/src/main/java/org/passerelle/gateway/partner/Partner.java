package org.passerelle.gateway.partner;

import java.net.URI;
import java.util.Set;

/** A partner node as the registry knows it: party code, address, what may flow each way, and limits. */
public record Partner(String party, URI baseUrl, Set<String> send, Set<String> receive, long maxBodyBytes, int ratePerMinute,
                      boolean testTraffic) {

    static final String ALL = "ALL";
    /**
     * The nodes' own message: each node's signed audit checkpoints, which its partners keep as witnesses. It flows
     * between every pair of partners whatever their type lists say; only the node itself may send one (the intake
     * rule in {@code audit.witness.Witnessing}).
     */
    public static final String AUDIT_CHECKPOINT = "AuditCheckpoint";
    /**
     * A node's answer to its partner's equivalence statement (the joint reconciliation), sent by the node itself. It
     * flows wherever statements flow the other way, and is kept by the nodes, never dispatched to a back-end.
     */
    public static final String EQUIVALENCE_RECONCILIATION = "EquivalenceReconciliation";
    static final String EQUIVALENCE_STATEMENT = "EquivalenceStatement";

    /** Whether this node may send a message of this type to the partner. */
    public boolean maySend(String messageType) {
        return send.contains(ALL) || send.contains(messageType) || AUDIT_CHECKPOINT.equals(messageType)
                || EQUIVALENCE_RECONCILIATION.equals(messageType) && mayReceive(EQUIVALENCE_STATEMENT);
    }

    /** Whether the partner may send a message of this type to this node. */
    public boolean mayReceive(String messageType) {
        return receive.contains(ALL) || receive.contains(messageType) || AUDIT_CHECKPOINT.equals(messageType)
                || EQUIVALENCE_RECONCILIATION.equals(messageType) && maySend(EQUIVALENCE_STATEMENT);
    }
}
