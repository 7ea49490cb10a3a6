package org.passerelle.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainHash;
import org.passerelle.security.audit.ChainReport;
import org.passerelle.security.audit.Checkpoint;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class AuditChainTest {

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        r.add("passerelle.audit.seal-batch", () -> 7);
    }

    @Autowired
    AuditTrail audit;

    @Autowired
    AuditLog log;

    @Autowired
    AuditCheckpoints checkpoints;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void recordedEventsAreReadBackSealedAndTheirStoredRowsHashAsTheyWereSealed() {
        audit.record(AuditTrail.Entry.of("casework-system", AuditChannel.API, AuditAction.MESSAGE_ACCEPTED, AuditOutcome.OK)
                .message("m-rehash", "ReturnRequest", "ab".repeat(32)).role("SYSTEM").purpose(null, "CASE-1"));
        audit.refused(AuditTrail.Entry.of("anonymous", AuditChannel.API, AuditAction.AUTHENTICATION, AuditOutcome.REFUSED)
                .code("UNAUTHENTICATED", ""));

        assertThat(audit.forMessage("m-rehash")).singleElement()
                .satisfies(e -> assertThat(e.action()).isEqualTo("MESSAGE_ACCEPTED"));
        List<AuditRecord> stored = jdbc.query("select " + AuditRows.ENTRY_COLUMNS + " from audit_event order by seq",
                AuditRows::sealed);
        assertThat(stored).isNotEmpty().allSatisfy(e -> assertThat(ChainHash.hash(e.prevHash(), e)).isEqualTo(e.hash()));
        assertThat(stored).anySatisfy(e -> assertThat(e.detail()).isEmpty());
        assertThat(log.verify().ok()).isTrue();
    }

    @Test
    void aRefusalInsideATransactionThatRollsBackIsStillSealedAndTheBusinessEventIsNot() {
        TransactionTemplate tx = new TransactionTemplate(transactions);

        tx.executeWithoutResult(status -> {
            audit.record(AuditTrail.Entry.of("svc", AuditChannel.API, AuditAction.MESSAGE_ACCEPTED, AuditOutcome.OK)
                    .message("m-rolled-back", "T", null));
            audit.refused(AuditTrail.Entry.of("svc", AuditChannel.API, AuditAction.MESSAGE_REFUSED, AuditOutcome.REFUSED)
                    .message("m-rolled-back", "T", null));
            status.setRollbackOnly();
        });

        assertThat(audit.forMessage("m-rolled-back")).extracting(AuditEvent::action).containsExactly("MESSAGE_REFUSED");
        assertThat(jdbc.queryForObject("select count(*) from audit_pending", Long.class)).isZero();
    }

    @Test
    void concurrentWritersAndSealersProduceOneGaplessChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        TransactionTemplate tx = new TransactionTemplate(transactions);
        List<Callable<Void>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            work.add(() -> {
                for (int i = 0; i < 25; i++) {
                    String id = "c-" + thread + "-" + i;
                    tx.executeWithoutResult(s -> {
                        audit.record(AuditTrail.Entry.of("svc",
                                AuditChannel.API, AuditAction.MESSAGE_ACCEPTED, AuditOutcome.OK).message(id, "T", null));
                        if (id.hashCode() % 3 == 0) {
                            audit.refused(AuditTrail.Entry.of("svc",
                                    AuditChannel.API, AuditAction.MESSAGE_REFUSED, AuditOutcome.REFUSED).message(id, "T", null));
                        }
                    });
                    if (i % 5 == 0) {
                        audit.latest(1);
                    }
                }
                return null;
            });
        }
        for (Future<Void> f : pool.invokeAll(work)) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        ChainReport report = log.verify();
        Long count = jdbc.queryForObject("select count(*) from audit_event", Long.class);
        Long max = jdbc.queryForObject("select max(seq) from audit_event", Long.class);
        assertThat(report.ok()).as(String.valueOf(report.firstBreak())).isTrue();
        assertThat(max).isEqualTo(count);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where message_id like 'c-%' and action = 'MESSAGE_ACCEPTED'",
                Long.class)).isEqualTo(200);
    }

    @Test
    void theEmbeddedDatabaseRefusesToChangeDeleteOrTruncateAuditEntries() {
        audit.record(AuditTrail.Entry.of("svc", AuditChannel.API, AuditAction.MESSAGE_SENT, AuditOutcome.OK));
        long seq = log.head();

        assertThatThrownBy(() -> jdbc.update("update audit_event set detail = 'x' where seq = ?", seq))
                .rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("delete from audit_event where seq = ?", seq))
                .rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.execute("truncate table audit_event")).rootCause().hasMessageContaining("Cannot truncate");
        assertThatThrownBy(() -> jdbc.execute("truncate table audit_checkpoint")).rootCause().hasMessageContaining("Cannot truncate");
        assertThat(jdbc.queryForObject("select count(*) from audit_event where seq = ?", Long.class, seq)).isEqualTo(1);
    }

    @Test
    void aCheckpointIsSignedOnlyWhenTheHeadMovedAndVerifiesWithTheNodeCertificate() {
        audit.record(AuditTrail.Entry.of("svc", AuditChannel.API, AuditAction.MESSAGE_SENT, AuditOutcome.OK));
        Checkpoint first = checkpoints.checkpointNow().orElseThrow();

        assertThat(checkpoints.checkpointNow()).isEmpty();
        assertThat(first.seq()).isEqualTo(log.head());
        ChainReport report = log.verify();
        assertThat(report.ok()).isTrue();
        assertThat(report.lastCheckpoint().seq()).isGreaterThanOrEqualTo(first.seq());

        audit.record(AuditTrail.Entry.of("svc", AuditChannel.API, AuditAction.MESSAGE_SENT, AuditOutcome.OK));
        assertThat(checkpoints.checkpointNow()).hasValueSatisfying(c -> assertThat(c.seq()).isGreaterThan(first.seq()));
    }
}
