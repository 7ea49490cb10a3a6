package org.passerelle.gateway.audit.witness;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.audit.v1.AuditCheckpoint;
import org.passerelle.contracts.audit.v1.ConsistencyProof;
import org.passerelle.contracts.audit.v1.SignatureAlgorithm;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditMerkle;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditProperties;
import org.passerelle.gateway.audit.AuditRows;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.audit.ExportFormat;
import org.passerelle.gateway.audit.Witnesses;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.Envelopes;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.exchange.MessageRule;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.exchange.outbound.PartnerClients;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.audit.Checkpoint;
import org.passerelle.security.audit.MerkleTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Witnessed checkpoints, both sides.
 *
 * <p>As the witnessed node: each checkpoint signed on schedule or at startup is sent to every partner as an
 * {@code AuditCheckpoint} message, an ordinary signed and encrypted message submitted by the node itself, delivered,
 * retried and receipted like any other; {@code audit_witness} records which checkpoint went in which message and when
 * the partner's signed receipt for it was verified (audited {@code AUDIT_CHECKPOINT_WITNESSED}). One such message per
 * partner is in flight at a time, and each carries the RFC 9162 consistency proof from the last checkpoint that partner
 * receipted, so every checkpoint a partner keeps provably extends the one it kept before.
 *
 * <p>As the witness: an inbound {@code AuditCheckpoint} is refused unless it carries the signature of the partner's
 * gateway key over the checkpoint ({@code WITNESS_SIGNATURE_INVALID}) and extends the latest checkpoint this node kept
 * of that partner — not an earlier seq, not another hash or root at a kept seq, and with a valid consistency proof from
 * the latest kept one ({@code WITNESS_INCONSISTENT}, audited with both). Accepted ones are kept in the append-only
 * {@code witnessed_checkpoint} (audited {@code AUDIT_CHECKPOINT_KEPT}) and handed back on request: to the partner's node
 * over the partner port when it verifies its own log, and to this node's auditor.
 */
@Component
public class Witnessing implements MessageRule, MessageObserver, Witnesses {

    private static final Logger log = LoggerFactory.getLogger(Witnessing.class);
    static final String NODE = org.passerelle.gateway.exchange.outbound.IntakeService.NODE;
    private static final AuditChannel CHANNEL = AuditChannel.EXCHANGE;
    private static final HexFormat HEX = HexFormat.of();
    /**
     * Outcomes after which a witness message is no longer on its way (FAILED is not one: another attempt follows; a
     * PARKED one may be replayed, but the next checkpoint proves from whatever the partner then holds).
     */
    private static final Set<MessageStatus> SETTLED = EnumSet.of(MessageStatus.RECEIPT_VERIFIED,
            MessageStatus.DELIVERED, MessageStatus.PARKED);

    private final JdbcClient jdbc;
    private final PartnerRegistry partners;
    private final ObjectProvider<IntakeService> intake;
    private final ObjectProvider<PartnerClients> clients;
    private final MessageStore store;
    private final MessageCodec codec;
    private final AuditMerkle merkle;
    private final AuditTrail audit;
    private final AuditProperties properties;
    private final org.passerelle.security.audit.CheckpointSigner signer;
    private final NodeProperties node;
    private final Clock clock;

    Witnessing(JdbcClient jdbc, PartnerRegistry partners, ObjectProvider<IntakeService> intake,
               ObjectProvider<PartnerClients> clients, MessageStore store, MessageCodec codec, AuditMerkle merkle,
               AuditTrail audit, AuditProperties properties, org.passerelle.security.audit.CheckpointSigner signer,
               NodeProperties node, Clock clock) {
        this.jdbc = jdbc;
        this.partners = partners;
        this.intake = intake;
        this.clients = clients;
        this.store = store;
        this.codec = codec;
        this.merkle = merkle;
        this.audit = audit;
        this.properties = properties;
        this.signer = signer;
        this.node = node;
        this.clock = clock;
    }

    // ----- the witnessed node -----

