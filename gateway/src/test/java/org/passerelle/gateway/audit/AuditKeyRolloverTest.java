package org.passerelle.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.PasserelleApplication;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.Checkpoint;
import org.passerelle.security.pki.DevPki;
import org.passerelle.security.testing.TestPki;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A node that rolls its key over keeps a verifiable audit chain: checkpoints signed with the earlier key verify with
 * the earlier certificate, kept as a previous key store, through the node's verification and offline.
 */
class AuditKeyRolloverTest {

    private static final DevPki PKI = TestPki.shared().files();
    /** K1: the GB key of the shared test PKI. */
    private static final KeyMaterial K1 = TestPki.shared().gateway("GB");
    /** K2: GB's next key, a new key pair certified by the same root CA. */
    private static final KeyMaterial K2 = TestPki.shared().issuedByRootCa("GB", TestPki.gatewayTemplate("GB"));

    @TempDir
    Path dir;

    @Test
    void checkpointsSignedWithTheEarlierKeyStillVerifyAfterTheRolloverWithTheCertificateTheyRecord() throws Exception {
        Path k2 = dir.resolve("gateway-k2.p12");
        try (OutputStream out = Files.newOutputStream(k2)) {
            K2.toKeyStore("gateway", DevPki.PASSWORD.toCharArray()).store(out, DevPki.PASSWORD.toCharArray());
        }
        Path k1 = PKI.gateway("GB").pkcs12();
        String k1Sha = Fingerprints.sha256(K1.certificate());
        String k2Sha = Fingerprints.sha256(K2.certificate());

        // given a node that signed a checkpoint with K1
        Checkpoint beforeRollover;
        try (ConfigurableApplicationContext node = start(k1, List.of())) {
            node.getBean(AuditTrail.class).record(AuditTrail.Entry.of("svc",
                    AuditChannel.API, AuditAction.MESSAGE_SENT, AuditOutcome.OK));
            beforeRollover = node.getBean(AuditCheckpoints.class).checkpointNow().orElseThrow();
        }
        assertThat(beforeRollover.certificateSha256()).isEqualTo(k1Sha);

        // when it is restarted with K2 as its key and K1 as a previous one, and signs a checkpoint with K2
        Path export = dir.resolve("export.jsonl");
        long firstK1;
        try (ConfigurableApplicationContext node = start(k2, List.of(k1))) {
            node.getBean(AuditTrail.class).record(AuditTrail.Entry.of("svc",
                    AuditChannel.API, AuditAction.MESSAGE_SENT, AuditOutcome.OK));
            assertThat(node.getBean(AuditCheckpoints.class).checkpointNow()).hasValueSatisfying(
                    c -> assertThat(c.certificateSha256()).isEqualTo(k2Sha));
            AuditReading reading = node.getBean(AuditReading.class);

            // then the node's verification holds and says which certificate verified the checkpoints
            AuditReading.Verification v = reading.verify(AuditChannel.API);
            assertThat(v.ok()).as(String.valueOf(v.firstBreak())).isTrue();
            assertThat(v.lastCheckpoint().certificateSha256()).isEqualTo(k2Sha);
            assertThat(v.lastCheckpoint().certificateRole()).isEqualTo(CheckpointCertificates.CURRENT);
            assertThat(v.signers()).extracting(AuditReading.SignerView::role, AuditReading.SignerView::certificateSha256)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("CURRENT", k2Sha),
                            org.assertj.core.groups.Tuple.tuple("PREVIOUS", k1Sha));
            assertThat(v.signers()).allSatisfy(s -> assertThat(s.checkpoints()).isPositive());
            try (OutputStream out = Files.newOutputStream(export)) {
                reading.export(reading.exportRange(null, null, null, null, AuditChannel.API), out);
            }
            firstK1 = node.getBean(JdbcTemplate.class).queryForObject(
                    "select min(seq) from audit_checkpoint where certificate_sha256 = ?", Long.class, k1Sha);
        }

