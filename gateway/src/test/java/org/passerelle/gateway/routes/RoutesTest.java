package org.passerelle.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.timer.TimerEndpoint;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.audit.AuditProperties;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.outbound.IntakeRoutes;
import org.passerelle.gateway.node.TrustProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The node's route graph: every flow is a started route that names the shared error configuration, the job routes fire
 * at their configured intervals under the party's cluster lock, and the {@code routes} health component and the route
 * metrics show each route's state and exchanges.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutesTest {

    /** Every flow of a node, by route id. */
    static final List<String> FLOWS = List.of("intake", "outbox-send", "partner-send", "receipts", "partner-inbox",
            "outbox-dispatch", "backend-routing", "backend-dispatch", "admission-lapse", "ledger-weekly-statements", "trust-watch",
            "payload-retention", "readmission-deadlines", "audit-sealing", "audit-checkpoint", "gallery-work",
            "gallery-retention", "records-retention", "audit-retention");

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        // The audit backstop sealer is the job under test: it runs often here.
        r.add("passerelle.audit.sweep-interval", () -> "100ms");
    }

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    @Qualifier("routes")
    HealthIndicator routesHealth;

    @Autowired
    DeliveryProperties delivery;

    @Autowired
    AuditProperties audit;

    @Autowired
    TrustProperties trust;

    @Test
    @Order(1)
    void everyFlowIsAStartedRoute() {
        assertThat(camel.getRoutes()).extracting(Route::getRouteId).containsAll(FLOWS);
        for (String id : FLOWS) {
            assertThat(camel.getRouteController().getRouteStatus(id)).as(id).isEqualTo(ServiceStatus.Started);
        }
    }

    @Test
    @Order(1)
    void everyRouteNamesTheSharedErrorConfiguration() {
        assertThat(camel.getRoutes()).isNotEmpty().allSatisfy(route ->
                assertThat(route.getConfigurationId()).as(route.getRouteId()).isEqualTo(RouteErrors.ID));
    }

    @Test
    @Order(1)
    void timersTakeTheirIntervalsFromTheSettingsInSpringsDurationForm() {
        // 1h, 100ms and 5s as configured or defaulted (NodeTestSupport, this test, TrustProperties): parsed by Camel.
        assertThat(period("outbox-send")).isEqualTo(delivery.pollInterval().toMillis()).isEqualTo(3_600_000);
        assertThat(period("audit-sealing")).isEqualTo(audit.sweepInterval().toMillis()).isEqualTo(100);
        assertThat(period("audit-checkpoint")).isEqualTo(audit.checkpointInterval().toMillis());
        assertThat(period("trust-watch")).isEqualTo(trust.checkEvery().toMillis());
    }

    @Test
    @Order(1)
    void aJobRouteFiresUnderThePartysLockAndSkipsWhileAnotherNodeHoldsIt() {
        NotifyBuilder fired = new NotifyBuilder(camel).fromRoute("audit-sealing").whenCompleted(2).create();
        assertThat(fired.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(jdbc.sql("select locked_by from shedlock where name = 'audit-sealing'").query(String.class).single())
                .isEqualTo("GB-unit");

        // Another node of the party holds the job: the route keeps firing, and this node never takes the lock.
        jdbc.sql("""
                update shedlock set locked_by = 'GB-other', lock_until = :until
                where name = 'audit-sealing'""")
                .param("until", java.sql.Timestamp.from(java.time.Instant.now().plus(Duration.ofHours(1)))).update();
        NotifyBuilder skipped = new NotifyBuilder(camel).fromRoute("audit-sealing").whenCompleted(3).create();
        assertThat(skipped.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(jdbc.sql("select locked_by from shedlock where name = 'audit-sealing'").query(String.class).single())
                .isEqualTo("GB-other");
    }

    @Test
    @Order(1)
    void aRefusalComesBackToTheCallerWithItsCodeAndIsCountedAsRefused() throws Exception {
        AdviceWith.adviceWith(camel, "intake", route -> route.weaveAddLast().to("mock:accepted"));
        MockEndpoint accepted = camel.getEndpoint("mock:accepted", MockEndpoint.class);
        accepted.expectedMessageCount(0);
        NotifyBuilder refused = new NotifyBuilder(camel).fromRoute("intake").whenFailed(1).create();

        assertThatThrownBy(() -> RouteCalls.request(producer, IntakeRoutes.INTAKE,
                "<not-an-envelope/>".getBytes(StandardCharsets.UTF_8),
                Map.of(IntakeRoutes.ACTOR, "backend", IntakeRoutes.CHANNEL, "API"), String.class))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code().name()).startsWith("XML_"));

        assertThat(refused.matches(5, TimeUnit.SECONDS)).isTrue();
        accepted.assertIsSatisfied();
        assertThat(route("intake")).containsEntry("refused", 1L).containsEntry("failed", 0L)
                .containsEntry("state", "Started");
    }

    @Test
    @Order(2)
    void aFailingTimerRouteKeepsRunningAndHealthNamesIt() throws Exception {
        AdviceWith.adviceWith(camel, "audit-sealing", route -> route.weaveAddFirst()
                .throwException(new IllegalStateException("database away")));
        NotifyBuilder failedTwice = new NotifyBuilder(camel).fromRoute("audit-sealing").whenCompleted(2).create();

        // Handled by the shared configuration: the exchange completes, the timer fires again, the failure is counted.
        assertThat(failedTwice.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(camel.getRouteController().getRouteStatus("audit-sealing")).isEqualTo(ServiceStatus.Started);
        assertThat((Long) route("audit-sealing").get("failed")).isGreaterThanOrEqualTo(2);
        Health health = routesHealth.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails().get("failing")).isEqualTo(List.of("audit-sealing"));
    }

    @Test
    @Order(3)
    void healthListsEveryRouteAndIsDownWhileOneIsStopped() throws Exception {
        Health up = routesHealth.health();
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(routes(up)).containsKeys(FLOWS.toArray(String[]::new));
        assertThat(routes(up).get("partner-inbox")).containsOnlyKeys("state", "completed", "refused", "failed",
                "inflight", "last");

        camel.getRouteController().stopRoute("gallery-retention");
        try {
            Health down = routesHealth.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("stopped")).isEqualTo(List.of("gallery-retention"));
            assertThat(routes(down).get("gallery-retention")).containsEntry("state", "Stopped");
        } finally {
            camel.getRouteController().startRoute("gallery-retention");
        }
        assertThat(routesHealth.health().getStatus()).isEqualTo(Status.UP);
    }

    private long period(String routeId) {
        return ((TimerEndpoint) camel.getRoute(routeId).getEndpoint()).getPeriod();
    }

    private Map<String, Object> route(String id) {
        return routes(routesHealth.health()).get(id);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> routes(Health health) {
        return (Map<String, Map<String, Object>>) health.getDetails().get("routes");
    }
}
