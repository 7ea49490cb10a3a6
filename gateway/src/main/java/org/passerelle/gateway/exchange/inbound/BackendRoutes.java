package org.passerelle.gateway.exchange.inbound;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.stereotype.Component;

/**
 * The dispatch to back-ends as a route: each attempt of an outbox DISPATCH entry is sent to the Camel endpoint URI the
 * entry names (chosen by {@link BackendRouting} when the message was accepted, and stored with it so that every
 * endpoint has its own retries and order). The route adds nothing of its own; an exception from the endpoint's
 * producer is left on the exchange for the dispatcher to settle as a retry.
 */
@Component
class BackendRoutes extends RouteBuilder {

    static final String DISPATCH = "direct:backend-dispatch";
    /** Exchange property, not a header: headers travel to the back-end (as HTTP or AMQP headers). */
    static final String TARGET = "passerelleTarget";

    private final DeliveryProperties delivery;

    BackendRoutes(DeliveryProperties delivery) {
        this.delivery = delivery;
    }

    @Override
    public void configure() {
        HttpComponent http = getContext().getComponent("http", HttpComponent.class);
        http.setConnectTimeout(delivery.connectTimeout().toMillis());
        http.setResponseTimeout(delivery.requestTimeout().toMillis());
        http.setSoTimeout(delivery.requestTimeout().toMillis());
        HttpComponent https = getContext().getComponent("https", HttpComponent.class);
        https.setConnectTimeout(delivery.connectTimeout().toMillis());
        https.setResponseTimeout(delivery.requestTimeout().toMillis());
        https.setSoTimeout(delivery.requestTimeout().toMillis());

        from(DISPATCH)
                .routeId("backend-dispatch")
                .routeConfigurationId(RouteErrors.ID)
                .toD("${exchangeProperty." + TARGET + "}");
    }
}
