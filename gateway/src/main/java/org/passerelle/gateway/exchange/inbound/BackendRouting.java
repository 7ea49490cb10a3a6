package org.passerelle.gateway.exchange.inbound;

import java.net.URI;
import java.util.List;
import org.passerelle.gateway.partner.Partner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/** Which back-end endpoints an inbound message of a given type is dispatched to. */
@Component
@EnableConfigurationProperties(BackendProperties.class)
class BackendRouting {

    private final BackendProperties properties;

    BackendRouting(BackendProperties properties) {
        this.properties = properties;
    }

    List<String> endpointsFor(String messageType) {
        if (Partner.AUDIT_CHECKPOINT.equals(messageType)) {
            // Kept by the node as a witness of the partner's audit log; no back-end system takes part.
            return List.of();
        }
        List<URI> own = properties.endpoints().get(messageType);
        return (own == null || own.isEmpty() ? properties.defaultEndpoints() : own).stream().map(URI::toString).toList();
    }
}
