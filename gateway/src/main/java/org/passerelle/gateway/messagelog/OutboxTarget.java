package org.passerelle.gateway.messagelog;

/** Where a newly accepted message must go: a partner (SEND) or a back-end endpoint (DISPATCH). */
public record OutboxTarget(OutboxKind kind, String target) {
}
