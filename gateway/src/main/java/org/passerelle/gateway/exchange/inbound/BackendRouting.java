package org.passerelle.gateway.exchange.inbound;

import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/** Asks the {@code backend-routing} route which back-end endpoints an inbound message goes to. */
@Component
@EnableConfigurationProperties(BackendProperties.class)
class BackendRouting {

    private final ProducerTemplate producer;

    BackendRouting(ProducerTemplate producer) {
        this.producer = producer;
    }

    /** The endpoint URIs, as configured (placeholders unresolved), for a message of this type from this partner. */
    @SuppressWarnings("unchecked")
    List<String> endpointsFor(String messageType, String fromParty) {
        return producer.requestBodyAndHeaders(BackendRoutes.ROUTING, null,
                Map.of(BackendDispatcher.MESSAGE_TYPE, messageType, BackendDispatcher.FROM, fromParty), List.class);
    }
}
