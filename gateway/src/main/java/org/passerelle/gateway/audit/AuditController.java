package org.passerelle.gateway.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit log for auditors (role AUDITOR only): search entries, verify the whole chain and its checkpoints, export a
 * range for offline verification, prove one entry's inclusion or two checkpoints' consistency. Every call is itself audited (see {@link AuditReading}): who, which call, the filter
 * names and the range, never the filter values (they may name people or cases).
 */
@RestController
@RequestMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Audit log", description = "Search, verify and export the hash-chained audit log (role AUDITOR)")
class AuditController {

    static final int MAX_PAGE_SIZE = AuditReading.MAX_PAGE_SIZE;
    static final String JSON_LINES = AuditReading.JSON_LINES;
    private static final AuditChannel CHANNEL = AuditChannel.API;

    private final AuditReading reading;

    AuditController(AuditReading reading) {
        this.reading = reading;
    }

    @GetMapping("/entries")
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "Search audit entries, newest first (role AUDITOR)",
            description = "Filters by time range [from, to), actor, action, case reference and outcome; page from 0, "
                    + "size up to " + MAX_PAGE_SIZE + ". The search itself is audited (filter names only).")
    AuditReading.EntryPage entries(@RequestParam(required = false) Instant from,
                                   @RequestParam(required = false) Instant to,
                                   @RequestParam(required = false) String actor,
                                   @RequestParam(required = false) String action,
                                   @RequestParam(required = false) String caseReference,
                                   @RequestParam(required = false) String outcome,
                                   @RequestParam(defaultValue = "0") int page,
                                   @RequestParam(defaultValue = "50") int size) {
        return reading.search(new AuditReading.Filters(from, to, actor, action, caseReference, outcome), page, size,
                CHANNEL);
    }

    @GetMapping("/verify")
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "Verify the whole audit chain and every checkpoint (role AUDITOR)",
            description = "Streams through the chain in pages and answers whether it holds, how many entries and "
                    + "checkpoints it read, the last valid checkpoint, how many entries follow it, and the first break "
                    + "(seq, kind: ALTERED, DELETED, INSERTED, REORDERED, CHECKPOINT_FORGED, CHECKPOINT_SIGNER_UNKNOWN, CHECKPOINT_MISMATCH, "
                    + "TRUNCATED, WITNESS_MISMATCH). Each checkpoint is verified with the node certificate it records: the current, "
                    + "next or a previous one (after a key rollover); signers says which verified how many. "
                    + "Every partner is asked over the partner port for the copies of this node's checkpoints it kept "
                    + "as a witness; witnesses says, per partner, how many it gave and up to which seq the chain "
                    + "agrees with them, or why it could not be asked. "
                    + "The verification itself is audited.")
    AuditReading.Verification verify() {
        return reading.verify(CHANNEL);
    }

    @GetMapping("/entries/{seq}/proof")
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "One audit entry with its Merkle inclusion proof against a signed checkpoint (role AUDITOR)",
            description = "The entry with every hashed field, the checkpoint (signed over seq, head hash, Merkle root, "
                    + "time and node id, with its certificate's SHA-256 and the signature), the tree size, the leaf "
                    + "index (seq - 1) and the audit path (hex, RFC 9162). checkpoint: the seq of the checkpoint to prove "
                    + "against (default: the earliest with a Merkle root that covers the entry). Check it offline with "
                    + "./passerelle audit-proof and the node certificate. The call itself is audited.")
    String proof(@PathVariable long seq, @RequestParam(required = false) Long checkpoint) {
        return reading.proof(seq, checkpoint, CHANNEL);
    }

    @GetMapping("/consistency")
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "A Merkle consistency proof between two signed checkpoints (role AUDITOR)",
            description = "from, to: the seqs of two checkpoints with Merkle roots, from <= to. Answers both signed "
                    + "checkpoints and the proof (hex, RFC 9162) that the tree at from is a prefix of the tree at to. "
                    + "The call itself is audited.")
    String consistency(@RequestParam(required = false) Long from, @RequestParam(required = false) Long to) {
        if (from == null || to == null) {
            throw AuditReading.invalid("give from and to: the seqs of two checkpoints");
        }
        return reading.consistency(from, to, CHANNEL);
    }

    @GetMapping(path = "/witnessed", produces = JSON_LINES)
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "The checkpoints of a partner's audit log this node kept as its witness (role AUDITOR)",
            description = "party: the partner. JSON Lines: a header (witness, party, count), then each checkpoint "
                    + "exactly as the partner's node signed it. Give the file to the partner's auditor, who verifies "
                    + "the partner's export against it: ./passerelle audit-verify EXPORT PARTNER-CERT.pem --witnessed "
                    + "FILE. The call itself is audited.")
    void witnessed(@RequestParam(required = false) String party, HttpServletResponse response) throws IOException {
        String partner = reading.witnessedParty(party, CHANNEL);
        response.setContentType(JSON_LINES);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"witnessed-" + partner + "-by-"
                + reading.party() + ".jsonl\"");
        reading.writeWitnessed(partner, response.getOutputStream());
    }

    @GetMapping(path = "/export", produces = JSON_LINES)
    @PreAuthorize("hasRole('AUDITOR')")
    @Operation(summary = "Export a range of the audit chain as JSON Lines for offline verification (role AUDITOR)",
            description = "By seq (fromSeq, toSeq, inclusive; default the whole chain) or by time (from, to). Lines: "
                    + "a header (party, node id, range, signer certificate PEM), the checkpoints covering the range, "
                    + "then the entries with every hashed field. Verify with VerifyExport and the node certificates (the "
                    + "current one, and the earlier ones after a key rollover). "
                    + "The export itself is audited.")
    void export(@RequestParam(required = false) Long fromSeq, @RequestParam(required = false) Long toSeq,
                @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                HttpServletResponse response) throws IOException {
        AuditReading.Range range = reading.exportRange(fromSeq, toSeq, from, to, CHANNEL);
        // Written straight to the response as the pages are read: nothing but one page is held in memory. (Not a
        // StreamingResponseBody: its asynchronous re-dispatch meets the stateless API chain without its authentication.)
        response.setContentType(JSON_LINES);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + reading.fileName(range) + "\"");
        reading.export(range, response.getOutputStream());
    }
}
