package org.passerelle.gateway.casework.readmission;

import java.time.Instant;
import org.passerelle.gateway.messagelog.Direction;

/**
 * An event for one case: from a message ({@code direction} and {@code messageId} set), a receipt, a user action or
 * the clock.
 *
 * @param at         when it happened (the receipt time for {@link CaseEvent#RECEIPT})
 * @param arrivedAt  the person's arrival (requests only)
 * @param exceptional the partner marked the case exceptional (decisions only)
 */
record CaseCommand(String caseReference, String partner, CaseEvent event, Direction direction, String messageId,
                   String messageType, String conversationId, String actor, Instant at, Instant arrivedAt,
                   boolean exceptional) {

    static CaseCommand action(String caseReference, String partner, CaseEvent event, String actor, Instant at) {
        return new CaseCommand(caseReference, partner, event, null, null, null, null, actor, at, null, false);
    }

    boolean fromMessage() {
        return direction != null;
    }
}
