package org.passerelle.gateway.messagelog;

/** The two kinds of work the outbox holds: sending to a partner node, dispatching to one of our back-ends. */
public enum OutboxKind { SEND, DISPATCH }
