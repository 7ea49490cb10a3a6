package org.passerelle.gateway.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
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
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainReport;
import org.passerelle.security.audit.CheckpointSigner;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit log for auditors (role AUDITOR only): search entries, verify the whole chain and its checkpoints, export a
 * range for offline verification. Every call is itself audited: who, which call, the filter names and the range,
 * never the filter values (they may name people or cases).
 */
@RestController
@RequestMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Audit log", description = "Search, verify and export the hash-chained audit log (role AUDITOR)")
class AuditController {

    static final int MAX_PAGE_SIZE = 500;
    static final String JSON_LINES = "application/jsonl";

    record Entry(long seq, Instant at, String actor, String role, String channel, String action, String resource,
                 String purpose, String caseReference, String outcome, String partner, String messageId,
                 String messageType, String code, String detail, String payloadSha256, String prevHash, String hash) {

        static Entry of(AuditRecord r) {
            return new Entry(r.seq(), r.at(), r.actor(), r.role(), r.channel(), r.action(), r.resource(), r.purpose(),
                    r.caseReference(), r.outcome(), r.partner(), r.messageId(), r.messageType(), r.code(), r.detail(),
                    r.payloadSha256(), r.prevHash(), r.hash());
        }
    }

    record EntryPage(int page, int size, long total, List<Entry> entries) {
    }

    record CheckpointView(long seq, Instant at) {
    }

    record BreakView(long seq, String kind, String detail) {
    }

    record Verification(boolean ok, long entries, long checkpoints, CheckpointView lastCheckpoint,
                        long notCheckpointed, BreakView firstBreak) {
    }

    private final AuditLog log;
    private final AuditTrail audit;
    private final CheckpointSigner signer;
    private final NodeProperties node;
    private final Clock clock;

    AuditController(AuditLog log, AuditTrail audit, CheckpointSigner signer, NodeProperties node, Clock clock) {
        this.log = log;
        this.audit = audit;
        this.signer = signer;
        this.node = node;
        this.clock = clock;
    }

    @GetMapping("/entries")
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "Search audit entries, newest first (role AUDITOR)",
            description = "Filters by time range [from, to), actor, action, case reference and outcome; page from 0, "
                    + "size up to " + MAX_PAGE_SIZE + ". The search itself is audited (filter names only).")
    EntryPage entries(@RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                      @RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                      @RequestParam(required = false) String caseReference,
                      @RequestParam(required = false) String outcome,
                      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw invalid("page must be 0 or more and size between 1 and " + MAX_PAGE_SIZE);
        }
        List<String> filters = new ArrayList<>();
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("from", from);
        given.put("to", to);
        given.put("actor", actor);
        given.put("action", action);
        given.put("caseReference", caseReference);
        given.put("outcome", outcome);
        given.forEach((name, value) -> {
            if (value != null && !value.toString().isBlank()) {
                filters.add(name);
            }
        });
        AuditLog.Page result = log.search(new AuditLog.Search(from, to, actor, action, caseReference, outcome, page, size));
        record("AUDIT_SEARCH", "filters: " + (filters.isEmpty() ? "none" : String.join(",", filters))
                + "; page " + page + ", size " + size + "; " + result.entries().size() + " entries");
        return new EntryPage(result.page(), result.size(), result.total(),
                result.entries().stream().map(Entry::of).toList());
    }

    @GetMapping("/verify")
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "Verify the whole audit chain and every checkpoint (role AUDITOR)",
            description = "Streams through the chain in pages and answers whether it holds, how many entries and "
                    + "checkpoints it read, the last valid checkpoint, how many entries follow it, and the first break "
                    + "(seq, kind: ALTERED, DELETED, INSERTED, REORDERED, CHECKPOINT_FORGED, CHECKPOINT_MISMATCH, "
                    + "TRUNCATED). The verification itself is audited.")
    Verification verify() {
        ChainReport report = log.verify();
        record("AUDIT_VERIFY", report.ok()
                ? "chain holds: " + report.entries() + " entries, " + report.checkpoints() + " checkpoints"
                : "break at seq " + report.firstBreak().seq() + ": " + report.firstBreak().kind());
        return new Verification(report.ok(), report.entries(), report.checkpoints(),
                report.lastCheckpoint() == null ? null
                        : new CheckpointView(report.lastCheckpoint().seq(), report.lastCheckpoint().at()),
                report.notCheckpointed(),
                report.firstBreak() == null ? null : new BreakView(report.firstBreak().seq(),
                        report.firstBreak().kind().name(), report.firstBreak().detail()));
    }

    @GetMapping(path = "/export", produces = JSON_LINES)
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "Export a range of the audit chain as JSON Lines for offline verification (role AUDITOR)",
            description = "By seq (fromSeq, toSeq, inclusive; default the whole chain) or by time (from, to). Lines: "
                    + "a header (party, node id, range, signer certificate PEM), the checkpoints covering the range, "
                    + "then the entries with every hashed field. Verify with VerifyExport and the node certificate. "
                    + "The export itself is audited.")
    void export(@RequestParam(required = false) Long fromSeq, @RequestParam(required = false) Long toSeq,
                @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                HttpServletResponse response) throws IOException {
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
            first = fromSeq == null ? 1 : fromSeq;
            last = toSeq == null ? head : Math.min(toSeq, head);
        }
        if (first < 1 || last < first - 1) {
            throw invalid("fromSeq must be 1 or more and toSeq not below it");
        }
        record("AUDIT_EXPORT", "seq " + first + " to " + last);
        long a = first;
        long b = last;
        String header = ExportFormat.header(node.party(), node.nodeId(), a, b, clock.instant(), signer.certificate());
        // Written straight to the response as the pages are read: nothing but one page is held in memory. (Not a
        // StreamingResponseBody: its asynchronous re-dispatch meets the stateless API chain without its authentication.)
        response.setContentType(JSON_LINES);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-" + node.party() + "-" + a
                + "-" + b + ".jsonl\"");
        Writer w = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8),
                64 * 1024);
        w.write(header);
        w.write('\n');
        log.forEachCheckpoint(a - 1, b, c -> write(w, ExportFormat.line(c)));
        log.forEachEntry(a, b, e -> write(w, ExportFormat.line(e)));
        w.flush();
    }

    private static void write(Writer w, String line) {
        try {
            w.write(line);
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void record(String action, String detail) {
        Caller caller = Callers.current();
        audit.record(AuditTrail.Entry.of(caller == null ? "unknown" : caller.name(), "API", action, "GRANTED")
                .role(caller == null ? null : caller.auditRole()).resource("audit").code(null, detail));
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(GatewayErrorCode.AUDIT_QUERY_INVALID, message);
    }
}
