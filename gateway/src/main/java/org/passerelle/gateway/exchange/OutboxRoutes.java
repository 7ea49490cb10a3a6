package org.passerelle.gateway.exchange;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.exchange.inbound.BackendDispatcher;
import org.passerelle.gateway.exchange.outbound.PartnerSender;
import org.springframework.stereotype.Component;

/**
 * The two delivery flows: due SEND entries to partner nodes, due DISPATCH entries to our back-end. Each poll
 * claims a batch (at most one entry per conversation and target, which keeps conversations in order) and
 * attempts the entries in parallel; every outcome is settled by the worker, so no exception leaves a route.
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
                .bean(sender, "claim")
                .split(body()).parallelProcessing().executorService(DeliveryConfiguration.EXECUTOR)
                    .bean(sender, "process")
                .end();

        from(timer("outbox-dispatch"))
                .routeId("outbox-dispatch")
                .routeConfigurationId("outbox-errors")
                .bean(dispatcher, "claim")
                .split(body()).parallelProcessing().executorService(DeliveryConfiguration.EXECUTOR)
                    .bean(dispatcher, "process")
                .end();
    }

    private String timer(String name) {
        return "timer:" + name + "?delay=" + delivery.pollInterval().toMillis() + "&period=" + delivery.pollInterval().toMillis();
    }
}
