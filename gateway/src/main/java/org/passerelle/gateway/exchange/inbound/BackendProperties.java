package org.passerelle.gateway.exchange.inbound;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where inbound business messages go ({@code passerelle.backend}): the envelope XML is POSTed to each endpoint
 * configured for its type, or to the default endpoints when the type has none.
 *
 * @param endpoints        message type (e.g. {@code ReadmissionDecision}) → endpoint URLs
 * @param defaultEndpoints endpoints for every type without its own
 */
@ConfigurationProperties("passerelle.backend")
public record BackendProperties(@DefaultValue Map<String, List<URI>> endpoints, @DefaultValue List<URI> defaultEndpoints) {
}
