package org.passerelle.gateway.routes;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;

/**
 * Calls a route and gives back its answer, or throws the route's own exception (a
 * {@link org.passerelle.gateway.error.GatewayException} with its stable code stays that exception, never wrapped in
 * Camel's), so that a caller behaves as if it had called the service the route runs.
 */
public final class RouteCalls {

    private RouteCalls() {
    }

    /**
     * Sends {@code body} to {@code uri} with the exchange properties given (set by the node, never taken from the wire)
     * and returns the body the route ends with, as {@code type}.
     */
    public static <T> T request(ProducerTemplate producer, String uri, Object body, Map<String, Object> properties,
                                Class<T> type) {
        Exchange done = producer.send(uri, exchange -> {
            properties.forEach(exchange::setProperty);
            exchange.getIn().setBody(body);
        });
        Exception failure = done.getException();
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure != null) {
            throw new RuntimeCamelException(failure);
        }
        return done.getMessage().getBody(type);
    }
}
