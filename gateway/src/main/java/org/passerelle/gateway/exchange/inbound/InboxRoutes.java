package org.passerelle.gateway.exchange.inbound;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.stereotype.Component;

/**
 * The partner inbox as a route: the partner port ({@link ExchangeServer}) admits the partner at the TLS handshake and
 * again on the request, reads the body within its limits, and hands it to {@code direct:partner-inbox} with the
 * admitted partner as an exchange property. The route runs {@link InboxService}: decrypt, verify, validate, store
 * with the receipt and the DISPATCH entries in one transaction, and ends with the signed receipt as the body; a refusal
 * comes back as its {@link org.passerelle.gateway.error.GatewayException}, already audited, for the port to answer
 * with a fault.
 */
@Component
class InboxRoutes extends RouteBuilder {

    static final String INBOX = "direct:partner-inbox";
    /** Exchange property: the {@link Partner} the port admitted. */
    static final String PARTNER = "passerellePartner";

    private final InboxService inbox;

    InboxRoutes(InboxService inbox) {
        this.inbox = inbox;
    }

    @Override
    public void configure() {
        from(INBOX)
                .routeId("partner-inbox")
                .routeConfigurationId(RouteErrors.ID)
                .process(exchange -> exchange.getMessage().setBody(inbox.receive(
                        exchange.getProperty(PARTNER, Partner.class),
                        exchange.getMessage().getMandatoryBody(HandedOverBody.class))));
    }
}
