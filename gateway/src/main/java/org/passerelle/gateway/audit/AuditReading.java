package org.passerelle.gateway.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainReport;
import org.passerelle.security.audit.Checkpoint;
import org.passerelle.security.audit.CheckpointSigner;
import org.springframework.stereotype.Component;

/**
 * The auditor's reading of the audit log, shared by the API and the console: search, verify the whole chain, export
 * a range as JSON Lines, prove one entry's inclusion or one checkpoint's consistency with an earlier one. Every reading is itself audited (who, which reading, the filter names and the range, never the
 * filter values) under the channel it came through.
 */
@Component
public class AuditReading {

    public static final int MAX_PAGE_SIZE = 500;
    public static final String JSON_LINES = "application/jsonl";
    /** The format of an inclusion proof document. */
    public static final String PROOF_FORMAT = "passerelle-audit-proof/1";
    /** The format of a consistency proof document. */
    public static final String CONSISTENCY_FORMAT = "passerelle-audit-consistency/1";
    /** The format of the checkpoints a witness kept of a partner's log. */
    public static final String WITNESSED_FORMAT = "passerelle-witnessed/1";

    /** One sealed entry with every hashed field. */
    public record Entry(long seq, Instant at, String actor, String role, String channel, String action, String resource,
                        String purpose, String caseReference, String outcome, String partner, String messageId,
                        String messageType, String code, String detail, String payloadSha256, String prevHash,
                        String hash) {

        static Entry of(AuditRecord r) {
            return new Entry(r.seq(), r.at(), r.actor(), r.role(), r.channel(), r.action(), r.resource(), r.purpose(),
                    r.caseReference(), r.outcome(), r.partner(), r.messageId(), r.messageType(), r.code(), r.detail(),
                    r.payloadSha256(), r.prevHash(), r.hash());
        }
    }

    public record EntryPage(int page, int size, long total, List<Entry> entries) {
    }

    /**
     * A checkpoint, with the SHA-256 of the certificate that verified it and that certificate's place in a key rollover
     * ({@code CURRENT}, {@code NEXT}, {@code PREVIOUS}).
     */
    public record CheckpointView(long seq, Instant at, String certificateSha256, String certificateRole) {
    }

    /** One of the node's certificates and how many checkpoints' signatures it verified. */
    public record SignerView(String certificateSha256, String role, long checkpoints) {
    }

    public record BreakView(long seq, String kind, String detail) {
    }

    /**
     * What one partner kept of this node's log and what it showed: how many copies it gave, how many did not carry the
     * node's signature (ignored), the latest seq it witnessed and up to where the chain agrees with it; {@code problem}
     * says why it could not be asked (then nothing else is known of it).
     */
    public record WitnessView(String partner, String problem, long checkpoints, long rejected, long latestSeq,
                              long agreedUpTo, Instant latestAt, boolean lagging) {

        /** Whether this witness vouches for the log as far as it should: asked, every copy the node's, not lagging. */
        boolean vouches() {
            return problem == null && rejected == 0 && !lagging;
        }
    }

    /**
     * @param ok     the chain holds and a checkpoint vouches for it ({@code status} VERIFIED)
     * @param status VERIFIED; UNVERIFIED when it holds but no valid checkpoint vouches for it; BROKEN at the first break
     */
    public record Verification(boolean ok, String status, long entries, long checkpoints, CheckpointView lastCheckpoint,
                               long notCheckpointed, BreakView firstBreak, List<SignerView> signers,
                               List<WitnessView> witnesses, PrunedView pruned) {
    }

    /**
     * The chain's start pruned under retention: entries 1..upToSeq are gone, and the chain verifies on from the
     * checkpoint signed at upToSeq and the Merkle frontier kept with it.
     *
     * @param oldestKept when the first entry kept was recorded
     */
    public record PrunedView(long upToSeq, Instant prunedAt, int keptForDays, Instant oldestKept) {
    }

    /** A search; null or blank filters match everything; {@code to} is exclusive. */
    public record Filters(Instant from, Instant to, String actor, String action, String caseReference, String outcome) {
    }

    /** An export's seq range (inclusive), already checked. */
    public record Range(long first, long last) {
    }

    private final AuditLog log;
    private final AuditTrail audit;
    private final AuditReaders readers;
    private final CheckpointSigner signer;
    private final CheckpointCertificates certificates;
    private final AuditMerkle merkle;
    private final Witnesses witnesses;
    private final AuditProperties properties;
    private final PartnerRegistry partners;
    private final NodeProperties node;
    private final Clock clock;

