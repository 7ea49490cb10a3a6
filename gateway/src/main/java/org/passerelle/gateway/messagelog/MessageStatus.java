package org.passerelle.gateway.messagelog;

/** Where a message stands; every change is kept in its status history. */
public enum MessageStatus {
    /** Taken in from our back-end or a partner, not yet validated. */
    RECEIVED,
    /** Schema, biometric and policy checks passed; stored durably. */
    VALIDATED,
    /** Signed and encrypted for the partner (outbound). */
    SIGNED,
    /** Sent to the partner node; awaiting its receipt (outbound). */
    SENT,
    /** The partner's signed receipt verified (outbound): the message is delivered to the partner node. */
    RECEIPT_VERIFIED,
    /** Handed to our back-end (inbound). */
    DELIVERED,
    /** One attempt failed; another will follow. */
    FAILED,
    /** Delivery gave up; an administrator may replay it. */
    PARKED,
    /** An administrator put a parked message back in the queue. */
    REPLAYED,
    /**
     * An administrator gave up on a parked message for good, with a reason, so that the later messages of its
     * conversation, held behind it, flow; it is never sent.
     */
    RELEASED
}
