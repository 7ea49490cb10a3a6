package org.passerelle.gateway.audit;

import java.time.Instant;

/** One recorded event at the node's edge; carries the payload's SHA-256 at most, never the payload. */
public record AuditEvent(long id, Instant at, String actor, String channel, String action, String outcome,
                         String partner, String messageId, String messageType, String code, String detail,
                         String payloadSha256, String role, String resource, String purpose,
                         String caseReference, long seq) {
}
