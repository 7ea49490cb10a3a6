package org.passerelle.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainReport;
import org.passerelle.security.audit.ChainVerifier;
import org.passerelle.security.testing.TestPki;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Two nodes (each its own connections and sealer) sealing into one database while events keep arriving. */
class SharedDatabaseSealingTest {

    @TempDir
    Path dir;

    @Test
    void twoNodesSealingOneDatabaseConcurrentlyBuildOneGaplessChain() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0";
        DriverManagerDataSource nodeA = new DriverManagerDataSource(url, "sa", "");
        DriverManagerDataSource nodeB = new DriverManagerDataSource(url, "sa", "");
        Flyway.configure().dataSource(nodeA).locations("classpath:db/migration", "classpath:db/vendor/h2")
                .placeholders(Map.of("auditAppRole", "none")).load().migrate();
        AuditProperties properties = new AuditProperties(Duration.ofMinutes(5), Duration.ofSeconds(10), 5, Duration.ZERO, java.util.List.of(), true, Duration.ofSeconds(10), Duration.ofMinutes(30), false);
        ChainSealer sealerA = new ChainSealer(new JdbcTemplate(nodeA), new DataSourceTransactionManager(nodeA), properties);
        ChainSealer sealerB = new ChainSealer(new JdbcTemplate(nodeB), new DataSourceTransactionManager(nodeB), properties);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Callable<Void>> work = new ArrayList<>();
        for (DriverManagerDataSource node : List.of(nodeA, nodeB, nodeA, nodeB)) {
            JdbcTemplate jdbc = new JdbcTemplate(node);
            work.add(() -> {
                for (int i = 0; i < 50; i++) {
                    jdbc.update("insert into audit_pending (at, actor, channel, action, outcome) values (?, 'n', 'API', 'E', 'OK')",
                            OffsetDateTime.now(ZoneOffset.UTC));
                }
                return null;
            });
        }
        List<Future<Void>> writers = new ArrayList<>();
        work.forEach(w -> writers.add(pool.submit(w)));
        List<Future<Integer>> sealers = new ArrayList<>();
        for (ChainSealer sealer : List.of(sealerA, sealerB)) {
            sealers.add(pool.submit(() -> {
                int total = 0;
                while (writing.get()) {
                    total += sealer.sealPending();
                }
                return total;
            }));
        }
        for (Future<Void> w : writers) {
            w.get(60, TimeUnit.SECONDS);
        }
        writing.set(false);
        int sealed = sealers.get(0).get(60, TimeUnit.SECONDS) + sealers.get(1).get(60, TimeUnit.SECONDS)
                + sealerA.sealPending();
        pool.shutdown();

        assertThat(sealed).isEqualTo(200);
        JdbcTemplate jdbc = new JdbcTemplate(nodeA);
        List<AuditRecord> chain = jdbc.query("select " + AuditRows.ENTRY_COLUMNS + " from audit_event order by seq",
                AuditRows::sealed);
        assertThat(chain).extracting(AuditRecord::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
        ChainVerifier verifier = ChainVerifier.fromGenesis(TestPki.shared().gateway("GB").certificate());
        chain.forEach(verifier::entry);
        ChainReport report = verifier.finish();
        assertThat(report.ok()).as(String.valueOf(report.firstBreak())).isTrue();
    }
}
