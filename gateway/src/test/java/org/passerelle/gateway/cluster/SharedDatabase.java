package org.passerelle.gateway.cluster;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A migrated H2 database in a folder, and the cluster parts of a node on it, for tests of several nodes sharing one
 * database without starting them.
 */
public final class SharedDatabase {

    /** The delivery settings' defaults (a 2-minute lease). */
    static final DeliveryProperties DELIVERY = new DeliveryProperties(Duration.ofMillis(250), true, 20, Duration.ofMinutes(2),
            12, Duration.ofSeconds(1), Duration.ofMinutes(5), 2.0, 0.2, Duration.ofSeconds(5), Duration.ofSeconds(30),
            new DeliveryProperties.Circuit(50, 5, 10, Duration.ofSeconds(10)), new DeliveryProperties.Bulkhead(4));

    public final DataSource dataSource;
    public final JdbcClient jdbc;

    public SharedDatabase(Path dir) {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1",
                "sa", "");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration", "classpath:db/vendor/h2")
                .placeholders(Map.of("auditAppRole", "none")).load().migrate();
        this.dataSource = ds;
        this.jdbc = JdbcClient.create(ds);
    }

    public RateWindows rateWindows(Clock clock) {
        return new RateWindows(jdbc, clock, new DataSourceTransactionManager(dataSource));
    }

    SingletonJobs jobs(String nodeId) {
        return new SingletonJobs(dataSource, node(nodeId));
    }

    ClusterMembers member(String nodeId, Duration heartbeat, Duration staleAfter, AuditTrail audit) {
        return member(nodeId, heartbeat, staleAfter, audit, store());
    }

    ClusterMembers member(String nodeId, Duration heartbeat, Duration staleAfter, AuditTrail audit, MessageStore store) {
        return new ClusterMembers(jdbc, node(nodeId), new ClusterProperties(heartbeat, staleAfter), audit,
                new DataSourceTransactionManager(dataSource), DELIVERY, store, java.util.List.of(store, jobs(nodeId)));
    }

    /** A node's message store for claims (no payloads: no data keys). */
    MessageStore store() {
        return new MessageStore(jdbc, null, Clock.systemUTC());
    }

    private static NodeProperties node(String nodeId) {
        return new NodeProperties("GB", nodeId, Path.of("."), null, "changeit", null, java.util.List.of(),
                java.util.List.of(), java.util.List.of(), 9443, org.springframework.util.unit.DataSize.ofMegabytes(16),
                Duration.ofMinutes(5), Duration.ofMinutes(5), null);
    }
}
