package org.passerelle.gateway.routes;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;

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
     * While the node's routes are not running (the web server and the partner port take requests a moment before Camel
     * has started, and a moment after it has begun to stop) the call fails with {@code NODE_NOT_READY}: nothing was
     * taken, and the caller sends again later or to another node, rather than reading an internal error.
     */
    public static <T> T request(ProducerTemplate producer, String uri, Object body, Map<String, Object> properties,
                                Class<T> type) {
        if (!producer.getCamelContext().isStarted()) {
            throw notReady(null);
        }
        Exchange done = producer.send(uri, exchange -> {
            properties.forEach(exchange::setProperty);
            exchange.getIn().setBody(body);
        });
        Exception failure = done.getException();
        if (failure != null && !(failure instanceof GatewayException) && !producer.getCamelContext().isStarted()) {
            throw notReady(failure);
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure != null) {
            throw new RuntimeCamelException(failure);
        }
        return done.getMessage().getBody(type);
    }

    private static GatewayException notReady(Exception cause) {
        return new GatewayException(GatewayErrorCode.NODE_NOT_READY,
                "This node is starting or stopping; send again after a moment, or to another node", cause);
    }
}
