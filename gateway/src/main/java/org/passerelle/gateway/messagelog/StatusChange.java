package org.passerelle.gateway.messagelog;

import java.time.Instant;

/** One entry of a message's status history: the status, the stable code that explains it (if any), a safe detail, when. */
public record StatusChange(MessageStatus status, String reason, String detail, Instant at) {
}
