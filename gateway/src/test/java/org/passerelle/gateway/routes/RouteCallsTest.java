package org.passerelle.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;

/**
 * A call into a route answers what the route ends with, its refusal as it is, and {@code NODE_NOT_READY} (never an
 * internal error) while the routes are not running: the web server and the partner port take requests a moment before
 * Camel has started and after it has begun to stop.
 */
class RouteCallsTest {

    private static final String ECHO = "direct:echo";

    @Test
    void answersWhatTheRouteEndsWithAndItsRefusalAsItIs() throws Exception {
        try (CamelContext camel = context()) {
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();

            assertThat(RouteCalls.request(producer, ECHO, "body", Map.of("who", "GB"), String.class)).isEqualTo("body GB");
            assertThatThrownBy(() -> RouteCalls.request(producer, ECHO, "refuse", Map.of("who", "GB"), String.class))
                    .isInstanceOfSatisfying(GatewayException.class, e ->
                            assertThat(e.is(GatewayErrorCode.MESSAGE_TYPE_NOT_ALLOWED)).isTrue());
        }
    }

    @Test
    void aNodeWhoseRoutesHaveNotStartedOrHaveStoppedAnswersNodeNotReady() throws Exception {
        try (CamelContext camel = context()) {
            ProducerTemplate producer = camel.createProducerTemplate();
            assertNotReady(producer);

            camel.start();
            assertThat(RouteCalls.request(producer, ECHO, "body", Map.of("who", "FR"), String.class)).isEqualTo("body FR");

            camel.stop();
            assertNotReady(producer);
        }
    }

    private static void assertNotReady(ProducerTemplate producer) {
        assertThatThrownBy(() -> RouteCalls.request(producer, ECHO, "body", Map.of("who", "GB"), String.class))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.is(GatewayErrorCode.NODE_NOT_READY)).isTrue();
                    assertThat(e.retryLater()).isTrue();
                    assertThat(e.nodeFailure()).isTrue();
                    assertThat(e.status().value()).isEqualTo(503);
                });
    }

    private static CamelContext context() throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(ECHO).process(exchange -> {
                    String body = exchange.getIn().getBody(String.class);
                    if ("refuse".equals(body)) {
                        throw new GatewayException(GatewayErrorCode.MESSAGE_TYPE_NOT_ALLOWED, "refused");
                    }
                    exchange.getMessage().setBody(body + " " + exchange.getProperty("who"));
                });
            }
        });
        return camel;
    }
}
