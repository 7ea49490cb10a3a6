package org.passerelle.gateway.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.passerelle.gateway.node.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Prunes the start of the audit chain once its entries are older than the retention ({@code
 * passerelle.retention.audit-log}), so that the chain still verifies from the first entry kept. A prune first signs a
 * checkpoint at the last pruned entry and keeps, in {@code audit_pruned}, that entry's hash and the Merkle frontier of
 * the pruned prefix (which hashes to the root the checkpoint signs); it records {@code AUDIT_PRUNED} in the chain; only
 * then are the entries deleted, in batches, through {@code audit_prune_range}, which the database lets delete nothing
 * younger than a year and nothing after the recorded prefix. A prune interrupted half-way is finished by the next one.
 *
 * <p>The prefix pruned ends on a multiple of 256 entries (the Merkle tree's kept block), so the node's tree goes on from
 * the frontier alone; up to 255 entries past the retention wait for the next prune.
 */
@Component
public class AuditPruning {

    /** Prunes end on a multiple of this many entries: {@link AuditMerkle}'s kept block. */
    static final long ALIGN = 1L << AuditMerkle.KEPT_FROM_LEVEL;
    private static final int DELETE_BATCH = 1000;
    private static final Logger log = LoggerFactory.getLogger(AuditPruning.class);

    /** What a prune kept and removed. */
    public record Pruned(long upToSeq, long deleted) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ChainSealer sealer;
    private final AuditMerkle merkle;
    private final AuditCheckpoints checkpoints;
    private final AuditTrail audit;
    private final NodeProperties node;
    private final Clock clock;

    AuditPruning(JdbcTemplate jdbc, PlatformTransactionManager transactions, ChainSealer sealer, AuditMerkle merkle,
                 AuditCheckpoints checkpoints, AuditTrail audit, NodeProperties node, Clock clock) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.sealer = sealer;
        this.merkle = merkle;
        this.checkpoints = checkpoints;
        this.audit = audit;
        this.node = node;
        this.clock = clock;
    }

    /**
     * Prunes the entries recorded more than {@code keep} ago (never less than a year: the database refuses younger
     * ones), up to the last multiple of 256 entries all of which are that old; answers what was pruned up to and how
     * many entries this call deleted.
     */
    public Pruned prune(Duration keep) {
        if (keep.compareTo(AppendOnlyTrigger.PRUNE_FLOOR) < 0) {
            throw new IllegalArgumentException("the audit log is kept at least " + AppendOnlyTrigger.PRUNE_FLOOR.toDays()
                    + " days, not " + keep.toDays());
        }
        Instant cutoff = clock.instant().minus(keep);
        sealer.sealPending();
        Optional<Long> recorded = tx.execute(status -> record(cutoff, keep));
        long upTo = prunedUpTo();
        long deleted = deleteUpTo(upTo);
        if (recorded != null && recorded.isPresent() || deleted > 0) {
            log.info("Audit log pruned up to seq {} (entries recorded before {}): {} entries deleted", upTo, cutoff,
                    deleted);
        }
        return new Pruned(upTo, deleted);
    }

    /** The seq the chain is pruned up to (0: nothing pruned). */
    public long prunedUpTo() {
        Long upTo = jdbc.queryForObject("select max(up_to_seq) from audit_pruned", Long.class);
        return upTo == null ? 0 : upTo;
    }

    /** Records a new prune, if the retention lets the prefix grow by a block or more; the seq it reaches. */
    private Optional<Long> record(Instant cutoff, Duration keep) {
        ChainSealer.Head head = sealer.lockHead();
        long done = prunedUpTo();
        Long firstYoung = jdbc.queryForObject("select min(seq) from audit_event where at >= ?", Long.class,
                cutoff.atOffset(ZoneOffset.UTC));
        long oldEnough = firstYoung == null ? head.seq() : firstYoung - 1;
        long upTo = oldEnough / ALIGN * ALIGN;
        if (upTo <= done) {
            return Optional.empty();
        }
        merkle.requireUnchanged();
        String hash = jdbc.queryForObject("select hash from audit_event where seq = ?", String.class, upTo);
        String root = merkle.root(upTo);
        List<String> frontier = merkle.frontier(upTo);
        checkpoints.signAndStore(upTo, hash, root);
        Instant oldestKept = jdbc.query("select at from audit_event where seq = ?",
                rs -> rs.next() ? rs.getObject(1, java.time.OffsetDateTime.class).toInstant() : null, upTo + 1);
        // Recorded through the database's function, which checks the prune against the chain and the signed
        // checkpoint: the node's database role may not write the prune records itself.
        jdbc.queryForObject("select audit_record_prune(?, ?, ?, ?, cast(? as timestamp with time zone), ?, ?)",
                Long.class, upTo, hash, root, String.join(",", frontier),
                oldestKept == null ? null : oldestKept.atOffset(ZoneOffset.UTC), node.nodeId(), (int) keep.toDays());
        audit.record(AuditTrail.Entry.of("node", AuditChannel.RETENTION, AuditAction.AUDIT_PRUNED, AuditOutcome.OK)
                .resource("audit-log")
                .detail("entries " + (done + 1) + " to " + upTo + " (recorded before " + cutoff + ", kept "
                        + keep.toDays() + " days) pruned; the chain verifies on from the checkpoint signed at seq "
                        + upTo + " over hash " + hash + " and Merkle root " + root));
        return Optional.of(upTo);
    }

    /** Deletes what is left of the pruned prefix, a batch per transaction; how many entries were deleted. */
    private long deleteUpTo(long upTo) {
        long deleted = 0;
        while (true) {
            Long first = jdbc.queryForObject("select min(seq) from audit_event where seq <= ?", Long.class, upTo);
            if (first == null) {
                return deleted;
            }
            long to = Math.min(upTo, first + DELETE_BATCH - 1);
            Long n = tx.execute(status -> jdbc.queryForObject("select audit_prune_range(?, ?)", Long.class, first, to));
            if (n == null || n == 0) {
                throw new IllegalStateException("the audit entries from seq " + first + " to " + to
                        + " were not deleted");
            }
            deleted += n;
        }
    }
}
