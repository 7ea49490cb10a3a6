package org.passerelle.gateway.policy;

import java.util.List;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageRule;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Test traffic ({@code testIndicator}) counts in no ledger, cap, gallery or quota, so it flows only with a partner
 * agreed for testing ({@code passerelle.partners.<PARTY>.test-traffic}): with any other, a message marked as a test is
 * refused ({@code TEST_TRAFFIC_NOT_ALLOWED}) both ways, before it can pass a limit it would not count against.
 */
@Component
@Order(50)
class TestTrafficRule implements MessageRule {

    private final PartnerRegistry partners;

    TestTrafficRule(PartnerRegistry partners) {
        this.partners = partners;
    }

    @Override
    public void check(MessageContext message) {
        if (!message.facts().testIndicator()) {
            return;
        }
        String partner = message.direction() == Direction.INBOUND ? message.facts().from() : message.facts().to();
        if (partners.find(partner).filter(p -> p.testTraffic()).isEmpty()) {
            throw new GatewayException(GatewayErrorCode.TEST_TRAFFIC_NOT_ALLOWED, "Test traffic is not agreed with "
                    + partner + ": a message marked as a test would count in no limit",
                    List.of("passerelle.partners." + partner + ".test-traffic is false"), null);
        }
    }
}
