package org.passerelle.gateway.routes;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.timer.TimerEndpoint;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.stereotype.Component;

/**
 * The error handling of every route, in one route configuration that each route names ({@link #ID}); a test fails
 * for any route that does not. Nothing is redelivered by Camel: the flows retry on their own terms (the outbox's
 * back-off, the next tick of a timer), so a failure is never repeated behind their back.
 *
 * <ul>
 *   <li>A refusal ({@link GatewayException}) goes back to the caller as it is: it was audited and counted where it was
 *       raised, and the caller answers with its code.</li>
 *   <li>Any other exception is logged with the route and the exception's class (never its message, which may quote a
 *       payload or a path). On a route a caller waits on ({@code direct:}), it goes back to the caller, which settles it
 *       (the outbox retries the attempt; the API answers {@code INTERNAL_ERROR}). On a timer route it is handled: the
 *       job runs again at the next tick (every job is safe to run again), the timer keeps running, and the failure is
 *       counted for the route ({@link RouteMetrics}).</li>
 * </ul>
 */
@Component
public class RouteErrors extends RouteConfigurationBuilder {

    /** The id every route names with {@code routeConfigurationId}. */
    public static final String ID = "passerelle-errors";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(GatewayException.class)
                    .handled(false)
                    .logExhausted(false)
                .end()
                .onException(Exception.class)
                    .handled(RouteErrors::fromTimer)
                    .logExhausted(false)
                    .log(LoggingLevel.WARN, "org.passerelle.gateway.routes",
                            "Route ${routeId} failed: ${exception.class.simpleName}")
                .end();
    }

    /** Whether the exchange was started by a timer, which has no caller to hand the failure to. */
    private static boolean fromTimer(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof TimerEndpoint;
    }
}
