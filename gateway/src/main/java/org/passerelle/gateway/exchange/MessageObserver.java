package org.passerelle.gateway.exchange;

import java.time.Instant;

/**
 * Told of what happens to messages, so that casework and the ledger follow the exchange. {@link #accepted} runs in
 * the transaction that stores the message: if it throws, the message is not accepted.
 */
public interface MessageObserver {

    /** A message was accepted (stored) in either direction. */
    default void accepted(MessageContext message) {
    }

    /**
     * The partner's signed receipt for one of our messages was verified; {@code receivedAt} is the time the partner
     * states it received the message (legal clocks start there).
     */
    default void receiptVerified(String messageId, Instant receivedAt) {
    }
}
