package org.passerelle.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainHash;
import org.passerelle.security.audit.CheckpointSigner;
import org.passerelle.security.pki.DevPki;
import org.passerelle.security.testing.TestPki;

/** The offline verifier on export files: exit codes and the line it prints. */
class VerifyExportTest {

    private static final DevPki PKI = TestPki.shared().files();
    private static final KeyMaterial GB = TestPki.shared().gateway("GB");

    @TempDir
    Path dir;

    @Test
    void anIntactExportPrintsOkAndExitsZero() throws Exception {
        Path file = write(export(40, 20));

        assertThat(run(file, PKI.gateway("GB").certificatePem())).isEqualTo("0 OK 40 entries, 1 checkpoints"
                + " (last at seq 20 signed 2026-02-01T00:00:20Z; 20 entries after it not yet checkpointed)");
    }

    @Test
    void anEntryWithANullChangedToEmptyIsAlteredAndExitsOne() throws Exception {
        List<String> lines = export(40, 20);
        int line = lines.size() - 40 + 9; // entry seq 10
        lines.set(line, lines.get(line).replace("\"purpose\":null", "\"purpose\":\"\""));

        assertThat(run(write(lines), PKI.gateway("GB").certificatePem())).startsWith("1 entry 10: ALTERED");
    }

    @Test
    void anotherNodesCertificateFindsTheCheckpointForged() throws Exception {
        assertThat(run(write(export(40, 20)), PKI.gateway("FR").certificatePem()))
                .startsWith("1 checkpoint 20: CHECKPOINT_FORGED");
    }

    @Test
    void anUnreadableExportExitsTwo() throws Exception {
        assertThat(run(write(List.of("not json")), PKI.gateway("GB").certificatePem())).startsWith("2 ");
        assertThat(run(dir.resolve("missing.jsonl"), PKI.gateway("GB").certificatePem())).startsWith("2 ");
    }

    private List<String> export(int n, int checkpointAt) {
        List<AuditRecord> chain = new ArrayList<>();
        String prev = ChainHash.GENESIS;
        for (int i = 1; i <= n; i++) {
            AuditRecord e = ChainHash.seal(new AuditRecord(0, Instant.parse("2026-02-01T00:00:00Z").plusSeconds(i),
                    "svc", "SYSTEM", "API", "MESSAGE_ACCEPTED", null, null, null, "OK", "FR", "m-" + i, "T", null,
                    null, null, null, null), i, prev);
            chain.add(e);
            prev = e.hash();
        }
        List<String> lines = new ArrayList<>();
        lines.add(ExportFormat.header("GB", "GB-1", 1, n, Instant.now(), GB.certificate()));
        AuditRecord head = chain.get(checkpointAt - 1);
        lines.add(ExportFormat.line(new CheckpointSigner(GB, "GB-1").sign(head.seq(), head.hash(), head.at())));
        chain.forEach(e -> lines.add(ExportFormat.line(e)));
        return lines;
    }

    private Path write(List<String> lines) throws Exception {
        Path file = Files.createTempFile(dir, "export-", ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static String run(Path export, Path certificate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyExport.run(new String[] {export.toString(), certificate.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        return code + " " + out.toString(StandardCharsets.UTF_8).strip();
    }
}
