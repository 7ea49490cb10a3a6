package org.passerelle.gateway.audit;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Optional;
import org.passerelle.security.audit.Checkpoint;
import org.passerelle.security.audit.CheckpointSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signs a checkpoint over the chain head and the Merkle root of the entries up to it (format 2) with the node's key at
 * the configured interval, at startup and at shutdown, whenever the head moved since the last checkpoint. The head is locked while signing, so two nodes sharing the
 * database do not sign the same head twice.
 */
@Component
class AuditCheckpoints {

    private static final Logger log = LoggerFactory.getLogger(AuditCheckpoints.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ChainSealer sealer;
    private final CheckpointSigner signer;
    private final AuditMerkle merkle;
    private final Witnesses witnesses;
    private final AuditTrail audit;
    private final Clock clock;

    AuditCheckpoints(JdbcTemplate jdbc, PlatformTransactionManager transactions, ChainSealer sealer,
                     CheckpointSigner signer, AuditMerkle merkle, Witnesses witnesses, AuditTrail audit,
                     Clock clock) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.sealer = sealer;
        this.signer = signer;
        this.merkle = merkle;
        this.witnesses = witnesses;
        this.audit = audit;
        this.clock = clock;
    }

    /** Seals what is pending, then signs a checkpoint over the head if it moved; returns the new checkpoint. */
    Optional<Checkpoint> checkpointNow() {
        sealer.sealPending();
        return tx.execute(status -> {
            ChainSealer.Head head = sealer.lockHead();
            Long last = jdbc.queryForObject("select max(seq) from audit_checkpoint", Long.class);
            if (head.seq() == 0 || last != null && last >= head.seq()) {
                return Optional.<Checkpoint>empty();
            }
            // Never sign over a chain changed under the node (cut, wiped, rewritten while it ran).
            merkle.requireUnchanged();
            // The root covers exactly the entries up to the locked head: nothing can be sealed meanwhile.
            return Optional.of(signAndStore(head.seq(), head.hash(), merkle.root(head.seq())));
        });
    }

    /**
     * Signs a checkpoint over entry {@code seq} (its chain hash and the Merkle root of entries 1..seq) and stores it;
     * call in a transaction that holds the chain head ({@link ChainSealer#lockHead()}).
     */
    Checkpoint signAndStore(long seq, String hash, String merkleRoot) {
        Checkpoint c = signer.sign(seq, hash, merkleRoot, clock.instant());
        jdbc.update("""
                insert into audit_checkpoint (seq, head_hash, at, node_id, algorithm, signature, certificate_sha256,
                  merkle_root)
                values (?, ?, ?, ?, ?, ?, ?, ?)""", c.seq(), c.headHash(), c.at().atOffset(ZoneOffset.UTC), c.nodeId(),
                c.algorithm(), c.signature(), c.certificateSha256(), c.merkleRoot());
        return c;
    }

    /**
     * The {@code audit-checkpoint} job ({@link AuditConfiguration}), on one node of the party at a time, so that
     * partners are not asked to witness a round twice.
     */
    void scheduled() {
        quietly("scheduled", true);
    }

    /** The {@code audit-sealing} job: seals what the background sealer missed, on one node of the party at a time. */
    void sweep() {
        sealer.sweep();
    }

    /** Signed at startup; sent to the partners at the first scheduled round, so a start never waits on a partner. */
    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        quietly("startup", false);
    }

    /** Signed, not sent: the node is stopping; the checkpoint signed at the next start is witnessed and covers it. */
    @PreDestroy
    void atShutdown() {
        quietly("shutdown", false);
    }

    /** Signs a checkpoint if the head moved and sends it to the partners to witness; the witness message ids. */
    java.util.List<String> checkpointAndWitness() {
        sealer.sealPending();
        Long last = jdbc.queryForObject("select max(seq) from audit_checkpoint", Long.class);
        Optional<Checkpoint> signed = checkpointNow();
        Optional<Checkpoint> toSend = signed.isPresent() ? signed : Optional.ofNullable(last).flatMap(seq ->
                Optional.ofNullable(jdbc.query("select * from audit_checkpoint where seq = ? order by id desc"
                        + " fetch first 1 rows only", AuditRows::checkpoint, seq).stream().findFirst().orElse(null)));
        return toSend.map(witnesses::send).orElse(java.util.List.of());
    }

    private void quietly(String when, boolean witness) {
        try {
            if (witness) {
                java.util.List<String> sent = checkpointAndWitness();
                if (!sent.isEmpty()) {
                    log.info("Audit checkpoint at {} sent to the partners to witness ({} messages)", when, sent.size());
                }
            } else {
                checkpointNow().ifPresent(c -> log.info("Audit checkpoint signed at {} over seq {}", when, c.seq()));
            }
        } catch (AuditMerkle.ChainChanged e) {
            log.error("Audit checkpoint at {} refused: {}", when, e.getMessage());
            audit.refused(AuditTrail.Entry.of("node",
                    AuditChannel.AUDIT, AuditAction.AUDIT_CHAIN_CHANGED, AuditOutcome.REFUSED)
                    .code("AUDIT_CHAIN_CHANGED", e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("Audit checkpoint at {} failed: {}", when, e.toString());
        }
    }
}
