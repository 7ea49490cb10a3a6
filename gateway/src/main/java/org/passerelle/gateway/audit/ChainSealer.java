package org.passerelle.gateway.audit;

import jakarta.annotation.PreDestroy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves recorded events from {@code audit_pending} into the hash chain in {@code audit_event}. Each sealing
 * transaction first locks the one {@code audit_chain_head} row ({@code select ... for update}), so appends are
 * serialised across threads and across nodes sharing the database; business transactions never take that lock (they
 * only insert pending rows), so a business transaction can neither wait for the chain nor deadlock with it.
 *
 * <p>Sealing runs on one background thread per node, asked for after every commit that recorded something, with a
 * periodic sweep as a backstop; readers seal synchronously before they read, so they see every committed event. The
 * commit itself does not seal: sealing in {@code afterCommit} would hold a second pooled connection per request thread
 * (a third under {@code refused()} inside an outer transaction), which under load can exhaust the pool.
 */
@Component
class ChainSealer {

    private static final Logger log = LoggerFactory.getLogger(ChainSealer.class);

    /** The chain head: the last sealed entry's seq and hash. */
    record Head(long seq, String hash) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final int batch;
    private final long lingerMillis;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "audit-sealer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();

    ChainSealer(JdbcTemplate jdbc, PlatformTransactionManager transactions, AuditProperties properties) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.batch = Math.max(1, properties.sealBatch());
        this.lingerMillis = properties.sealLinger().toMillis();
    }

    /**
     * Asks the background sealer to run soon; returns at once. The sealer waits its linger first: the events committed
     * meanwhile ask for nothing more and go into the same sealing transaction (under load, one seal per event had been
     * most of the database's transactions).
     */
    void sealSoon() {
        if (queued.compareAndSet(false, true)) {
            try {
                background.execute(() -> {
                    boolean stopping = !linger();
                    queued.set(false);
                    if (!stopping) {
                        sealQuietly();
                    }
                });
            } catch (RejectedExecutionException stopping) {
                queued.set(false);
            }
        }
    }

    /** Waits the linger; false when interrupted (the node is stopping: what is pending is sealed at its next start). */
    private boolean linger() {
        if (lingerMillis > 0) {
            try {
                Thread.sleep(lingerMillis);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The safety net behind {@link #sealSoon}: scheduled by {@link AuditCheckpoints} on one node at a time. */
    void sweep() {
        sealQuietly();
    }

    /** Seals every committed pending event now, in transactions of its own; returns how many. */
    int sealPending() {
        int total = 0;
        int sealed;
        do {
            Integer n = tx.execute(status -> sealBatch());
            sealed = n == null ? 0 : n;
            total += sealed;
        } while (sealed >= batch);
        return total;
    }

    /** Locks and reads the chain head; call inside a transaction. */
    Head lockHead() {
        return jdbc.queryForObject("select seq, hash from audit_chain_head where id = 1 for update",
                (rs, i) -> new Head(rs.getLong(1), rs.getString(2)));
    }

    private int sealBatch() {
        Head head = lockHead();
        List<Pending> pending = jdbc.query("select * from audit_pending order by id fetch first ? rows only",
                ChainSealer::pending, batch);
        if (pending.isEmpty()) {
            return 0;
        }
        List<Object[]> rows = new ArrayList<>(pending.size());
        List<Object[]> ids = new ArrayList<>(pending.size());
        long seq = head.seq();
        String prev = head.hash();
        for (Pending p : pending) {
            AuditRecord sealed = ChainHash.seal(p.record(), ++seq, prev);
            prev = sealed.hash();
            rows.add(new Object[] {sealed.seq(), sealed.prevHash(), sealed.hash(),
                OffsetDateTime.ofInstant(sealed.at(), ZoneOffset.UTC), sealed.actor(), sealed.channel(), sealed.action(),
                sealed.outcome(), sealed.partner(), sealed.messageId(), sealed.messageType(), sealed.code(),
                sealed.detail(), sealed.payloadSha256(), sealed.role(), sealed.resource(), sealed.purpose(),
                sealed.caseReference()});
            ids.add(new Object[] {p.id()});
        }
        jdbc.batchUpdate("""
                insert into audit_event (seq, prev_hash, hash, at, actor, channel, action, outcome, partner, message_id,
                  message_type, code, detail, payload_sha256, actor_role, resource, purpose, case_reference)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
        jdbc.batchUpdate("delete from audit_pending where id = ?", ids);
        jdbc.update("update audit_chain_head set seq = ?, hash = ? where id = 1", seq, prev);
        return pending.size();
    }

    /**
     * Seals what is pending, logging rather than throwing on failure: readers and verification must still work on a
     * chain the sealer cannot extend (a database someone tampered with, say).
     */
    void sealQuietly() {
        try {
            sealPending();
        } catch (RuntimeException e) {
            // Nothing is lost: the events stay pending and the next seal or sweep takes them.
            log.warn("Sealing the audit chain failed; pending events stay pending: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        background.shutdown();
        background.awaitTermination(10, TimeUnit.SECONDS);
    }

    private record Pending(long id, AuditRecord record) {
    }

    private static Pending pending(ResultSet rs, int row) throws SQLException {
        return new Pending(rs.getLong("id"), AuditRows.unsealed(rs));
    }

}