    @Override
    public List<String> send(Checkpoint c) {
        if (!properties.witness() || c.merkleRoot() == null
                || !Fingerprints.sha256(signer.certificate()).equalsIgnoreCase(c.certificateSha256())) {
            // Only checkpoints signed with the current key: after a key rollover the partner may no longer hold the
            // earlier certificate, and the next checkpoint (signed with the new key) covers everything before it.
            return List.of();
        }
        return partners.all().stream().map(p -> {
            try {
                return sendTo(p.party(), c);
            } catch (RuntimeException e) {
                // Audited by intake when refused there; the next checkpoint is sent instead.
                log.warn("Could not send audit checkpoint {} to {} to witness: {}", c.seq(), p.party(), e.toString());
                return null;
            }
        }).filter(id -> id != null).toList();
    }

    private String sendTo(String party, Checkpoint c) {
        if (onItsWay(party)) {
            return null;
        }
        // What the partner holds decides what to prove from: not this node's own records, which whoever holds its
        // database could change, and which can lag behind what the partner kept.
        Copies held = ask(partners.require(party), true);
        if (held.problem() != null) {
            log.info("Audit checkpoint {} not sent to {} to witness this time: {}", c.seq(), party, held.problem());
            return null;
        }
        Optional<Checkpoint> latest = held.checkpoints().stream().reduce((a, b) -> b);
        if (latest.isPresent() && latest.get().seq() >= c.seq()) {
            return null;
        }
        if (latest.isPresent() && !merkle.root(latest.get().seq()).equalsIgnoreCase(latest.get().merkleRoot())) {
            // This node's log no longer extends what the partner witnessed: say so, and prove nothing false.
            Checkpoint k = latest.get();
            audit.refused(AuditTrail.Entry.of(NODE, CHANNEL, AuditAction.AUDIT_WITNESS_DISAGREES, AuditOutcome.REFUSED)
                    .partner(party)
                    .code("WITNESS_INCONSISTENT", party + " witnessed seq " + k.seq() + " with Merkle root "
                            + k.merkleRoot() + "; this node's log has another root there"));
            log.error("The audit log no longer extends the checkpoint {} witnessed at seq {}", party, k.seq());
            return null;
        }
        String messageId = UUID.randomUUID().toString();
        byte[] xml = envelope(party, c, latest.map(k -> proof(new Kept(k.seq(), k.merkleRoot()), c)).orElse(null),
                messageId);
        // Recorded first, so that a receipt verified before submit returns still finds its row.
        jdbc.sql("""
                insert into audit_witness (partner, seq, merkle_root, message_id, sent_at)
                values (:p, :seq, :root, :id, :at)""").param("p", party).param("seq", c.seq())
                .param("root", c.merkleRoot()).param("id", messageId)
                .param("at", clock.instant().atOffset(ZoneOffset.UTC)).update();
        try {
            intake.getObject().submitOwn(xml);
        } catch (RuntimeException e) {
            if (!store.exists(messageId)) {
                jdbc.sql("delete from audit_witness where message_id = :id").param("id", messageId).update();
            }
            throw e;
        }
        return messageId;
    }

    /** Whether a witness message to the partner is still being delivered (not receipted, parked or failed). */
    private boolean onItsWay(String party) {
        List<String> open = jdbc.sql("select message_id from audit_witness where partner = :p and receipted_at is null")
                .param("p", party).query(String.class).list();
        return open.stream().anyMatch(id -> store.find(id).map(m -> !SETTLED.contains(m.status())).orElse(false));
    }

    private record Kept(long seq, String merkleRoot) {
    }

    private record Sent(String partner, long seq) {
    }

    private ConsistencyProof proof(Kept from, Checkpoint to) {
        ConsistencyProof p = new ConsistencyProof();
        p.setFromSeq(from.seq());
        p.setFromMerkleRoot(from.merkleRoot());
        p.getHash().addAll(merkle.consistencyProof(from.seq(), to.seq()));
        return p;
    }

