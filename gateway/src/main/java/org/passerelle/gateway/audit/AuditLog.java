package org.passerelle.gateway.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainReport;
import org.passerelle.security.audit.ChainVerifier;
import org.passerelle.security.audit.Checkpoint;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads the sealed audit chain: searches it, verifies it against its checkpoints, and streams ranges of it, always in
 * pages, so that a chain of millions of entries is never held in memory.
 */
@Component
class AuditLog {

    /** Rows read per query while streaming. */
    static final int PAGE = AuditPages.PAGE;

    /** A search; null filters match everything. */
    record Search(Instant from, Instant to, String actor, String action, String caseReference, String outcome,
                  int page, int size) {
    }

    record Page(int page, int size, long total, List<AuditRecord> entries) {
    }

    private final JdbcTemplate jdbc;
    private final ChainSealer sealer;
    private final CheckpointCertificates certificates;

    AuditLog(JdbcTemplate jdbc, ChainSealer sealer, CheckpointCertificates certificates) {
        this.jdbc = jdbc;
        this.sealer = sealer;
        this.certificates = certificates;
    }

    /** Entries matching the search, newest first. */
    Page search(Search s) {
        sealer.sealQuietly();
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (s.from() != null) {
            where.append(" and at >= ?");
            args.add(s.from().atOffset(ZoneOffset.UTC));
        }
        if (s.to() != null) {
            where.append(" and at < ?");
            args.add(s.to().atOffset(ZoneOffset.UTC));
        }
        filter(where, args, "actor", s.actor());
        filter(where, args, "action", s.action());
        filter(where, args, "case_reference", s.caseReference());
        filter(where, args, "outcome", s.outcome());
        Long total = jdbc.queryForObject("select count(*) from audit_event" + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add((long) s.page() * s.size());
        pageArgs.add(s.size());
        List<AuditRecord> entries = jdbc.query("select " + AuditRows.ENTRY_COLUMNS + " from audit_event" + where
                + " order by seq desc offset ? rows fetch first ? rows only", AuditRows::sealed, pageArgs.toArray());
        return new Page(s.page(), s.size(), total == null ? 0 : total, entries);
    }

    /**
     * Verifies the whole chain from genesis, every checkpoint with the node certificate it records signing it (the
     * current one, or the next or a previous one, so that checkpoints signed before a key rollover still verify), and
     * the chain's end against its head row, so that entries deleted from the end are found. The head is read first and
     * only what it covers is verified: appends made meanwhile (the head only moves forward, in the transaction that
     * seals) are left for the next verification.
     */
    ChainReport verify() {
        return verify(Map.of());
    }

    /**
     * As {@link #verify()}, with the copies of this node's checkpoints that partners kept as witnesses (by partner):
     * a chain that differs from one of them, or ends before it, is broken even when every local table was rewritten.
     */
    ChainReport verify(Map<String, List<Checkpoint>> witnessed) {
        sealer.sealQuietly();
        // Checkpoints first, then the head: every checkpoint read was signed over a head no later than the one read,
        // so one beyond the chain's end is a truncation, never an append made meanwhile.
        Long lastCheckpointId = jdbc.queryForObject("select max(id) from audit_checkpoint", Long.class);
        Map<String, Object> head = jdbc.queryForMap("select seq, hash from audit_chain_head where id = 1");
        long headSeq = ((Number) head.get("seq")).longValue();
        Pruned pruned = pruned().orElse(null);
        Checkpoint anchor = pruned == null || pruned.upToSeq() % AuditPruning.ALIGN != 0 || !prunedInTheChain(pruned)
                ? null : checkpointAt(pruned.upToSeq())
                        .filter(c -> c.headHash().equalsIgnoreCase(pruned.headHash())).orElse(null);
        // A prune record without its signed checkpoint, off the kept block, or that the kept chain does not state
        // (AUDIT_PRUNED) vouches for nothing: the chain is read from genesis, and the missing entries are a break.
        ChainVerifier verifier = anchor == null ? ChainVerifier.fromGenesis(certificates.certificates())
                : ChainVerifier.afterPrune(anchor, AuditMerkle.frontierOf(pruned.frontier()), certificates.certificates());
        long checkpointsFrom = anchor == null ? Long.MIN_VALUE : anchor.seq() + 1;
        forEachCheckpoint(checkpointsFrom, Long.MAX_VALUE, lastCheckpointId == null ? Long.MIN_VALUE : lastCheckpointId,
                verifier::checkpoint);
        witnessed.forEach((party, copies) -> copies.forEach(c -> verifier.witnessed(c, party)));
        // After a prune, from the first entry kept: what a prune still deleting left behind is no longer the chain's.
        AuditPages.forEachEntryReadingAhead(jdbc, anchor == null ? Long.MIN_VALUE : anchor.seq() + 1, headSeq,
                verifier::entry);
        return verifier.finish(headSeq, String.valueOf(head.get("hash")));
    }

    /**
     * The latest prune of the chain's start: entries 1..upToSeq are gone; the entry at upToSeq hashed to
     * {@code headHash}, and {@code frontier} (hex, comma separated) is the Merkle frontier of entries 1..upToSeq.
     */
    record Pruned(long upToSeq, String headHash, String frontier, Instant prunedAt, Instant oldestKept, int keptForDays) {
    }

    /** Whether an entry kept after the prune states it ({@code AUDIT_PRUNED}), as every prune the node made does. */
    private boolean prunedInTheChain(Pruned pruned) {
        Long n = jdbc.queryForObject("select count(*) from audit_event where seq > ? and action = 'AUDIT_PRUNED'"
                + " and detail like ?", Long.class, pruned.upToSeq(), "% to " + pruned.upToSeq() + " (%");
        return n != null && n > 0;
    }

    /** The latest prune, if the chain was ever pruned. */
    java.util.Optional<Pruned> pruned() {
        return jdbc.query("select * from audit_pruned order by up_to_seq desc fetch first 1 rows only", (rs, i) -> {
            java.time.OffsetDateTime oldest = rs.getObject("oldest_kept", java.time.OffsetDateTime.class);
            return new Pruned(rs.getLong("up_to_seq"), rs.getString("head_hash"), rs.getString("frontier"),
                    rs.getObject("pruned_at", java.time.OffsetDateTime.class).toInstant(),
                    oldest == null ? null : oldest.toInstant(), rs.getInt("kept_for_days"));
        }).stream().findFirst();
    }

    /** When the earliest checkpoint still stored was signed. */
    java.util.Optional<java.time.Instant> firstCheckpointAt() {
        return jdbc.query("select * from audit_checkpoint order by seq, id fetch first 1 rows only",
                AuditRows::checkpoint).stream().findFirst().map(Checkpoint::at);
    }

    /** The highest sealed seq (0 for an empty chain), after sealing what is pending. */
    long head() {
        sealer.sealQuietly();
        Long max = jdbc.queryForObject("select max(seq) from audit_event", Long.class);
        return max == null ? 0 : max;
    }

    /** The sealed entry at {@code seq}, if there is one (the first stored, should a seq ever repeat). */
    java.util.Optional<AuditRecord> entry(long seq) {
        return jdbc.query("select " + AuditRows.ENTRY_COLUMNS + " from audit_event where seq = ? order by id"
                + " fetch first 1 rows only", AuditRows::sealed, seq).stream().findFirst();
    }

    /** The checkpoint over the head {@code seq} (the latest stored, should two nodes have signed the same head). */
    java.util.Optional<Checkpoint> checkpointAt(long seq) {
        return jdbc.query("select * from audit_checkpoint where seq = ? order by id desc fetch first 1 rows only",
                AuditRows::checkpoint, seq).stream().findFirst();
    }

    /** The earliest checkpoint with a Merkle root at or after {@code seq}: the first that can prove the entry. */
    java.util.Optional<Checkpoint> firstRootedCheckpointFrom(long seq) {
        return jdbc.query("select * from audit_checkpoint where seq >= ? and merkle_root is not null"
                + " order by seq, id desc fetch first 1 rows only", AuditRows::checkpoint, seq).stream().findFirst();
    }

    /** The seq range of the entries between two times (either may be null; to exclusive); {@code {1, 0}} when none. */
    long[] seqRange(Instant from, Instant to) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (from != null) {
            where.append(" and at >= ?");
            args.add(from.atOffset(ZoneOffset.UTC));
        }
        if (to != null) {
            where.append(" and at < ?");
            args.add(to.atOffset(ZoneOffset.UTC));
        }
        return jdbc.queryForObject("select min(seq), max(seq) from audit_event" + where, (rs, i) -> {
            long min = rs.getLong(1);
            return rs.wasNull() ? new long[] {1, 0} : new long[] {min, rs.getLong(2)};
        }, args.toArray());
    }

