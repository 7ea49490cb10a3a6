package org.passerelle.gateway.records;

import java.util.List;
import java.util.Set;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageRule;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.partner.Partner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Every message a back-end submits names the person or unit responsible for it (the header's {@code Operator}), so
 * that the log of disclosures ({@link DisclosureRecords}) can say who is responsible for each, as the Data Protection
 * Act 2018 (s.62) asks; refused {@code OPERATOR_REQUIRED} otherwise, when {@code passerelle.records.operator-required}
 * (the default). The node's own messages (actor {@code node}) name none. A partner's messages are taken with or without
 * one: what it says is recorded.
 */
@Component
@Order(40)
class OperatorRule implements MessageRule {

    static final String NODE = org.passerelle.gateway.exchange.outbound.IntakeService.NODE;
    private static final Set<String> NODE_TYPES = Set.of(Partner.AUDIT_CHECKPOINT, Partner.EQUIVALENCE_RECONCILIATION);

    private final RecordsProperties properties;

    OperatorRule(RecordsProperties properties) {
        this.properties = properties;
    }

    @Override
    public void check(MessageContext message) {
        if (!properties.operatorRequired() || message.direction() != Direction.OUTBOUND || NODE.equals(message.actor())
                || NODE_TYPES.contains(message.facts().messageType())) {
            return;
        }
        String operator = message.envelope().getHeader().getOperator();
        if (operator == null || operator.isBlank()) {
            throw new GatewayException(GatewayErrorCode.OPERATOR_REQUIRED, "The message names no Operator: the person"
                    + " or unit responsible for it, which the log of disclosures keeps",
                    List.of("/Envelope/Header/Operator is missing"), null);
        }
        var search = message.envelope().getBody().getBiometricSearchRequest();
        if (search != null && !operator.equals(search.getOperatorId())) {
            // One search, one responsible operator: the disclosure log and the partner must not read two.
            throw new GatewayException(GatewayErrorCode.OPERATOR_REQUIRED, "The header's Operator is not the search's"
                    + " OperatorId", List.of("/Envelope/Header/Operator differs from"
                    + " /Envelope/Body/BiometricSearchRequest/OperatorId"), null);
        }
    }
}
