package org.passerelle.gateway.messagelog;

import java.time.Instant;

/** A message's metadata as the log keeps it: everything but the envelope bytes. */
public record MessageRecord(
        String messageId,
        Direction direction,
        String messageType,
        String conversationId,
        String refToMessageId,
        String fromParty,
        String toParty,
        Instant createdAt,
        Instant expiresAt,
        Instant acceptedAt,
        String payloadSha256,
        long payloadSize,
        MessageStatus status,
        String statusReason,
        Instant receiptAt,
        boolean testIndicator) {
}
