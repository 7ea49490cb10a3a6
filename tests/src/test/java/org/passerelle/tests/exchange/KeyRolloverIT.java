package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.VerifyExport;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyBinding;
import org.passerelle.security.pki.DevCertificates;
import org.passerelle.security.pki.DevCertificates.Usage;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GB rolls its gateway key over, then FR does, while messages flow both ways and each node is restarted at every step
 * (next key announced, switched to, partner told): no message is lost or refused, and each node's audit chain, with
 * checkpoints signed with the old key and the new, still verifies through the API and offline.
 */
class KeyRolloverIT {

    static final String AUDITOR_TOKEN = "auditor-token-for-tests";
    static final JsonMapper JSON = JsonMapper.shared();
    /** Types whose samples the shipped data-sharing policy lets travel both ways (the transport is under test). */
    static final List<String> TYPES = List.of("CaseStatusUpdate", "TransferStatus");

    @TempDir
    static Path dir;
    static Exchange exchange;

    /** Every message submitted, by id, with the party that submitted it. */
    final Map<String, String> sent = new LinkedHashMap<>();

    @BeforeAll
    static void startNodes() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("passerelle.api.tokens[2].name", "compliance-auditor");
        extra.put("passerelle.api.tokens[2].sha256", Exchange.sha256(AUDITOR_TOKEN));
        extra.put("passerelle.api.tokens[2].roles[0]", "AUDITOR");
        // Checkpoints every few seconds, not only at restarts: the new keys sign some before the test ends.
        extra.put("passerelle.audit.checkpoint-interval", "2s");
        exchange = Exchange.start(dir, extra);
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void bothPartiesRollTheirKeysOverWhileMessagesFlowAndNoneIsLostOrRefused() throws Exception {
        // given messages flowing both ways with the keys of the development PKI
        submitBothWays();
        awaitEverythingDelivered();
        Map<String, Path> oldCertificates = Map.of("GB", exchange.pki.gateway("GB").certificatePem(),
                "FR", exchange.pki.gateway("FR").certificatePem());

        // when GB rolls its key over, then FR, each step with messages submitted in between
        Map<String, NextKey> newKeys = new LinkedHashMap<>();
        for (String party : List.of("GB", "FR")) {
            newKeys.put(party, rollOver(party, party.equals("GB") ? "FR" : "GB"));
        }

        // then every message reached the other back-end once, with its receipt verified, and none was refused
        awaitEverythingDelivered();
        assertThat(sent).hasSizeGreaterThanOrEqualTo(50);
        for (Node node : List.of(exchange.gb, exchange.fr)) {
            assertThat(auditSearch(node, "action=MESSAGE_REFUSED").get("total").longValue())
                    .as("MESSAGE_REFUSED at " + node.party()).isZero();
        }

        // and each node signs with its new key, and its chain holds with checkpoints signed by both keys
        for (String party : List.of("GB", "FR")) {
            Node node = exchange.node(party);
            String oldSha = Fingerprints.sha256(readPem(oldCertificates.get(party)));
            String newSha = Fingerprints.sha256(newKeys.get(party).key().certificate());
            JsonNode report = verify(node);
            assertThat(report.get("ok").booleanValue()).as(report.toString()).isTrue();
            assertThat(report.get("lastCheckpoint").get("certificateSha256").stringValue()).isEqualTo(newSha);
            assertThat(signers(report)).as(report.toString())
                    .containsEntry("CURRENT " + newSha, true).containsEntry("PREVIOUS " + oldSha, true);

            // and an export verifies offline with the new and the old certificate, but not with the new one alone
            Path export = export(node);
            assertThat(offline(export, newKeys.get(party).certificatePem(), oldCertificates.get(party)))
                    .startsWith("0 OK ").contains(oldSha).contains(newSha);
            assertThat(offline(export, newKeys.get(party).certificatePem())).startsWith("1 checkpoint ")
                    .contains(": CHECKPOINT_SIGNER_UNKNOWN ").contains("cannot be verified").contains(oldSha);
        }
    }

    /**
     * Rolls {@code party}'s key over in three steps, each a restart with messages submitted before, during (to the
     * node still running; they wait in its outbox) and after it, and checked delivered.
     */
    private NextKey rollOver(String party, String partner) {
        Node node = exchange.node(party);
        Node other = exchange.node(partner);
        Path oldKeystore = Path.of(String.valueOf(node.setting("passerelle.node.keystore")));
        NextKey next = issueNextKey(party);
        String partnerSays = "passerelle.partners." + party + ".";

        // a. the node opens messages with its next key too; the partner encrypts to the current and the next
        restartWhileMessagesFlow(node, () -> node.configure("passerelle.node.next-keystore", next.pkcs12()));
        restartWhileMessagesFlow(other, () -> other.configure(partnerSays + "next-certificate", next.certificatePem()));
        awaitEverythingDelivered();

        // b. the node signs and speaks TLS with the new key and keeps the old one to open what is still in flight
        restartWhileMessagesFlow(node, () -> node.configure("passerelle.node.keystore", next.pkcs12())
                .configure("passerelle.node.next-keystore", null)
                .configure("passerelle.node.previous-keystores[0]", oldKeystore));
        awaitEverythingDelivered();

        // c. the partner encrypts to the new key only
        restartWhileMessagesFlow(other, () -> other.configure(partnerSays + "certificate", next.certificatePem())
                .configure(partnerSays + "next-certificate", null));
        awaitEverythingDelivered();
        return next;
    }

