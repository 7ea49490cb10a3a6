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
 */
public final class VerifyExport {

    private VerifyExport() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the verifier; returns the exit code (0 intact, 1 broken, 2 unreadable input or wrong usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            err.println("usage: VerifyExport <export.jsonl> <node-cert.pem> [<earlier-node-cert.pem>...]"
                    + " (after a key rollover, give the current certificate and the earlier ones)");
            return 2;
        }
        Path export = Path.of(args[0]);
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
            ChainReport report = verify(export, certificates);
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
                return 0;
            }
            ChainBreak b = report.firstBreak();
            out.println((b.kind().name().startsWith("CHECKPOINT") ? "checkpoint " : "entry ") + b.seq() + ": "
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
                    report.verifiedBy());
        }
        return report;
    }

    private static JsonNode parse(String line) {
        return line.isBlank() ? null : ExportFormat.JSON.readTree(line);
    }
}
