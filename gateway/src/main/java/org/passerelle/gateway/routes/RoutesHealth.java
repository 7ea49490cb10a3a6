package org.passerelle.gateway.routes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The route graph as health component {@code routes}: for each route id, its state, its exchanges completed, refused
 * and failed, those in flight, and how its last exchange ended. Every route carries a flow of the node and nothing stops
 * one in normal running, so any route not started makes the component DOWN (named in {@code stopped}). A route whose
 * last exchange failed is named in {@code failing} while the component stays UP: each flow retries on its own (the
 * outbox's back-off, a timer's next tick), and the partners, database and keys components say why it fails.
 */
@Component("routes")
class RoutesHealth implements HealthIndicator {

    private final CamelContext camel;
    private final RouteMetrics metrics;

    RoutesHealth(CamelContext camel, RouteMetrics metrics) {
        this.camel = camel;
        this.metrics = metrics;
    }

    @Override
    public Health health() {
        Map<String, Object> routes = new LinkedHashMap<>();
        List<String> stopped = new ArrayList<>();
        List<String> failing = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            ServiceStatus state = camel.getRouteController().getRouteStatus(id);
            if (state != ServiceStatus.Started) {
                stopped.add(id);
            }
            String last = metrics.lastOutcome(id);
            if ("failed".equals(last)) {
                failing.add(id);
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("state", state == null ? "Unknown" : state.name());
            detail.put("completed", metrics.count(id, "completed"));
            detail.put("refused", metrics.count(id, "refused"));
            detail.put("failed", metrics.count(id, "failed"));
            detail.put("inflight", metrics.inflight(id));
            detail.put("last", last == null ? "none" : last);
            routes.put(id, detail);
        }
        Health.Builder health = stopped.isEmpty() ? Health.up() : Health.down();
        return health.withDetail("stopped", stopped).withDetail("failing", failing).withDetail("routes", routes).build();
    }
}
