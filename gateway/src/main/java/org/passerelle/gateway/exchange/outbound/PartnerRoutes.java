package org.passerelle.gateway.exchange.outbound;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.stereotype.Component;

/**
 * Delivery to partners as routes. {@code partner-send} carries each attempt of an outbox SEND entry (claimed by the
 * {@code outbox-send} poll, on its partner's bulkhead): it signs, encrypts and posts the message, and hands the
 * partner's signed receipt to {@code receipts}, which verifies it. Both end with the attempt's outcome as the body, for
 * {@link PartnerSender} to settle; the message counts as delivered only once its receipt verified.
 */
@Component
class PartnerRoutes extends RouteBuilder {

    static final String SEND = "direct:partner-send";
    static final String RECEIPTS = "direct:receipts";

    private final PartnerSender sender;
    private final Receipts receipts;

    PartnerRoutes(PartnerSender sender, Receipts receipts) {
        this.sender = sender;
        this.receipts = receipts;
    }

    @Override
    public void configure() {
        from(SEND)
                .routeId("partner-send")
                .routeConfigurationId(RouteErrors.ID)
                .process(exchange -> exchange.getMessage().setBody(
                        sender.post(exchange.getMessage().getMandatoryBody(PartnerSender.Attempt.class))))
                .choice()
                    .when(body().isInstanceOf(PartnerSender.SignedReceipt.class)).to(RECEIPTS)
                .end();

        from(RECEIPTS)
                .routeId("receipts")
                .routeConfigurationId(RouteErrors.ID)
                .process(exchange -> exchange.getMessage().setBody(
                        receipts.verify(exchange.getMessage().getMandatoryBody(PartnerSender.SignedReceipt.class))));
    }
}