        // and the export verifies offline with both certificates, and not with K2's alone
        Path k1Pem = PKI.gateway("GB").certificatePem();
        Path k2Pem = dir.resolve("gateway-k2.pem");
        Files.writeString(k2Pem, ExportFormat.pem(K2.certificate()));
        assertThat(offline(export, k2Pem, k1Pem)).startsWith("0 OK ").contains(k1Sha).contains(k2Sha);
        assertThat(offline(export, k1Pem, k2Pem)).startsWith("0 OK ");
        assertThat(offline(export, k2Pem)).startsWith("1 checkpoint " + firstK1
                + ": CHECKPOINT_SIGNER_UNKNOWN ").contains("cannot be verified").contains(k1Sha);
    }

    @Test
    void aNodeThatNoLongerKnowsTheEarlierCertificateReportsItsCheckpointsAsNotVerifiable() {
        // given a node that signed a checkpoint with K1
        Path k1 = PKI.gateway("GB").pkcs12();
        long seq;
        try (ConfigurableApplicationContext node = start(k1, List.of())) {
            node.getBean(AuditTrail.class).record(AuditTrail.Entry.of("svc",
                    AuditChannel.API, AuditAction.MESSAGE_SENT, AuditOutcome.OK));
            node.getBean(AuditCheckpoints.class).checkpointNow();
            seq = node.getBean(JdbcTemplate.class).queryForObject("select min(seq) from audit_checkpoint", Long.class);
        }

        // when it is restarted with K2 and without K1 among its previous key stores
        Path k2 = dir.resolve("gateway-k2.p12");
        try (OutputStream out = Files.newOutputStream(k2)) {
            K2.toKeyStore("gateway", DevPki.PASSWORD.toCharArray()).store(out, DevPki.PASSWORD.toCharArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        try (ConfigurableApplicationContext node = start(k2, List.of())) {
            AuditReading.Verification v = node.getBean(AuditReading.class).verify(AuditChannel.API);

            // then the first K1 checkpoint is the break, and the reason names the certificate it was signed with
            assertThat(v.ok()).isFalse();
            assertThat(v.firstBreak().seq()).isEqualTo(seq);
            assertThat(v.firstBreak().kind()).isEqualTo("CHECKPOINT_SIGNER_UNKNOWN");
            assertThat(v.firstBreak().detail()).contains("cannot be verified")
                    .contains(Fingerprints.sha256(K1.certificate()));
        }

        // and when its operator keeps K1's certificate alone (the key store is gone) as a retired certificate
        try (ConfigurableApplicationContext node = start(k2, List.of(),
                "--passerelle.audit.retired-certificates[0]=" + PKI.gateway("GB").certificatePem())) {
            AuditReading.Verification v = node.getBean(AuditReading.class).verify(AuditChannel.API);

            // then the chain verifies again, the K1 checkpoints by the retired certificate
            assertThat(v.ok()).as(String.valueOf(v.firstBreak())).isTrue();
            assertThat(v.signers()).anySatisfy(signer -> {
                assertThat(signer.role()).isEqualTo(CheckpointCertificates.RETIRED);
                assertThat(signer.checkpoints()).isPositive();
            });
        }
    }

    private ConfigurableApplicationContext start(Path keystore, List<Path> previous, String... more) {
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of(
                "--passerelle.node.party=GB",
                "--passerelle.node.node-id=GB-unit",
                "--passerelle.node.data-dir=" + dir.resolve("data"),
                "--passerelle.node.keystore=" + keystore,
                "--passerelle.node.trust-anchors[0]=" + PKI.rootCa("GB").certificatePem(),
                "--passerelle.node.crls[0]=" + PKI.crl("GB"),
                "--passerelle.node.exchange-port=0",
                "--server.port=0",
                "--passerelle.partners.FR.base-url=https://localhost:1",
                // No partner node runs here to witness the log (WitnessedAuditIT has one).
                "--passerelle.audit.witness=false",
                "--passerelle.partners.FR.certificate=" + PKI.gateway("FR").certificatePem(),
                "--passerelle.partners.FR.trust-anchors[0]=" + PKI.rootCa("FR").certificatePem(),
                "--passerelle.partners.FR.crls[0]=" + PKI.crl("FR"),
                // Delivery is not under test here: keep the pollers quiet.
                "--passerelle.delivery.poll-interval=1h", "--passerelle.delivery.wake-on-commit=false"));
        for (int i = 0; i < previous.size(); i++) {
            args.add("--passerelle.node.previous-keystores[" + i + "]=" + previous.get(i));
        }
        return new SpringApplicationBuilder(PasserelleApplication.class).run(args.toArray(String[]::new));
    }

    private static String offline(Path export, Path... certificates) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(export.toString()));
        for (Path c : certificates) {
            args.add(c.toString());
        }
        int code = VerifyExport.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return code + " " + out.toString(StandardCharsets.UTF_8).strip();
    }
}
