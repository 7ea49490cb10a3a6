package org.passerelle.gateway.audit;

/**
 * How an audited event ended. The names are what the audit log stores and hashes: an entry already written must
 * verify, so a name never changes; new ones are only ever added.
 */
public enum AuditOutcome {
    /** An event of the node's own work that went as it should. */
    OK,
    /** A person or system was allowed to do or see what they asked for. */
    GRANTED,
    /** A request waits for a second person's decision (a role grant that needs another administrator). */
    PENDING,
    /** A request, message or person was refused; the entry carries the code. */
    REFUSED,
    /** The node's own work failed (a message parked, a job that could not finish). */
    FAILED,
    /** Something an operator must look at (a ledger breach or discrepancy). */
    ALERT,
    /** Something an operator should look at soon (trust material about to expire). */
    WARNING
}
