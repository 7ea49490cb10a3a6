package org.passerelle.gateway.messagelog;

import java.time.Instant;

/** The header facts of a message about to be stored, with the digest and size of its exact bytes. */
public record NewMessage(
        String messageId,
        Direction direction,
        String messageType,
        String conversationId,
        String refToMessageId,
        String fromParty,
        String toParty,
        Instant createdAt,
        Instant expiresAt,
        String payloadSha256,
        long payloadSize,
        boolean testIndicator) {
}