    private byte[] envelope(String party, Checkpoint c, ConsistencyProof proof, String messageId) {
        AuditCheckpoint body = new AuditCheckpoint();
        body.setSeq(c.seq());
        body.setHeadHash(c.headHash());
        body.setMerkleRoot(c.merkleRoot());
        body.setSignedAt(c.at().atOffset(ZoneOffset.UTC));
        body.setNodeId(c.nodeId());
        body.setAlgorithm(SignatureAlgorithm.fromValue(c.algorithm()));
        body.setCertificateSha256(c.certificateSha256());
        body.setSignature(c.signature());
        body.setExtends(proof);
        Body b = new Body();
        b.setAuditCheckpoint(body);
        Envelope e = Envelopes.own(messageId, node.party(), party, MessageType.AUDIT_CHECKPOINT, clock.instant(), b);
        return codec.encode(e);
    }

    @Override
    public void receiptVerified(String messageId, Instant receivedAt) {
        Optional<Sent> sent = jdbc.sql("select partner, seq from audit_witness where message_id = :id"
                        + " and receipted_at is null").param("id", messageId)
                .query((rs, n) -> new Sent(rs.getString("partner"), rs.getLong("seq"))).optional();
        if (sent.isEmpty()) {
            return;
        }
        jdbc.sql("update audit_witness set receipted_at = :at where message_id = :id")
                .param("at", receivedAt.atOffset(ZoneOffset.UTC)).param("id", messageId).update();
        String party = sent.get().partner();
        audit.record(AuditTrail.Entry.of(NODE, CHANNEL, AuditAction.AUDIT_CHECKPOINT_WITNESSED, AuditOutcome.OK)
                .partner(party)
                .message(messageId, Partner.AUDIT_CHECKPOINT, null)
                .detail(party + " receipted the checkpoint over seq " + sent.get().seq()));
    }

    // ----- the witness -----

    @Override
    public void check(MessageContext message) {
        AuditCheckpoint body = message.envelope().getBody().getAuditCheckpoint();
        if (body == null) {
            return;
        }
        if (message.direction() == Direction.OUTBOUND) {
            if (!NODE.equals(message.actor())) {
                throw new GatewayException(GatewayErrorCode.MESSAGE_TYPE_NOT_ALLOWED,
                        "Only the node itself sends its audit checkpoints");
            }
            return;
        }
        String party = message.facts().from();
        Checkpoint c = checkpoint(body);
        X509Certificate signer = clients.getObject().encryptionCertificates(partners.require(party)).stream()
                .filter(cert -> Fingerprints.sha256(cert).equalsIgnoreCase(c.certificateSha256()))
                .findFirst().orElse(null);
        if (signer == null || !c.verify(signer)) {
            throw new GatewayException(GatewayErrorCode.WITNESS_SIGNATURE_INVALID, "The checkpoint over seq " + c.seq()
                    + " does not carry the signature of " + party + "'s gateway key");
        }
        Optional<Checkpoint> latest = latestKept(party);
        if (latest.isEmpty()) {
            return;
        }
        Checkpoint k = latest.get();
        if (c.seq() < k.seq()) {
            throw inconsistent(party, c, k, "its log is rolled back: seq " + c.seq() + " is before seq " + k.seq()
                    + ", witnessed already");
        }
        if (c.seq() == k.seq()) {
            if (!c.headHash().equals(k.headHash()) || !c.merkleRoot().equals(k.merkleRoot())) {
                throw inconsistent(party, c, k, "its log forked: seq " + c.seq() + " was witnessed with another hash");
            }
            return;
        }
        ConsistencyProof p = body.getExtends();
        if (p == null || p.getFromSeq() != k.seq() || !k.merkleRoot().equals(p.getFromMerkleRoot())) {
            throw inconsistent(party, c, k, "no consistency proof from seq " + k.seq() + ", the latest witnessed"
                    + (p == null ? "" : " (a proof from seq " + p.getFromSeq() + " was given)"));
        }
        List<byte[]> path = p.getHash().stream().map(HEX::parseHex).toList();
        if (!MerkleTree.verifyConsistency(k.seq(), c.seq(), HEX.parseHex(k.merkleRoot()), HEX.parseHex(c.merkleRoot()),
                path)) {
            throw inconsistent(party, c, k, "the consistency proof from seq " + k.seq() + " does not hold: the log"
                    + " was not only appended to");
        }
    }

