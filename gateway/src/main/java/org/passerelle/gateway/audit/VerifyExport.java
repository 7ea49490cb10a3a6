package org.passerelle.gateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.passerelle.security.audit.ChainBreak;
import org.passerelle.security.audit.ChainReport;
import org.passerelle.security.audit.ChainVerifier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Verifies an audit export offline with only the node's certificate:
 * {@code VerifyExport <export.jsonl> <node-cert.pem>} prints {@code OK n entries, m checkpoints} and exits 0, or
 * names the first break ({@code entry 1234: ALTERED ...}) and exits 1; it exits 2 when it cannot read its input.
 * The certificate in the export's header is not trusted: the one given on the command line is.
 */
public final class VerifyExport {

    private VerifyExport() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the verifier; returns the exit code (0 intact, 1 broken, 2 unreadable input or wrong usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("usage: VerifyExport <export.jsonl> <node-cert.pem>");
            return 2;
        }
        Path export = Path.of(args[0]);
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException | ClassCastException e) {
            err.println("cannot read the certificate " + args[1] + ": " + e.getMessage());
            return 2;
        }
        try {
            ChainReport report = verify(export, certificate);
            if (report.ok()) {
                out.println("OK " + report.entries() + " entries, " + report.checkpoints() + " checkpoints"
                        + (report.lastCheckpoint() == null ? ", none valid"
                                : " (last at seq " + report.lastCheckpoint().seq() + " signed "
                                        + report.lastCheckpoint().at() + "; " + report.notCheckpointed()
                                        + " entries after it not yet checkpointed)"));
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
    static ChainReport verify(Path export, X509Certificate certificate) throws IOException {
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
            verifier = ChainVerifier.fromSeq(header.get("fromSeq").longValue(), certificate);
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
                    "the export announces entries up to seq " + toSeq + " but ends at seq " + report.lastSeq()));
        }
        return report;
    }

    private static JsonNode parse(String line) {
        return line.isBlank() ? null : ExportFormat.JSON.readTree(line);
    }
}
