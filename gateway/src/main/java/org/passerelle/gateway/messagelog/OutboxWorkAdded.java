package org.passerelle.gateway.messagelog;

/**
 * Published when an outbox entry is stored, and delivered to listeners once its transaction has committed: the worker
 * of that kind claims it at once instead of at its next poll.
 */
public record OutboxWorkAdded(OutboxKind kind, String target) {
}