    private static GatewayException inconsistent(String party, Checkpoint c, Checkpoint kept, String why) {
        return new GatewayException(GatewayErrorCode.WITNESS_INCONSISTENT, party + "'s checkpoint over seq " + c.seq()
                + " (hash " + c.headHash() + ") does not extend the one witnessed over seq " + kept.seq() + " (hash "
                + kept.headHash() + "): " + why);
    }

    @Override
    public void accepted(MessageContext message) {
        AuditCheckpoint body = message.envelope().getBody().getAuditCheckpoint();
        if (body == null || message.direction() != Direction.INBOUND) {
            return;
        }
        String party = message.facts().from();
        Checkpoint c = checkpoint(body);
        Optional<Checkpoint> same = jdbc.sql("select * from witnessed_checkpoint where party = :p and seq = :seq")
                .param("p", party).param("seq", c.seq()).query(AuditRows::checkpoint).optional();
        boolean known = same.isPresent();
        if (known && (!same.get().headHash().equals(c.headHash()) || !same.get().merkleRoot().equals(c.merkleRoot()))) {
            // Kept meanwhile by a message processed at the same time: a fork all the same.
            throw inconsistent(party, c, same.get(), "its log forked: seq " + c.seq() + " was witnessed with another hash");
        }
        if (!known) {
            long prev = body.getExtends() == null ? 0 : body.getExtends().getFromSeq();
            jdbc.sql("""
                    insert into witnessed_checkpoint (party, seq, head_hash, merkle_root, at, node_id, algorithm,
                      signature, certificate_sha256, message_id, witnessed_at, prev_seq)
                    values (:p, :seq, :head, :root, :at, :node, :alg, :sig, :cert, :mid, :now, :prev)""")
                    .param("p", party).param("seq", c.seq()).param("head", c.headHash()).param("root", c.merkleRoot())
                    .param("at", c.at().atOffset(ZoneOffset.UTC)).param("node", c.nodeId())
                    .param("alg", c.algorithm()).param("sig", c.signature()).param("cert", c.certificateSha256())
                    .param("mid", message.facts().messageId())
                    .param("now", clock.instant().atOffset(ZoneOffset.UTC)).param("prev", prev).update();
        }
        audit.record(AuditTrail.Entry.of(NODE, CHANNEL, AuditAction.AUDIT_CHECKPOINT_KEPT, AuditOutcome.OK).partner(party)
                .message(message.facts().messageId(), Partner.AUDIT_CHECKPOINT, message.facts().sha256())
                .detail("kept " + party + "'s checkpoint over seq " + c.seq() + (known ? " (already kept)" : "")));
    }

    /** The latest checkpoint of the party's log this node kept as a witness. */
    Optional<Checkpoint> latestKept(String party) {
        return jdbc.sql("select * from witnessed_checkpoint where party = :p order by seq desc fetch first 1 rows only")
                .param("p", party).query(AuditRows::checkpoint).optional();
    }

    @Override
    public List<Checkpoint> kept(String party, long afterSeq, int limit) {
        return jdbc.sql("select * from witnessed_checkpoint where party = :p and seq > :after order by seq"
                        + " fetch first :limit rows only")
                .param("p", party).param("after", afterSeq).param("limit", limit).query(AuditRows::checkpoint).list();
    }

    // ----- asking for the copies -----

    /** The partner port's resource that hands a partner's node the copies of its checkpoints this node kept. */
    public static final String COPIES_PATH = "/exchange/v1/witnessed";

    /**
     * The partner port's answer to a partner's node asking what this node kept of its log: JSON with the copies after
     * {@code afterSeq} (each exactly as that node signed it) and whether more follow. Audited.
     */
    public byte[] copiesFor(String party, long afterSeq, boolean latestOnly) {
        List<Checkpoint> page = latestOnly ? latestKept(party).map(List::of).orElse(List.of())
                : kept(party, afterSeq, COPIES_PAGE);
        java.util.Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("format", "passerelle-witnessed/1");
        answer.put("witness", node.party());
        answer.put("party", party);
        answer.put("checkpoints", page.stream().map(ExportFormat::map).toList());
        answer.put("more", page.size() == COPIES_PAGE);
        audit.record(AuditTrail.Entry.of(party, CHANNEL, AuditAction.WITNESSED_CHECKPOINTS_READ, AuditOutcome.OK)
                .partner(party)
                .detail(latestOnly ? "the latest checkpoint of " + party + "'s log"
                        : page.size() + " checkpoints of " + party + "'s log after seq " + afterSeq));
        return ExportFormat.JSON.writeValueAsBytes(answer);
    }

