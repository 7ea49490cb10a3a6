package org.passerelle.gateway.exchange.inbound;

import java.net.URI;
import java.util.List;
import org.springframework.stereotype.Component;

/** Which back-end endpoints an inbound message of a given type is dispatched to. */
@Component
class BackendRouting {

    private final BackendProperties properties;

    BackendRouting(BackendProperties properties) {
        this.properties = properties;
    }

    List<String> endpointsFor(String messageType) {
        List<URI> own = properties.endpoints().get(messageType);
        return (own == null || own.isEmpty() ? properties.defaultEndpoints() : own).stream().map(URI::toString).toList();
    }
}
