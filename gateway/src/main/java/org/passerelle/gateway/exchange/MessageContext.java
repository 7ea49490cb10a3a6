package org.passerelle.gateway.exchange;

import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.gateway.messagelog.Direction;

/**
 * A message at the node's edge, as rules and observers see it: its direction, header facts, the parsed envelope
 * and who presented it (a back-end system or a partner party).
 */
public record MessageContext(Direction direction, EnvelopeFacts facts, Envelope envelope, String actor) {
}