    @Override
    public java.util.Map<String, Copies> askPartners() {
        java.util.Map<String, Copies> out = new java.util.TreeMap<>();
        if (!properties.witness()) {
            return out;
        }
        // Asked side by side: one slow partner does not add its wait to the others'.
        java.util.Map<String, java.util.concurrent.CompletableFuture<Copies>> asked = new java.util.TreeMap<>();
        for (Partner p : partners.all()) {
            asked.put(p.party(), java.util.concurrent.CompletableFuture.supplyAsync(() -> ask(p, false),
                    java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        asked.forEach((party, f) -> out.put(party, f.join()));
        return out;
    }

    /** The most copies taken from one partner: far more than years of checkpoints, bounded against a hostile one. */
    static final int MAX_COPIES = 1_000_000;
    /** The largest answer read from a partner: one page of copies is well under 4 MB. */
    static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

    private Copies ask(Partner partner, boolean latestOnly) {
        if (partner.baseUrl() == null) {
            return new Copies(List.of(), partner.party() + " has no exchange port to ask (transport "
                    + partner.transport() + ")");
        }
        List<Checkpoint> all = new java.util.ArrayList<>();
        long after = 0;
        try {
            while (true) {
                java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                                partner.baseUrl().resolve(COPIES_PATH + (latestOnly ? "?latest" : "?after=" + after)))
                        .timeout(properties.witnessTimeout()).GET().build();
                java.net.http.HttpResponse<java.io.InputStream> response = clients.getObject().client(partner)
                        .send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
                byte[] body;
                try (java.io.InputStream in = response.body()) {
                    body = in.readNBytes(MAX_ANSWER_BYTES + 1);
                }
                if (response.statusCode() != 200) {
                    return new Copies(List.of(), partner.party() + " answered " + response.statusCode()
                            + response.headers().firstValue("X-Passerelle-Fault").map(c -> " (" + c + ")").orElse(""));
                }
                if (body.length > MAX_ANSWER_BYTES) {
                    return new Copies(List.of(), partner.party() + " answered more than " + MAX_ANSWER_BYTES + " bytes");
                }
                tools.jackson.databind.JsonNode answer = ExportFormat.JSON.readTree(body);
                if (!node.party().equals(answer.path("party").stringValue(null))
                        || !partner.party().equals(answer.path("witness").stringValue(null))) {
                    return new Copies(List.of(), partner.party() + " answered for another party");
                }
                for (tools.jackson.databind.JsonNode c : answer.get("checkpoints")) {
                    if (all.size() >= MAX_COPIES) {
                        return new Copies(List.of(), partner.party() + " answered more than " + MAX_COPIES + " copies");
                    }
                    Checkpoint copy = ExportFormat.checkpoint(c);
                    if (copy.seq() <= after) {
                        return new Copies(List.of(), partner.party() + " answered out of order");
                    }
                    all.add(copy);
                    after = copy.seq();
                }
                if (latestOnly || !answer.path("more").booleanValue()) {
                    return new Copies(all, null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Copies(List.of(), "interrupted");
        } catch (java.io.IOException | RuntimeException e) {
            return new Copies(List.of(), partner.party() + " could not be asked: " + e.getClass().getSimpleName());
        }
    }

    static Checkpoint checkpoint(AuditCheckpoint b) {
        OffsetDateTime at = b.getSignedAt();
        return new Checkpoint(b.getSeq(), b.getHeadHash(), at.toInstant(), b.getNodeId(), b.getAlgorithm().value(),
                b.getSignature(), b.getCertificateSha256(), b.getMerkleRoot());
    }
}
