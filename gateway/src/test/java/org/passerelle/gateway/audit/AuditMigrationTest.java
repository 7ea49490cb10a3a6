package org.passerelle.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainHash;
import org.passerelle.security.audit.ChainReport;
import org.passerelle.security.audit.ChainVerifier;
import org.passerelle.security.testing.TestPki;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The chain migration on a database that already holds audit rows: they are sealed first, in their order. */
class AuditMigrationTest {

    @TempDir
    Path dir;

    @Test
    void rowsRecordedBeforeTheChainExistedAreSealedFromGenesisInTheirOriginalOrder() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0", "sa", "");
        Flyway.configure().dataSource(db).locations("classpath:db/migration", "classpath:db/vendor/h2").target("40")
                .load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(db);
        for (String action : List.of("MESSAGE_ACCEPTED", "MESSAGE_SENT", "RECEIPT_VERIFIED")) {
            jdbc.update("insert into audit_event (at, actor, channel, action, outcome) values (?, 'node', 'API', ?, 'OK')",
                    OffsetDateTime.parse("2026-01-05T10:00:00.123456789Z"), action);
        }

        Flyway.configure().dataSource(db).locations("classpath:db/migration", "classpath:db/vendor/h2")
                .placeholders(java.util.Map.of("auditAppRole", "none")).load().migrate();
        int sealed = new ChainSealer(jdbc, new DataSourceTransactionManager(db),
                new AuditProperties(Duration.ofMinutes(5), Duration.ofSeconds(10), 2, Duration.ZERO, java.util.List.of(), true, Duration.ofSeconds(10), Duration.ofMinutes(30), false)).sealPending();

        assertThat(sealed).isEqualTo(3);
        List<AuditRecord> chain = jdbc.query("select " + AuditRows.ENTRY_COLUMNS + " from audit_event order by seq",
                AuditRows::sealed);
        assertThat(chain).extracting(AuditRecord::action).containsExactly("MESSAGE_ACCEPTED", "MESSAGE_SENT", "RECEIPT_VERIFIED");
        assertThat(chain).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L);
        assertThat(chain.get(0).prevHash()).isEqualTo(ChainHash.GENESIS);
        ChainVerifier verifier = ChainVerifier.fromGenesis(TestPki.shared().gateway("GB").certificate());
        chain.forEach(verifier::entry);
        ChainReport report = verifier.finish();
        assertThat(report.ok()).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from audit_pending", Long.class)).isZero();
    }
}
