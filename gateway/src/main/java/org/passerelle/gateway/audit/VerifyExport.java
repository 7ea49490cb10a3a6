package org.passerelle.gateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.audit.ChainBreak;
import org.passerelle.security.audit.ChainReport;
import org.passerelle.security.audit.ChainVerifier;
import org.passerelle.security.audit.Checkpoint;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Verifies an audit export offline with only the node's certificates:
 * {@code VerifyExport <export.jsonl> <node-cert.pem> [<earlier-node-cert.pem>...]} prints
 * {@code OK n entries, m checkpoints} and which certificate verified how many checkpoints, and exits 0, or names the
 * first break ({@code entry 1234: ALTERED ...}) and exits 1; it exits 2 when it cannot read its input. Each checkpoint
 * is checked with the certificate whose SHA-256 it records, so after a key rollover give the current certificate and
 * the earlier ones; a checkpoint signed with a certificate not given is reported as not verifiable. The certificate
 * in the export's header is not trusted: those given on the command line are.
 *
 * <p>{@code --witnessed <file>} (any number): the checkpoints a partner kept of this node's log as its witness
 * ({@code GET /api/v1/audit/witnessed?party=...} on the partner's node). Those within the export's range must agree
 * with it, so an export rewritten and re-signed by whoever held the node's key is still found
 * ({@code WITNESS_MISMATCH}, or {@code TRUNCATED} when it ends before a witnessed checkpoint).
 */
public final class VerifyExport {

    private VerifyExport() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the verifier; returns the exit code (0 intact, 1 broken, 2 unreadable input or wrong usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> witnessFiles = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--witnessed".equals(args[i]) && i + 1 < args.length) {
                witnessFiles.add(Path.of(args[++i]));
            } else {
                rest.add(args[i]);
            }
        }
        args = rest.toArray(String[]::new);
        if (args.length < 2) {
            err.println("usage: VerifyExport <export.jsonl> <node-cert.pem> [<earlier-node-cert.pem>...]"
                    + " [--witnessed <witnessed.jsonl>]... (after a key rollover, give the current certificate and the"
                    + " earlier ones; --witnessed: the checkpoints a partner kept as this node's witness)");
            return 2;
        }
        Path export = Path.of(args[0]);
        Map<String, List<Checkpoint>> witnessed = new LinkedHashMap<>();
        for (Path file : witnessFiles) {
            try {
                readWitnessed(file, witnessed);
            } catch (IOException | JacksonException | IllegalArgumentException | java.time.DateTimeException e) {
                err.println("cannot read the witnessed checkpoints " + file + ": " + e.getMessage());
                return 2;
            }
        }
        List<X509Certificate> certificates = new ArrayList<>();
        Map<String, String> fileOf = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            try (InputStream in = Files.newInputStream(Path.of(args[i]))) {
                // A PEM file may hold several certificates: every one of them is given.
                Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (read.isEmpty()) {
                    throw new CertificateException("no certificate in the file");
                }
                for (Certificate c : read) {
                    certificates.add((X509Certificate) c);
                    fileOf.putIfAbsent(Fingerprints.sha256((X509Certificate) c), args[i]);
                }
            } catch (IOException | CertificateException | ClassCastException e) {
                err.println("cannot read the certificate " + args[i] + ": " + e.getMessage());
                return 2;
            }
        }
        try {
            ChainReport report = verify(export, certificates, witnessed);
            if (report.ok() && !report.verified()) {
                out.println("UNVERIFIED " + report.entries() + " entries hold together, but no valid checkpoint vouches"
                        + " for them: whoever held them could have rewritten them whole");
                return 1;
            }
            if (report.ok()) {
                out.println("OK " + report.entries() + " entries, " + report.checkpoints() + " checkpoints"
                        + (report.lastCheckpoint() == null ? ", none valid"
                                : " (last at seq " + report.lastCheckpoint().seq() + " signed "
                                        + report.lastCheckpoint().at() + "; " + report.notCheckpointed()
                                        + " entries after it not yet checkpointed)"));
                report.verifiedBy().forEach((sha256, n) -> out.println("  " + n + " checkpoints verified with "
                        + fileOf.get(sha256) + " (SHA-256 " + sha256 + ")"));
                report.witnesses().forEach((party, w) -> out.println("  witnessed by " + party + ": " + w.given()
                        + " checkpoints in range, the chain agrees up to seq " + w.agreedUpTo()
                        + (w.rejected() > 0 ? " (" + w.rejected() + " without the node's signature, ignored)" : "")));
                return 0;
            }
            ChainBreak b = report.firstBreak();
            out.println((b.kind().name().startsWith("CHECKPOINT") ? "checkpoint "
                    : b.kind() == ChainBreak.Kind.WITNESS_MISMATCH ? "witness " : "entry ") + b.seq() + ": "
                    + b.kind() + " " + b.detail());
            return 1;
        } catch (IOException | JacksonException | IllegalArgumentException | java.time.DateTimeException e) {
            err.println("cannot read the export " + export + ": " + e.getMessage());
            return 2;
        }
    }

    /**
     * Reads the export twice: the checkpoints first (wherever they stand in the file), then the entries in file
     * order, so a file whose lines were moved is judged on the order it holds.
     */
    static ChainReport verify(Path export, List<X509Certificate> certificates) throws IOException {
        return verify(export, certificates, Map.of());
    }

    /** Reads a witness's file: its header names the witness; its checkpoint lines are copies of this node's. */
    static void readWitnessed(Path file, Map<String, List<Checkpoint>> into) throws IOException {
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = lines.readLine();
            JsonNode header = first == null ? null : ExportFormat.JSON.readTree(first);
            if (header == null || !"header".equals(ExportFormat.text(header, "type"))
                    || !AuditReading.WITNESSED_FORMAT.equals(ExportFormat.text(header, "format"))) {
                throw new IllegalArgumentException("the first line is not a " + AuditReading.WITNESSED_FORMAT + " header");
            }
            String witness = ExportFormat.text(header, "witness");
            if (witness == null || witness.isBlank()) {
                throw new IllegalArgumentException("the header does not name the witness");
            }
            List<Checkpoint> copies = into.computeIfAbsent(witness, w -> new ArrayList<>());
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode n = parse(line);
                if (n != null && "checkpoint".equals(ExportFormat.text(n, "type"))) {
                    copies.add(ExportFormat.checkpoint(n));
                }
            }
        }
    }

    /** As {@link #verify(Path, List)}, with the copies witnesses kept (those before the export's range left out). */
    static ChainReport verify(Path export, List<X509Certificate> certificates, Map<String, List<Checkpoint>> witnessed)
            throws IOException {
        ChainVerifier verifier;
        long toSeq;
        try (BufferedReader lines = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            String first = lines.readLine();
            if (first == null) {
                throw new IllegalArgumentException("the export is empty");
            }
            JsonNode header = ExportFormat.JSON.readTree(first);
            if (!"header".equals(ExportFormat.text(header, "type"))
                    || !ExportFormat.FORMAT.equals(ExportFormat.text(header, "format"))) {
                throw new IllegalArgumentException("the first line is not a " + ExportFormat.FORMAT + " header");
            }
            verifier = ChainVerifier.fromSeq(header.get("fromSeq").longValue(), certificates);
            toSeq = header.get("toSeq").longValue();
            long fromSeq = header.get("fromSeq").longValue();
            for (Map.Entry<String, List<Checkpoint>> w : witnessed.entrySet()) {
                for (Checkpoint c : w.getValue()) {
                    // Every copy from the range's start on: one beyond the export's last entry is TRUNCATED, so a log
                    // cut (and its export with it) still shows against what the partner witnessed.
                    if (c.seq() >= fromSeq) {
                        verifier.witnessed(c, w.getKey());
                    }
                }
            }
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode n = parse(line);
                if (n != null && "checkpoint".equals(ExportFormat.text(n, "type"))) {
                    verifier.checkpoint(ExportFormat.checkpoint(n));
                }
            }
        }
        try (BufferedReader lines = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            lines.readLine();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode n = parse(line);
                if (n == null) {
                    continue;
                }
                String type = ExportFormat.text(n, "type");
                if ("entry".equals(type)) {
                    verifier.entry(ExportFormat.entry(n));
                } else if (!"checkpoint".equals(type)) {
                    throw new IllegalArgumentException("unknown line type " + type);
                }
            }
        }
        ChainReport report = verifier.finish();
        if (report.ok() && report.lastSeq() < toSeq) {
            // The header is not signed, but a cut tail that a checkpoint does not cover still shows against it.
            return new ChainReport(report.entries(), report.checkpoints(), report.lastSeq(), report.lastCheckpoint(),
                    report.notCheckpointed(), new ChainBreak(report.lastSeq() + 1, ChainBreak.Kind.TRUNCATED,
                    "the export announces entries up to seq " + toSeq + " but ends at seq " + report.lastSeq()),
                    report.verifiedBy(), report.witnesses());
        }
        return report;
    }

    private static JsonNode parse(String line) {
        return line.isBlank() ? null : ExportFormat.JSON.readTree(line);
    }
}
