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
import org.passerelle.security.Fingerprints;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainHash;
import org.passerelle.security.audit.CheckpointSigner;
import org.passerelle.security.pki.DevPki;
import org.passerelle.security.testing.TestPki;

/** The offline verifier on export files: exit codes and the lines it prints, before and after a key rollover. */
class VerifyExportTest {

    private static final DevPki PKI = TestPki.shared().files();
    private static final KeyMaterial GB = TestPki.shared().gateway("GB");
    /** GB's key after a rollover: a new key pair certified by the same root CA. */
    private static final KeyMaterial NEXT = TestPki.shared().issuedByRootCa("GB", TestPki.gatewayTemplate("GB"));

    @TempDir
    Path dir;

    @Test
    void anIntactExportPrintsOkAndWhichCertificateVerifiedTheCheckpointsAndExitsZero() throws Exception {
        Path file = write(export(40, 20));

        assertThat(run(file, PKI.gateway("GB").certificatePem())).isEqualTo("0 OK 40 entries, 1 checkpoints"
                + " (last at seq 20 signed 2026-02-01T00:00:20Z; 20 entries after it not yet checkpointed)\n"
                + "  1 checkpoints verified with " + PKI.gateway("GB").certificatePem() + " (SHA-256 "
                + Fingerprints.sha256(GB.certificate()) + ")");
    }

    @Test
    void anExportSignedBeforeAndAfterAKeyRolloverVerifiesWithTheCurrentAndTheEarlierCertificate() throws Exception {
        // given checkpoint 20 signed with the earlier key (K1) and checkpoint 30 with the current one (K2)
        Path file = write(export(40, List.of(new Signed(20, GB), new Signed(30, NEXT))));
        Path k2 = pem(NEXT);

        // when verified with both certificates, current first
        String result = run(file, k2, PKI.gateway("GB").certificatePem());

        // then it holds and says which certificate verified which checkpoint
        assertThat(result).startsWith("0 OK 40 entries, 2 checkpoints (last at seq 30")
                .contains("1 checkpoints verified with " + k2 + " (SHA-256 " + Fingerprints.sha256(NEXT.certificate()))
                .contains("1 checkpoints verified with " + PKI.gateway("GB").certificatePem() + " (SHA-256 "
                        + Fingerprints.sha256(GB.certificate()));
    }

    @Test
    void withOnlyTheCurrentCertificateACheckpointSignedBeforeTheRolloverIsReportedAsNotVerifiable() throws Exception {
        // given checkpoint 20 signed with the earlier key (K1) and checkpoint 30 with the current one (K2)
        Path file = write(export(40, List.of(new Signed(20, GB), new Signed(30, NEXT))));

        // when verified with the current certificate only
        String result = run(file, pem(NEXT));

        // then the earlier checkpoint is the first break, named with the certificate that would verify it
        assertThat(result).startsWith("1 checkpoint 20: CHECKPOINT_SIGNER_UNKNOWN ")
                .contains("cannot be verified").contains(Fingerprints.sha256(GB.certificate()));
    }

    @Test
    void certificatesMayComeInOnePemFile() throws Exception {
        Path file = write(export(40, List.of(new Signed(20, GB), new Signed(30, NEXT))));
        Path both = dir.resolve("both.pem");
        Files.writeString(both, ExportFormat.pem(NEXT.certificate()) + ExportFormat.pem(GB.certificate()));

        assertThat(run(file, both)).startsWith("0 OK 40 entries, 2 checkpoints");
    }

    @Test
    void anExportWrittenBeforeCheckpointsRecordedTheirCertificateStillVerifies() throws Exception {
        List<String> lines = export(40, 20);
        int checkpoint = 1;
        lines.set(checkpoint, lines.get(checkpoint).replaceAll(",\"certificateSha256\":\"[0-9a-f]{64}\"", ""));

        assertThat(lines.get(checkpoint)).doesNotContain("certificateSha256");
        assertThat(run(write(lines), pem(NEXT), PKI.gateway("GB").certificatePem())).startsWith("0 OK 40 entries");
    }

    @Test
    void withoutACertificateItPrintsTheUsageAndExitsTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyExport.run(new String[] {"export.jsonl"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(code + " " + out.toString(StandardCharsets.UTF_8)).startsWith("2 usage: VerifyExport")
                .contains("[<earlier-node-cert.pem>...]");
    }

    @Test
    void anEntryWithANullChangedToEmptyIsAlteredAndExitsOne() throws Exception {
        List<String> lines = export(40, 20);
        int line = lines.size() - 40 + 9; // entry seq 10
        lines.set(line, lines.get(line).replace("\"purpose\":null", "\"purpose\":\"\""));

        assertThat(run(write(lines), PKI.gateway("GB").certificatePem())).startsWith("1 entry 10: ALTERED");
    }

    @Test
    void anotherNodesCertificateCannotVerifyTheCheckpoints() throws Exception {
        assertThat(run(write(export(40, 20)), PKI.gateway("FR").certificatePem()))
                .startsWith("1 checkpoint 20: CHECKPOINT_SIGNER_UNKNOWN");
    }

    @Test
    void anExportWithoutACheckpointIsUnverifiedNotOk() throws Exception {
        // given forty entries that link to each other, and no checkpoint at all
        Path file = write(export(40, List.of()));

        // then whoever held them could have rewritten them whole: unverified, exit 1
        assertThat(run(file, PKI.gateway("GB").certificatePem())).startsWith("1 UNVERIFIED 40 entries hold together");
    }

    @Test
    void anUnreadableExportExitsTwo() throws Exception {
        assertThat(run(write(List.of("not json")), PKI.gateway("GB").certificatePem())).startsWith("2 ");
        assertThat(run(dir.resolve("missing.jsonl"), PKI.gateway("GB").certificatePem())).startsWith("2 ");
    }

    private List<String> export(int n, int checkpointAt) {
        return export(n, List.of(new Signed(checkpointAt, GB)));
    }

    /** A checkpoint over entry {@code seq} signed with {@code key}. */
    private record Signed(int seq, KeyMaterial key) {
    }

    private List<String> export(int n, List<Signed> checkpoints) {
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
        for (Signed s : checkpoints) {
            AuditRecord head = chain.get(s.seq() - 1);
            lines.add(ExportFormat.line(new CheckpointSigner(s.key(), "GB-1").sign(head.seq(), head.hash(), head.at())));
        }
        chain.forEach(e -> lines.add(ExportFormat.line(e)));
        return lines;
    }

    private Path write(List<String> lines) throws Exception {
        Path file = Files.createTempFile(dir, "export-", ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private Path pem(KeyMaterial key) throws Exception {
        Path file = Files.createTempFile(dir, "cert-", ".pem");
        Files.writeString(file, ExportFormat.pem(key.certificate()));
        return file;
    }

    private static String run(Path export, Path... certificates) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(export.toString()));
        for (Path c : certificates) {
            args.add(c.toString());
        }
        int code = VerifyExport.run(args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        return code + " " + out.toString(StandardCharsets.UTF_8).strip();
    }
}
