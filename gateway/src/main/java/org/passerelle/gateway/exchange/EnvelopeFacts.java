package org.passerelle.gateway.exchange;

import java.time.Duration;
import java.time.Instant;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.contracts.DecodedMessage;
import org.passerelle.contracts.common.v1.Header;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.NewMessage;

/** The header facts of a decoded envelope that routing, policy and the message log need. */
public record EnvelopeFacts(String messageId, String conversationId, String refToMessageId, String from, String to,
                            Instant createdAt, Instant expiresAt, String messageType, boolean testIndicator,
                            String sha256, long size) {

    public static EnvelopeFacts of(DecodedMessage decoded) {
        Header h = decoded.envelope().getHeader();
        return new EnvelopeFacts(h.getMessageId(), h.getConversationId(), h.getRefToMessageId(), h.getFrom(), h.getTo(),
                h.getCreatedAt().toInstant(), h.getExpiresAt().toInstant(), h.getMessageType().value(),
                h.isTestIndicator(), decoded.sha256Hex(), decoded.size());
    }

    public NewMessage toNewMessage(Direction direction) {
        return new NewMessage(messageId, direction, messageType, conversationId, refToMessageId, from, to, createdAt,
                expiresAt, sha256, size, testIndicator);
    }

    /**
     * The envelope's own times, as both edges hold them: not expired ({@code MESSAGE_EXPIRED}), and not created
     * further ahead of this node's clock than the allowed skew ({@code CREATED_IN_FUTURE}).
     */
    public void requireTimely(Instant now, Duration clockSkew) {
        if (!expiresAt.isAfter(now)) {
            throw new GatewayException(GatewayErrorCode.MESSAGE_EXPIRED, "The message expired at " + expiresAt);
        }
        if (createdAt.isAfter(now.plus(clockSkew))) {
            throw new GatewayException(GatewayErrorCode.CREATED_IN_FUTURE,
                    "The message was created at " + createdAt + ", more than " + clockSkew + " ahead of this node's clock");
        }
    }
}
