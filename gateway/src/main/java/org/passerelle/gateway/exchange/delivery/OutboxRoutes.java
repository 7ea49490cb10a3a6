package org.passerelle.gateway.exchange.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.inbound.BackendDispatcher;
import org.passerelle.gateway.exchange.outbound.PartnerSender;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.stereotype.Component;

/**
 * The two outbox polls: due SEND entries to partner nodes (each attempt then goes through the {@code partner-send}
 * route), due DISPATCH entries to our back-ends (each attempt through {@code backend-dispatch}). Each poll claims, per
 * target, as many entries as the target's bulkhead has free slots (at most one entry per conversation and target,
 * which keeps conversations in order) and starts their attempts without waiting for them, so a target that never
 * answers cannot hold up the next poll; every attempt is settled by the worker. A poll that fails (the database is
 * unavailable, say) is handled by {@link RouteErrors}: the claims lapse after their lease and the entries are
 * attempted again, so nothing is lost.
 */
@Component
class OutboxRoutes extends RouteBuilder {

    private static final String POLL = "?delay={{passerelle.delivery.poll-interval:250ms}}"
            + "&period={{passerelle.delivery.poll-interval:250ms}}";

    private final PartnerSender sender;
    private final BackendDispatcher dispatcher;

    OutboxRoutes(PartnerSender sender, BackendDispatcher dispatcher) {
        this.sender = sender;
        this.dispatcher = dispatcher;
    }

    @Override
    public void configure() {
        from("timer:outbox-send" + POLL)
                .routeId("outbox-send")
                .routeConfigurationId(RouteErrors.ID)
                .process(exchange -> sender.poll());

        from("timer:outbox-dispatch" + POLL)
                .routeId("outbox-dispatch")
                .routeConfigurationId(RouteErrors.ID)
                .process(exchange -> dispatcher.poll());
    }
}
