package org.passerelle.gateway.retention;

import java.time.Instant;
import java.util.List;

/** A kind of case that can say which of its cases closed before a time, and which messages belong to them. */
public interface ClosedCases {

    /** Cases in a terminal state whose last change is before {@code cutoff}, at most {@code limit}. */
    List<ClosedCase> closedBefore(Instant cutoff, int limit);

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
