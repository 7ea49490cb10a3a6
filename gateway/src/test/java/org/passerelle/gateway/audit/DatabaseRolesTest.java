package org.passerelle.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * PostgreSQL with the production's two roles: Flyway migrates as the schema owner, and its afterMigrate callback gives
 * the node's runtime role read and insert only on the append-only tables, which it finds by their trigger; the node
 * refuses to start as the owner or a superuser. Skipped when no PostgreSQL server answers at 127.0.0.1:5432
 * ({@code -Dpasserelle.test.postgres.url}, {@code .user} choose another).
 */
class DatabaseRolesTest {

    static final String URL = System.getProperty("passerelle.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String ADMIN = System.getProperty("passerelle.test.postgres.user", "postgres");
    static final String SCHEMA = "g" + Long.toHexString(System.nanoTime()) + "_roles";
    static final String OWNER = SCHEMA + "_owner";
    static final String RUNTIME = SCHEMA + "_node";
    static boolean created;

    @BeforeAll
    static void createRolesAndMigrate() {
        try (Connection c = DriverManager.getConnection(URL, ADMIN, ""); Statement s = c.createStatement()) {
            s.execute("create role " + OWNER + " login");
            s.execute("create role " + RUNTIME + " login");
            created = true;
            s.execute("create schema " + SCHEMA + " authorization " + OWNER);
        } catch (SQLException e) {
            assumeTrue(false, "no PostgreSQL server to test with: " + e.getMessage());
        }
        migrate();
    }

    @AfterAll
    static void dropRoles() throws SQLException {
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

    @Test
    void theRuntimeRoleMayOnlyReadAndInsertIntoAppendOnlyTablesAndWorkTheOthers() {
        assertThat(rights("audit_event")).isEqualTo("SELECT,INSERT");
        assertThat(rights("audit_checkpoint")).isEqualTo("SELECT,INSERT");
        assertThat(rights("audit_pending")).isEqualTo("SELECT,INSERT,DELETE");
        assertThat(rights("audit_chain_head")).isEqualTo("SELECT,UPDATE");
        assertThat(rights("message")).isEqualTo("SELECT,INSERT,UPDATE,DELETE");
        assertThat(rights("role_grant")).isEqualTo("SELECT,INSERT,UPDATE,DELETE");
        assertThat(rights("flyway_schema_history")).isEmpty();
    }

    @Test
    void theRuntimeRoleOwnsNothing() {
        JdbcTemplate admin = as(ADMIN);

        assertThat(admin.queryForObject("select count(*) from pg_class where relowner = ?::regrole", Long.class, RUNTIME))
                .isZero();
        assertThat(admin.queryForObject("select count(*) from pg_namespace where nspowner = ?::regrole", Long.class,
                RUNTIME)).isZero();
    }

    @Test
    void aTableGuardedByTheAppendOnlyTriggerIsAppendOnlyForTheRuntimeRoleAfterTheNextMigration() {
        // given a table a later migration adds with the audit log's trigger, and a right given by hand meanwhile
        JdbcTemplate owner = as(OWNER);
        owner.execute("create table audit_witness_example (id bigint primary key, signature varchar(200))");
        owner.execute("create trigger audit_witness_example_append_only before update or delete on audit_witness_example"
                + " for each row execute function audit_refuse_change()");
        owner.execute("grant all on audit_witness_example, message to " + RUNTIME);

        // when Flyway runs again (nothing pending: the callback runs all the same)
        migrate();

        // then
        assertThat(rights("audit_witness_example")).isEqualTo("SELECT,INSERT");
        assertThat(rights("message")).isEqualTo("SELECT,INSERT,UPDATE,DELETE");
    }

    @Test
    void theRuntimeRoleRecordsAPruneOnlyAsTheFunctionChecksItAndDeletesOnlyWhatWasPruned() {
        // given entries 1..256 recorded 400 days ago, 257 today, and a checkpoint over 256
        JdbcTemplate node = as(RUNTIME);
        node.update("""
                insert into audit_event (seq, prev_hash, hash, at, actor, channel, action, outcome)
                select g, 'p', 'h' || g, now() - interval '400 days', 'svc', 'API', 'MESSAGE_ACCEPTED', 'OK'
                from generate_series(1, 256) g""");
        node.update("insert into audit_event (seq, prev_hash, hash, at, actor, channel, action, outcome)"
                + " values (257, 'h256', 'h257', now(), 'svc', 'API', 'MESSAGE_ACCEPTED', 'OK')");
        node.update("insert into audit_checkpoint (seq, head_hash, at, node_id, algorithm, signature,"
                + " certificate_sha256, merkle_root) values (256, 'h256', now(), 'n', 'Ed25519', '\\x00'::bytea, 'c', 'r')");

        // when / then the runtime role may neither write a prune record nor delete an entry itself
        assertThatThrownBy(() -> node.update("insert into audit_pruned (up_to_seq, head_hash, merkle_root, frontier,"
                + " pruned_at, node_id, kept_for_days) values (100000, 'h', 'r', '', now(), 'n', 0)"))
                .hasStackTraceContaining("permission denied");
        assertThatThrownBy(() -> node.update("delete from audit_event where seq = 1"))
                .hasStackTraceContaining("permission denied");
        // a prune the function cannot check against the chain and a signed checkpoint is refused
        assertThatThrownBy(() -> node.queryForObject(
                "select audit_record_prune(255, 'h255', 'r', '', null, 'n', 380)", Long.class))
                .hasStackTraceContaining("multiple of 256");
        assertThatThrownBy(() -> node.queryForObject(
                "select audit_record_prune(256, 'h256', 'another root', '', null, 'n', 380)", Long.class))
                .hasStackTraceContaining("no checkpoint signed over entry 256");
        // the one it can check is recorded, and the prune deletes up to it and no further
        assertThat(node.queryForObject("select audit_record_prune(256, 'h256', 'r', '', null, 'n', 380)", Long.class))
                .isEqualTo(256);
        assertThat(node.queryForObject("select audit_prune_range(1, 1000)", Long.class)).isEqualTo(256);
        // a temporary table of the caller's cannot stand in for the prune records
        node.execute((org.springframework.jdbc.core.ConnectionCallback<Void>) c -> {
            try (Statement s = c.createStatement()) {
                s.execute("create temp table audit_pruned (up_to_seq bigint)");
                s.execute("insert into audit_pruned values (1000000)");
                try (var rs = s.executeQuery("select audit_prune_range(257, 257)")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isZero();
                }
            }
            return null;
        });
        assertThat(node.queryForObject("select count(*) from audit_event where seq = 257", Long.class)).isOne();
        assertThat(rights("audit_pruned")).isEqualTo("SELECT");
    }

    @Test
    void theNodeStartsAsTheRuntimeRoleAndRefusesTheOwnerAndASuperuser() {
        DatabaseRoleGuard guard = new DatabaseRoleGuard(as(RUNTIME), properties(false));
        assertThat(guard.health().getStatus().getCode()).isEqualTo("UP");
        assertThat(guard.health().getDetails()).containsEntry("role", RUNTIME).containsEntry("superuser", false)
                .containsEntry("ownsAuditLog", false);

        assertThatThrownBy(() -> new DatabaseRoleGuard(as(OWNER), properties(false)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("as " + OWNER + ", the owner of the audit log")
                .hasMessageContaining("passerelle.audit.allow-privileged-database-role=true");
        assertThatThrownBy(() -> new DatabaseRoleGuard(as(ADMIN), properties(false)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a superuser");
    }

    @Test
    void theNodeStartsAsTheOwnerWhenToldButReportsTheAuditLogUnguarded() {
        DatabaseRoleGuard guard = new DatabaseRoleGuard(as(OWNER), properties(true));

        assertThat(guard.health().getStatus()).isEqualTo(DatabaseRoleGuard.UNGUARDED);
        assertThat(guard.health().getDetails()).containsEntry("role", OWNER).containsEntry("ownsAuditLog", true);
    }

    // --- helpers

    private static void migrate() {
        Flyway.configure().dataSource(URL, OWNER, "").schemas(SCHEMA).defaultSchema(SCHEMA)
                .locations("classpath:db/migration", "classpath:db/vendor/postgresql")
                .placeholders(Map.of("auditAppRole", RUNTIME)).load().migrate();
    }

    /** The runtime role's rights on a table of the schema, among SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER. */
    private static String rights(String table) {
        return as(ADMIN).queryForObject("""
                select coalesce(string_agg(p, ',' order by i), '')
                from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'])
                     with ordinality as r(p, i)
                where has_table_privilege(?, ?, p)""", String.class, RUNTIME, SCHEMA + "." + table);
    }

    private static JdbcTemplate as(String role) {
        return new JdbcTemplate(new DriverManagerDataSource(URL + "?currentSchema=" + SCHEMA, role, ""));
    }

    private static AuditProperties properties(boolean allowPrivilegedRole) {
        return new AuditProperties(Duration.ofMinutes(5), Duration.ofSeconds(10), 500, Duration.ZERO, List.of(), true, Duration.ofSeconds(10), Duration.ofMinutes(30), allowPrivilegedRole);
    }
}
