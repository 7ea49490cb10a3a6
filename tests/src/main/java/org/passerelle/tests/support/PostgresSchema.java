package org.passerelle.tests.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's own schema in the PostgreSQL test server, set up the production way: a schema owner that Flyway migrates
 * with and a runtime role the node connects as, both created for this node alone (roles are cluster-wide, so their
 * names carry the schema's, which is unique) and dropped with the schema by {@link #drop()}, or when the test JVM ends
 * for any not dropped by then.
 *
 * @param url     the server's JDBC URL, without the schema
 * @param admin   the superuser that creates and drops the schema and roles (it is also who "tampers" in tests)
 * @param schema  the node's schema, owned by {@code owner}
 * @param owner   the schema owner: Flyway's user
 * @param runtime the node's datasource user, granted what it needs by the migrations and owning nothing
 */
public record PostgresSchema(String url, String admin, String schema, String owner, String runtime) {

    private static final Set<PostgresSchema> UNDROPPED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> UNDROPPED.forEach(PostgresSchema::dropQuietly)));
    }

    /**
     * A fresh schema and its two roles in the server at {@code passerelle.test.postgres.url} (default
     * {@code jdbc:postgresql://127.0.0.1:5432/test}), created by {@code passerelle.test.postgres.user} (default
     * {@code postgres}); null when the nodes run on H2 (the system property {@code passerelle.test.database} is not
     * {@code postgres}).
     */
    static PostgresSchema forNode(String party, Path dir) {
        if (!"postgres".equals(System.getProperty("passerelle.test.database"))) {
            return null;
        }
        return create(party + "_" + dir.getFileName());
    }

    /**
     * A fresh schema and its two roles, named after {@code label} and made unique, in the server at
     * {@code passerelle.test.postgres.url} as {@code passerelle.test.postgres.user} (defaults as above).
     */
    public static PostgresSchema create(String label) {
        String name = ("t" + Long.toHexString(System.nanoTime()) + "_" + label).toLowerCase().replaceAll("[^a-z0-9_]", "_");
        // PostgreSQL cuts names at 63 bytes: room for the roles' suffixes.
        name = name.substring(0, Math.min(name.length(), 50));
        PostgresSchema db = new PostgresSchema(
                System.getProperty("passerelle.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                System.getProperty("passerelle.test.postgres.user", "postgres"), name, name + "_owner", name + "_node");
        db.create();
        return db;
    }

    /** The node's database settings: the runtime role for the node, the owner for Flyway, grants to the runtime role. */
    public Map<String, Object> settings() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", withSchema());
        p.put("spring.datasource.username", runtime);
        p.put("spring.datasource.password", "");
        p.put("spring.flyway.user", owner);
        p.put("spring.flyway.password", "");
        p.put("spring.flyway.schemas", schema);
        p.put("spring.flyway.default-schema", schema);
        p.put("spring.flyway.placeholders.auditAppRole", runtime);
        return p;
    }

    /** A connection to the node's schema as {@code role} (admin, owner or runtime; the server trusts local users). */
    public Connection connect(String role) throws SQLException {
        return DriverManager.getConnection(withSchema(), role, "");
    }

    /** Drops the schema with everything in it, then both roles. */
    public void drop() {
        try (Connection c = DriverManager.getConnection(url, admin, ""); Statement s = c.createStatement()) {
            // A node still holding a lock would make this wait for ever.
            s.execute("set lock_timeout = '30s'");
            s.execute("drop schema if exists " + schema + " cascade");
            s.execute("drop owned by " + owner + ", " + runtime);
            s.execute("drop role " + runtime);
            s.execute("drop role " + owner);
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema + " and its roles", e);
        }
        UNDROPPED.remove(this);
    }

    private void create() {
        try (Connection c = DriverManager.getConnection(url, admin, ""); Statement s = c.createStatement()) {
            UNDROPPED.add(this);
            s.execute("create role " + owner + " login");
            s.execute("create role " + runtime + " login");
            s.execute("create schema " + schema + " authorization " + owner);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test schema " + schema + " and its roles", e);
        }
    }

    private void dropQuietly() {
        try {
            drop();
        } catch (RuntimeException e) {
            // The JVM is ending: a schema left behind is harmless, its names unique.
        }
    }

    private String withSchema() {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
