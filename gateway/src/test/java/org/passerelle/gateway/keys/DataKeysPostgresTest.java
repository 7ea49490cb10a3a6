package org.passerelle.gateway.keys;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@link SharedDatabaseKeys} on PostgreSQL, set up the production way: Flyway migrates as the schema owner and the
 * simulated nodes connect as the runtime role (so the grants on {@code payload_data_key} are tested too). Skipped
 * without a server ({@code -Dpasserelle.test.postgres.url}, {@code .user} as for {@code DatabaseRolesTest}).
 */
class DataKeysPostgresTest extends SharedDatabaseKeys {

    private static final String URL = System.getProperty("passerelle.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String ADMIN = System.getProperty("passerelle.test.postgres.user", "postgres");
    private static final String SCHEMA = "g" + Long.toHexString(System.nanoTime()) + "_keys";
    private static final String OWNER = SCHEMA + "_owner";
    private static final String RUNTIME = SCHEMA + "_node";
    private static boolean created;
    private static JdbcClient jdbc;

    @BeforeAll
    static void migrate() {
        try (Connection c = DriverManager.getConnection(URL, ADMIN, ""); Statement s = c.createStatement()) {
            s.execute("create role " + OWNER + " login");
            s.execute("create role " + RUNTIME + " login");
            created = true;
            s.execute("create schema " + SCHEMA + " authorization " + OWNER);
        } catch (SQLException e) {
            assumeTrue(false, "no PostgreSQL server to test with: " + e.getMessage());
        }
        Flyway.configure().dataSource(URL, OWNER, "").schemas(SCHEMA).defaultSchema(SCHEMA)
                .locations("classpath:db/migration", "classpath:db/vendor/postgresql")
                .placeholders(Map.of("auditAppRole", RUNTIME)).load().migrate();
        jdbc = JdbcClient.create(new DriverManagerDataSource(URL + "?currentSchema=" + SCHEMA, RUNTIME, ""));
    }

    @AfterAll
    static void drop() throws SQLException {
        if (!created) {
            return;
        }
        try (Connection c = DriverManager.getConnection(URL, ADMIN, ""); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + SCHEMA + " cascade");
            s.execute("drop owned by " + OWNER + ", " + RUNTIME);
            s.execute("drop role " + RUNTIME);
            s.execute("drop role " + OWNER);
        }
    }

    @Override
    JdbcClient database() {
        return jdbc;
    }
}
