package org.passerelle.gateway.exchange.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.inbound.BackendDispatcher;
import org.passerelle.gateway.exchange.outbound.PartnerSender;
import org.springframework.stereotype.Component;

/**
 * The two delivery flows: due SEND entries to partner nodes, due DISPATCH entries to our back-end. Each poll claims,
 * per target, as many entries as the target's bulkhead has free slots (at most one entry per conversation and target,
 * which keeps conversations in order) and starts their attempts without waiting for them, so a target that never
 * answers cannot hold up the next poll; every outcome is settled by the worker, so no exception leaves a route.
 */
@Component
class OutboxRoutes extends RouteBuilder {

    private final PartnerSender sender;
    private final BackendDispatcher dispatcher;
    private final DeliveryProperties delivery;

    OutboxRoutes(PartnerSender sender, BackendDispatcher dispatcher, DeliveryProperties delivery) {
        this.sender = sender;
        this.dispatcher = dispatcher;
        this.delivery = delivery;
    }

    @Override
    public void configure() {
        from(timer("outbox-send"))
                .routeId("outbox-send")
                .routeConfigurationId("outbox-errors")
                .bean(sender, "poll");

        from(timer("outbox-dispatch"))
                .routeId("outbox-dispatch")
                .routeConfigurationId("outbox-errors")
                .bean(dispatcher, "poll");
    }

    private String timer(String name) {
        return "timer:" + name + "?delay=" + delivery.pollInterval().toMillis() + "&period=" + delivery.pollInterval().toMillis();
    }
}