    AuditReading(AuditLog log, AuditTrail audit, AuditReaders readers, CheckpointSigner signer,
                 CheckpointCertificates certificates, AuditMerkle merkle, Witnesses witnesses, AuditProperties properties,
                 PartnerRegistry partners, NodeProperties node, Clock clock) {
        this.log = log;
        this.audit = audit;
        this.readers = readers;
        this.signer = signer;
        this.certificates = certificates;
        this.merkle = merkle;
        this.witnesses = witnesses;
        this.properties = properties;
        this.partners = partners;
        this.node = node;
        this.clock = clock;
    }

    /** Entries matching the filters, newest first; AUDIT_QUERY_INVALID for a bad page or size. */
    public EntryPage search(Filters f, int page, int size, AuditChannel channel) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw invalid("page must be 0 or more and size between 1 and " + MAX_PAGE_SIZE);
        }
        List<String> filters = new ArrayList<>();
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("from", f.from());
        given.put("to", f.to());
        given.put("actor", f.actor());
        given.put("action", f.action());
        given.put("caseReference", f.caseReference());
        given.put("outcome", f.outcome());
        given.forEach((name, value) -> {
            if (value != null && !value.toString().isBlank()) {
                filters.add(name);
            }
        });
        AuditLog.Page result = log.search(new AuditLog.Search(f.from(), f.to(), f.actor(), f.action(),
                f.caseReference(), f.outcome(), page, size));
        record(channel, AuditAction.AUDIT_SEARCH, "filters: " + (filters.isEmpty() ? "none" : String.join(",", filters))
                + "; page " + page + ", size " + size + "; " + result.entries().size() + " entries");
        return new EntryPage(result.page(), result.size(), result.total(),
                result.entries().stream().map(Entry::of).toList());
    }

    /**
     * Verifies the whole chain and every checkpoint, each with the node certificate it records (current, next or
     * previous), and says which certificate verified how many.
     */
    public Verification verify(AuditChannel channel) {
        Map<String, Witnesses.Copies> copies = witnesses.askPartners();
        Map<String, List<Checkpoint>> witnessed = new LinkedHashMap<>();
        copies.forEach((party, c) -> witnessed.put(party, c.checkpoints()));
        ChainReport report = log.verify(witnessed);
        Checkpoint lastLocal = report.lastCheckpoint();
        Instant now = clock.instant();
        List<WitnessView> witnesses = copies.entrySet().stream().map(e -> {
            ChainReport.Witness w = report.witnesses().getOrDefault(e.getKey(), new ChainReport.Witness(0, 0, 0, 0));
            Instant latestAt = e.getValue().checkpoints().stream().filter(c -> c.seq() == w.latestSeq())
                    .map(Checkpoint::at).findFirst().orElse(null);
            // Lagging: the node has checkpointed past the witness's latest copy, and that copy (or, with none, the
            // node's first checkpoint still unwitnessed) is older than the allowed lag: witnessing has stopped.
            Instant since = latestAt != null ? latestAt : firstCheckpointAt();
            boolean lagging = e.getValue().problem() == null && lastLocal != null && lastLocal.seq() > w.latestSeq()
                    && since != null && since.plus(properties.witnessMaxLag()).isBefore(now);
            return new WitnessView(e.getKey(), e.getValue().problem(), w.given(), w.rejected(), w.latestSeq(),
                    w.agreedUpTo(), latestAt, lagging);
        }).toList();
        boolean vouched = witnesses.stream().allMatch(WitnessView::vouches);
        String witnessedBy = witnesses.stream().map(w -> w.partner() + (w.problem() != null ? " unreachable"
                : " up to seq " + w.agreedUpTo())).reduce((a, b) -> a + ", " + b).orElse("no partner");
        List<SignerView> signers = certificates.all().stream().map(k -> new SignerView(k.sha256(), k.role(),
                report.verifiedBy().getOrDefault(k.sha256(), 0L))).toList();
        String by = signers.stream().filter(s -> s.checkpoints() > 0)
                .map(s -> s.role() + " " + s.checkpoints()).reduce((a, b) -> a + ", " + b).orElse("none");
        String status = !report.ok() ? "BROKEN" : !report.verified() ? "UNVERIFIED"
                : vouched ? "VERIFIED" : "UNWITNESSED";
        record(channel, AuditAction.AUDIT_VERIFY, report.ok()
                ? "chain holds: " + report.entries() + " entries, " + report.checkpoints() + " checkpoints"
                        + " (verified by " + by + "; witnessed by " + witnessedBy + ")"
                        + (report.verified() ? "" : "; UNVERIFIED: no checkpoint vouches for it")
                        + (!report.verified() || vouched ? "" : "; UNWITNESSED: a partner could not be asked, gave"
                                + " copies the node's certificates do not verify, or stopped witnessing")
                : "break at seq " + report.firstBreak().seq() + ": " + report.firstBreak().kind());
        Checkpoint last = report.lastCheckpoint();
        return new Verification("VERIFIED".equals(status), status, report.entries(), report.checkpoints(),
                last == null ? null : new CheckpointView(last.seq(), last.at(), last.certificateSha256(),
                        certificates.roleOf(last.certificateSha256())),
                report.notCheckpointed(),
                report.firstBreak() == null ? null : new BreakView(report.firstBreak().seq(),
                        report.firstBreak().kind().name(), report.firstBreak().detail()),
                signers, witnesses, log.pruned().map(p -> new PrunedView(p.upToSeq(), p.prunedAt(), p.keptForDays(),
                        p.oldestKept())).orElse(null));
    }

    /**
     * The range to export, by seq (inclusive; default the whole chain) or by time ([from, to)), not both; checked,
     * and the export audited. AUDIT_QUERY_INVALID when the range is wrong.
     */
    public Range exportRange(Long fromSeq, Long toSeq, Instant from, Instant to, AuditChannel channel) {
        long head = log.head();
        long first;
        long last;
        if (from != null || to != null) {
            if (fromSeq != null || toSeq != null) {
                throw invalid("give a seq range or a time range, not both");
            }
            long[] range = log.seqRange(from, to);
            first = range[0];
            last = range[1];
        } else {
            first = fromSeq == null ? prunedUpTo() + 1 : fromSeq;
            last = toSeq == null ? head : Math.min(toSeq, head);
        }
        if (first < 1 || last < first - 1) {
            throw invalid("fromSeq must be 1 or more and toSeq not below it");
        }
        requireKept(first);
        record(channel, AuditAction.AUDIT_EXPORT, "seq " + first + " to " + last);
        return new Range(first, last);
    }

    private Instant firstCheckpointAt() {
        return log.firstCheckpointAt().orElse(null);
    }

    /** This node's party. */
    public String party() {
        return node.party();
    }

    /** The partner whose kept checkpoints are asked for, checked (AUDIT_QUERY_INVALID), and the reading audited. */
    public String witnessedParty(String party, AuditChannel channel) {
        if (party == null || !party.matches("[A-Z]{2}") || partners.find(party).isEmpty()) {
            throw invalid("party must name a partner of this node");
        }
        record(channel, AuditAction.AUDIT_WITNESSED_EXPORT, "checkpoints of " + party + "'s log kept as its witness");
        return party;
    }

    /** Writes the header and every checkpoint of the partner's log this node kept, page by page. */
    public void writeWitnessed(String party, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("type", "header");
        header.put("format", WITNESSED_FORMAT);
        header.put("witness", node.party());
        header.put("party", party);
        header.put("exportedAt", clock.instant().toString());
        w.write(ExportFormat.JSON.writeValueAsString(header));
        w.write('\n');
        long after = 0;
        while (true) {
            List<Checkpoint> page = witnesses.kept(party, after, Witnesses.COPIES_PAGE);
            for (Checkpoint c : page) {
                write(w, ExportFormat.line(c));
                after = c.seq();
            }
            if (page.size() < Witnesses.COPIES_PAGE) {
                break;
            }
        }
        w.flush();
    }

    /** The file name an export of the range is offered under. */
    public String fileName(Range range) {
        return "audit-" + node.party() + "-" + range.first() + "-" + range.last() + ".jsonl";
    }

    /**
     * Writes the export (header, checkpoints covering the range, entries) to the stream as the pages are read:
     * nothing but one page is held in memory.
     */
    public void export(Range range, OutputStream out) throws IOException {
        long a = range.first();
        long b = range.last();
        String header = ExportFormat.header(node.party(), node.nodeId(), a, b, clock.instant(), signer.certificate());
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        w.write(header);
        w.write('\n');
        log.forEachCheckpoint(a - 1, b, c -> write(w, ExportFormat.line(c)));
        log.forEachEntry(a, b, e -> write(w, ExportFormat.line(e)));
        w.flush();
    }

    /**
     * Entry {@code seq} with its Merkle inclusion proof against the checkpoint at {@code checkpointSeq} (null: the
     * earliest checkpoint with a root that covers the entry), as the JSON document {@link VerifyProof} checks offline:
     * the entry with every hashed field, the signed checkpoint (its certificate's SHA-256, its signature), the tree
     * size, the leaf index and the audit path (hex). Audited with the two seqs.
     */
    public String proof(long seq, Long checkpointSeq, AuditChannel channel) {
        if (seq < 1 || checkpointSeq != null && checkpointSeq < seq) {
            throw invalid("seq must be 1 or more and the checkpoint at or after it");
        }
        requireKept(seq);
        long head = log.head();
        AuditRecord entry = log.entry(seq).orElseThrow(() -> new GatewayException(
                GatewayErrorCode.AUDIT_ENTRY_NOT_FOUND, "no audit entry at seq " + seq + " (the head is at " + head + ")"));
        Checkpoint c = (checkpointSeq == null ? log.firstRootedCheckpointFrom(seq) : log.checkpointAt(checkpointSeq))
                .orElseThrow(() -> new GatewayException(GatewayErrorCode.AUDIT_CHECKPOINT_NOT_FOUND,
                        checkpointSeq == null ? "no checkpoint with a Merkle root covers seq " + seq + " yet"
                                : "no checkpoint at seq " + checkpointSeq));
        rooted(c);
        List<String> path = merkleProof(() -> merkle.inclusionProof(seq, c.seq()));
        record(channel, AuditAction.AUDIT_PROOF, "seq " + seq + " against checkpoint " + c.seq());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", PROOF_FORMAT);
        doc.put("party", node.party());
        doc.put("nodeId", node.nodeId());
        doc.put("entry", ExportFormat.map(entry));
        doc.put("checkpoint", ExportFormat.map(c));
        doc.put("treeSize", c.seq());
        doc.put("leafIndex", seq - 1);
        doc.put("auditPath", path);
        return ExportFormat.JSON.writeValueAsString(doc);
    }

    /**
     * The consistency proof (RFC 9162) from the checkpoint at {@code fromSeq} to the checkpoint at {@code toSeq}, both
     * with a Merkle root: what a partner who witnessed the earlier one needs to check the later one extends it.
     */
    public String consistency(long fromSeq, long toSeq, AuditChannel channel) {
        if (fromSeq < 1 || toSeq < fromSeq) {
            throw invalid("from must be 1 or more and to not below it");
        }
        // The checkpoint the prune was anchored at is the first a consistency proof can start from.
        requireKept(fromSeq + 1);
        Checkpoint a = log.checkpointAt(fromSeq).orElseThrow(() -> new GatewayException(
                GatewayErrorCode.AUDIT_CHECKPOINT_NOT_FOUND, "no checkpoint at seq " + fromSeq));
        Checkpoint b = log.checkpointAt(toSeq).orElseThrow(() -> new GatewayException(
                GatewayErrorCode.AUDIT_CHECKPOINT_NOT_FOUND, "no checkpoint at seq " + toSeq));
        rooted(a);
        rooted(b);
        log.head();
        List<String> proof = merkleProof(() -> merkle.consistencyProof(fromSeq, toSeq));
        record(channel, AuditAction.AUDIT_CONSISTENCY, "checkpoint " + fromSeq + " to checkpoint " + toSeq);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", CONSISTENCY_FORMAT);
        doc.put("party", node.party());
        doc.put("nodeId", node.nodeId());
        doc.put("from", ExportFormat.map(a));
        doc.put("to", ExportFormat.map(b));
        doc.put("proof", proof);
        return ExportFormat.JSON.writeValueAsString(doc);
    }

    private long prunedUpTo() {
        return log.pruned().map(AuditLog.Pruned::upToSeq).orElse(0L);
    }

    /** AUDIT_ENTRIES_PRUNED when entry {@code seq} was pruned under retention. */
    private void requireKept(long seq) {
        long upTo = prunedUpTo();
        if (seq <= upTo) {
            throw new GatewayException(GatewayErrorCode.AUDIT_ENTRIES_PRUNED, "the audit entries up to seq " + upTo
                    + " were pruned under retention; the chain starts at seq " + (upTo + 1));
        }
    }

    private static void rooted(Checkpoint c) {
        if (c.merkleRoot() == null) {
            throw invalid("the checkpoint at seq " + c.seq() + " was signed before checkpoints signed a Merkle root"
                    + " (format 1): ask against a later one");
        }
    }

    private static List<String> merkleProof(java.util.function.Supplier<List<String>> proof) {
        try {
            return proof.get();
        } catch (IllegalStateException e) {
            throw new GatewayException(GatewayErrorCode.AUDIT_CHAIN_BROKEN, e.getMessage());
        }
    }

    private static void write(Writer w, String line) {
        try {
            w.write(line);
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void record(AuditChannel channel, AuditAction action, String detail) {
        AuditReaders.Reader reader = readers.current();
        audit.record(AuditTrail.Entry.of(reader.name(), channel, action, AuditOutcome.GRANTED)
                .role(reader.role()).resource("audit").detail(detail));
    }

    static GatewayException invalid(String message) {
        return new GatewayException(GatewayErrorCode.AUDIT_QUERY_INVALID, message);
    }
}
