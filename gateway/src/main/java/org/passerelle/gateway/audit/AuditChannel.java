package org.passerelle.gateway.audit;

/**
 * Through which way into the node (or which of its own jobs) an audited event came. The names are what the audit log
 * stores and hashes: an entry already written must verify, so a name never changes; new ones are only ever added.
 */
public enum AuditChannel {
    /** The REST API under {@code /api/}. */
    API,
    /** The submission queue on the back-end's message broker. */
    QUEUE,
    /** Drop folders on the node's file system. */
    FILE,
    /** Drop folders on an SFTP server. */
    SFTP,
    /** The web console for people under {@code /console}. */
    CONSOLE,
    /** The partner port: messages, receipts and faults from partner nodes. */
    INBOX,
    /** Sending to partner nodes. */
    DELIVERY,
    /** Handing inbound messages to the back-ends. */
    DISPATCH,
    /** The exchange of audit checkpoints with partners (witnessing). */
    EXCHANGE,
    /** The readmission and admission case workflows, their clocks and the biometric gallery. */
    CASEWORK,
    /** The equivalence ledger. */
    LEDGER,
    /** The audit log's own checks. */
    AUDIT,
    /** The erasure of payloads after their retention period. */
    RETENTION,
    /** Trust material: certificate expiry and revocation lists. */
    TRUST,
    /** Payload data keys and their key-encryption keys. */
    KEYS,
    /** The nodes of one party sharing a database. */
    CLUSTER,
    /** The node's own configuration, applied at start. */
    NODE
}
