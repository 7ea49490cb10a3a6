package org.passerelle.gateway.exchange;

/**
 * A rule of the scheme checked at the node's edge before a message is accepted — at intake from our back-end
 * (before it leaves) and at the partner inbox (when it arrives). A rule refuses by throwing a
 * {@link org.passerelle.gateway.error.GatewayException} with its stable code; the refusal is audited by the
 * caller and nothing is stored.
 */
public interface MessageRule {

    void check(MessageContext message);
}