    /** Streams the entries with seq in [fromSeq, toSeq] in seq order (then id, should a seq ever repeat). */
    void forEachEntry(long fromSeq, long toSeq, Consumer<AuditRecord> each) {
        AuditPages.forEachEntry(jdbc, fromSeq, toSeq, each);
    }

    /** Streams the checkpoints with seq in [fromSeq, toSeq] in seq order. */
    void forEachCheckpoint(long fromSeq, long toSeq, Consumer<Checkpoint> each) {
        forEachCheckpoint(fromSeq, toSeq, Long.MAX_VALUE, each);
    }

    /** As above, only the checkpoints with an id up to {@code maxId} (those stored when it was read). */
    void forEachCheckpoint(long fromSeq, long toSeq, long maxId, Consumer<Checkpoint> each) {
        long afterId = Long.MIN_VALUE;
        while (true) {
            List<Object[]> page = jdbc.query("select * from audit_checkpoint where seq >= ? and seq <= ? and id > ?"
                            + " and id <= ? order by id fetch first ? rows only",
                    (rs, i) -> new Object[] {rs.getLong("id"), AuditRows.checkpoint(rs, i)},
                    fromSeq, toSeq, afterId, maxId, PAGE);
            for (Object[] row : page) {
                each.accept((Checkpoint) row[1]);
            }
            if (page.size() < PAGE) {
                return;
            }
            afterId = (Long) page.get(page.size() - 1)[0];
        }
    }

    private static void filter(StringBuilder where, List<Object> args, String column, String value) {
        if (value != null && !value.isBlank()) {
            where.append(" and ").append(column).append(" = ?");
            args.add(value);
        }
    }
}
