package org.passerelle.gateway.retention;

import java.time.Instant;
import java.util.List;

/** A kind of case that can say which of its cases closed before a time, and which messages belong to them. */
public interface ClosedCases {

    /**
     * Cases in a terminal state whose last change is before {@code cutoff} and some of whose messages still hold their
     * payload, at most {@code limit}: their payloads are due for erasure.
     */
    List<ClosedCase> closedBefore(Instant cutoff, int limit);

    /**
     * Cases in a terminal state whose last change is before {@code cutoff}, whatever is left of them, at most
     * {@code limit}: their records (the case, its history, its messages' metadata) are due for erasure.
     */
    List<ClosedCase> recordsClosedBefore(Instant cutoff, int limit);

    /** Erases the case's own rows (the case and its history); the caller erases its messages in the same transaction. */
    void forget(ClosedCase closed);

    /**
     * A SQL condition on the message {@code m} (a row of {@code message}): it belongs to a case of this kind that is
     * still held, so that it is erased with that case and never on its own.
     */
    String holdsMessage();

    /**
     * A closed case and the messages of its conversations.
     *
     * @param kind       e.g. READMISSION, ADMISSION
     * @param state      the terminal state it closed in
     * @param messageIds the messages exchanged about it (requests, replies, status updates)
     */
    record ClosedCase(String kind, String caseReference, String partner, String state, Instant closedAt,
                      List<String> messageIds) {
    }
}
