package org.passerelle.gateway.messagelog;

import java.time.Instant;

/** One unit of delivery work, claimed by one node at a time. */
public record OutboxEntry(long id, String messageId, OutboxKind kind, String target, String conversationId,
                          int attempts, Instant nextAttemptAt, Instant createdAt) {
}
