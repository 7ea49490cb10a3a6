package org.passerelle.gateway.routes;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.stereotype.Component;

/**
 * Counts every route's exchanges, by how they ended, as Micrometer meters tagged with the route id: the timer
 * {@code passerelle.route.exchanges} (tag {@code outcome}: {@code completed}; {@code refused}, a
 * {@link GatewayException} with a 4xx status, which the caller answers with its code; {@code failed}, any other
 * exception, including one the shared {@link RouteErrors} configuration handled on a timer route) and the gauge
 * {@code passerelle.route.exchanges.inflight}. The {@code routes} health component reads the same meters, so health and
 * metrics never disagree.
 */
@Component
public class RouteMetrics implements RoutePolicyFactory {

    static final String EXCHANGES = "passerelle.route.exchanges";
    static final String INFLIGHT = "passerelle.route.exchanges.inflight";
    /** Exchange property prefix: when the exchange entered a route (one per route: a route may call another). */
    private static final String ENTERED = "passerelleRouteEntered.";

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> inflight = new ConcurrentHashMap<>();
    private final Map<String, String> lastOutcome = new ConcurrentHashMap<>();

    RouteMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        AtomicInteger running = inflight.computeIfAbsent(routeId, id -> registry.gauge(INFLIGHT,
                Tags.of("route", id), new AtomicInteger()));
        return new RoutePolicySupport() {
            @Override
            public void onExchangeBegin(Route r, Exchange exchange) {
                running.incrementAndGet();
                exchange.setProperty(ENTERED + routeId, System.nanoTime());
            }

            @Override
            public void onExchangeDone(Route r, Exchange exchange) {
                running.decrementAndGet();
                String outcome = outcome(exchange);
                lastOutcome.put(routeId, outcome);
                Long started = exchange.removeProperty(ENTERED + routeId) instanceof Long l ? l : null;
                timer(routeId, outcome).record(System.nanoTime() - (started == null ? System.nanoTime() : started),
                        TimeUnit.NANOSECONDS);
            }
        };
    }

    /** The route's exchanges that ended with this outcome ({@code completed}, {@code refused}, {@code failed}). */
    long count(String routeId, String outcome) {
        Timer timer = registry.find(EXCHANGES).tag("route", routeId).tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    /** The route's exchanges under way now. */
    int inflight(String routeId) {
        AtomicInteger running = inflight.get(routeId);
        return running == null ? 0 : running.get();
    }

    /** How the route's last exchange ended, if it had one. */
    String lastOutcome(String routeId) {
        return lastOutcome.get(routeId);
    }

    private Timer timer(String routeId, String outcome) {
        return Timer.builder(EXCHANGES).description("Exchanges through a Camel route, by how they ended")
                .tag("route", routeId).tag("outcome", outcome).register(registry);
    }

    private static String outcome(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            return "completed";
        }
        return failure instanceof GatewayException refusal && refusal.status().is4xxClientError() ? "refused" : "failed";
    }
}