    /** Messages both ways, then the node stopped, reconfigured and started while its partner takes messages for it. */
    private void restartWhileMessagesFlow(Node restarting, Runnable reconfigure) {
        Node running = restarting == exchange.gb ? exchange.fr : exchange.gb;
        submitBothWays();
        restarting.stop();
        reconfigure.run();
        submit(running, restarting.party());
        submit(running, restarting.party());
        restarting.start();
        submitBothWays();
    }

    private void submitBothWays() {
        submit(exchange.gb, "FR");
        submit(exchange.fr, "GB");
    }

    private void submit(Node from, String to) {
        byte[] xml = Envelopes.sample(TYPES.get(sent.size() % TYPES.size()), from.party(), to,
                UUID.randomUUID().toString());
        HttpResponse<String> accepted = from.submit(xml);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        sent.put(Envelopes.header(xml, "MessageId"), from.party());
    }

    /** Every message sent so far: receipt verified at its sender, and handed to the receiving back-end exactly once. */
    private void awaitEverythingDelivered() {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> sent.forEach((id, from) -> {
            assertThat(exchange.node(from).bean(MessageStore.class).find(id).orElseThrow().status())
                    .as("status at the sender of " + id).isEqualTo(MessageStatus.RECEIPT_VERIFIED);
            assertThat(deliveries(id, from)).as("deliveries of " + id).isEqualTo(1);
        }));
    }

    private static int deliveries(String id, String from) {
        String to = from.equals("GB") ? "FR" : "GB";
        return exchange.backendOf(to).findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))
                .withHeader("X-Passerelle-Message-Id", equalTo(id))).size();
    }

    // ---- the next key ------------------------------------------------------------------------------------------

    /** A party's next gateway key, as its operator would install it: PKCS#12 for the node, PEM for the partner. */
    record NextKey(KeyMaterial key, Path pkcs12, Path certificatePem) {
    }

    /** A new P-256 gateway key certified by the party's development root CA, like the one {@link DevPki} issued. */
    private static NextKey issueNextKey(String party) {
        KeyMaterial ca = exchange.pki.rootCa(party).load();
        String lower = party.toLowerCase(Locale.ROOT);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        DevCertificates.Template gateway = new DevCertificates.Template(
                "CN=gateway." + lower + ".passerelle.test,O=Passerelle development,C=" + party,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)), false,
                Set.of(Usage.DIGITAL_SIGNATURE, Usage.KEY_AGREEMENT), true, true,
                List.of(PartyBinding.PARTY_URI_PREFIX + party), List.of("localhost", "gateway." + lower + ".passerelle.test"),
                List.of("127.0.0.1"), List.of());
        KeyPair keys = DevCertificates.ecKeyPair("secp256r1");
        X509Certificate certificate = DevCertificates.issue(gateway, keys.getPublic(), ca.certificate(), ca.privateKey(),
                "SHA384withECDSA");
        KeyMaterial key = new KeyMaterial(keys.getPrivate(), List.of(certificate, ca.certificate()));
        Path folder = dir.resolve("next-" + party);
        Path pkcs12 = folder.resolve("gateway-next.p12");
        Path pem = folder.resolve("gateway-next.pem");
        try {
            Files.createDirectories(folder);
            try (OutputStream out = Files.newOutputStream(pkcs12)) {
                key.toKeyStore("gateway", DevPki.PASSWORD.toCharArray()).store(out, DevPki.PASSWORD.toCharArray());
            }
            Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return new NextKey(key, pkcs12, pem);
    }

    private static X509Certificate readPem(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    // ---- the audit chain ---------------------------------------------------------------------------------------

    private static JsonNode verify(Node node) {
        HttpResponse<String> response = node.get("/api/v1/audit/verify", AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** "ROLE sha256" of each of the node's certificates, and whether it verified at least one checkpoint. */
    private static Map<String, Boolean> signers(JsonNode report) {
        Map<String, Boolean> signers = new LinkedHashMap<>();
        report.get("signers").forEach(s -> signers.put(s.get("role").stringValue() + " "
                + s.get("certificateSha256").stringValue(), s.get("checkpoints").longValue() > 0));
        return signers;
    }

    private static JsonNode auditSearch(Node node, String query) {
        HttpResponse<String> response = node.get("/api/v1/audit/entries?size=1&" + query, AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static Path export(Node node) throws IOException {
        HttpResponse<String> response = node.get("/api/v1/audit/export", AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Path file = Files.createTempFile(dir, "audit-" + node.party() + "-", ".jsonl");
        Files.writeString(file, response.body(), StandardCharsets.UTF_8);
        return file;
    }

    /** Runs the offline verifier; answers "exit-code output". */
    private static String offline(Path export, Path... certificates) {
        List<String> args = new ArrayList<>(List.of(export.toString()));
        for (Path c : certificates) {
            args.add(c.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyExport.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return code + " " + out.toString(StandardCharsets.UTF_8).strip();
    }
}
