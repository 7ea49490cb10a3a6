package org.passerelle.gateway.partner;

import java.net.URI;
import java.util.Set;

/**
 * A partner as the registry knows it: party code, how messages travel to it and its address there (an exchange base
 * URL, a mail address), what may flow each way, and limits.
 *
 * @param baseUrl     the partner node's exchange base URL; null for a partner without one (mail only)
 * @param mailAddress the partner's mailbox for {@link Transport#SMIME_MAIL}; null otherwise
 */
public record Partner(String party, URI baseUrl, Set<String> send, Set<String> receive, long maxBodyBytes, int ratePerMinute,
                      boolean testTraffic, Transport transport, String mailAddress) {

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

    /** Where the partner is reached, for operators: its exchange URL, else its mailbox. */
    public String address() {
        return baseUrl != null ? baseUrl.toString() : mailAddress != null ? "mailto:" + mailAddress : transport.name();
    }

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
