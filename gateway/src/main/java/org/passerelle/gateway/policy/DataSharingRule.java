package org.passerelle.gateway.policy;

import java.util.List;
import java.util.Set;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageRule;
import org.passerelle.gateway.messagelog.Direction;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Refuses a message that carries a category of data the data-sharing policy forbids between this node and the
 * partner in its direction: at intake before it leaves, at the inbox when it arrives. Every message type is walked,
 * and the refusal names each offending element by its path (never its value).
 */
@Component
@Order(100)
class DataSharingRule implements MessageRule {

    /** A fault carries at most 50 details; the first ones name the problem well enough. */
    private static final int MAX_DETAILS = 20;

    private final DataSharingPolicy policy;

    DataSharingRule(DataSharingPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void check(MessageContext message) {
        boolean inbound = message.direction() == Direction.INBOUND;
        String partner = inbound ? message.facts().from() : message.facts().to();
        if (policy.basis(partner).isEmpty() && !Partner.AUDIT_CHECKPOINT.equals(message.facts().messageType())) {
            // Fail-closed: a partner with no data-sharing entry exchanges nothing but the node's audit checkpoints.
            throw new GatewayException(GatewayErrorCode.DATA_SHARING_REFUSED, "No data-sharing basis is configured"
                    + " for partner " + partner + ": nothing is exchanged with it",
                    List.of("passerelle.data-sharing." + partner + ".basis is not set"), null);
        }
        Set<DataCategory> forbidden = policy.forbidden(partner, message.direction(), message.facts().messageType());
        List<DataFinder.Finding> findings = DataFinder.find(message.envelope(), "Envelope", forbidden);
        if (findings.isEmpty()) {
            return;
        }
        DataFinder.Finding first = findings.get(0);
        String flow = message.facts().from() + " to " + message.facts().to();
        throw new GatewayException(GatewayErrorCode.DATA_SHARING_REFUSED,
                "The data-sharing policy forbids " + first.category() + " from " + flow + ": " + first.path()
                        + (findings.size() > 1 ? " (and " + (findings.size() - 1) + " more)" : ""),
                findings.stream().limit(MAX_DETAILS).map(DataFinder.Finding::toString).toList(), null);
    }
}
