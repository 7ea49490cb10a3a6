package org.passerelle.tests.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * GB's back-end submits by drop folder (one on this machine's file system, one over SFTP) and FR's back-end takes
 * inbound envelopes from per-type inbox folders (one type written locally, one over SFTP), against a real SFTP server
 * (Apache MINA SSHD) whose host key the nodes check. Both nodes run in this JVM on H2: the database plays no part.
 */
class DropFolderIT {

    static final String LOCAL_TYPE = "ReadmissionRequest";
    static final String SFTP_TYPE = "TransferStatus";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static SftpServer sftp;
    static Exchange exchange;
    static Path gbLocal;
    static Path gbSftp;
    static Path frLocal;
    static Path frSftp;

    @BeforeAll
    static void start() {
        sftp = new SftpServer(dir.resolve("sftp"));
        gbLocal = dir.resolve("gb-drop");
        gbSftp = sftp.root().resolve("gb-drop");
        frLocal = dir.resolve("fr-drop");
        frSftp = sftp.root().resolve("fr-drop");
        Map<String, Object> extra = new LinkedHashMap<>();
        DropFolders.local(0, "casework", gbLocal).forEach((k, v) -> extra.put("GB:" + k, v));
        DropFolders.sftp(1, "biometrics", sftp, "gb-drop").forEach((k, v) -> extra.put("GB:" + k, v));
        extra.put("FR:passerelle.backend.endpoints." + LOCAL_TYPE + "[0]", DropFolders.fileInbox(frLocal, LOCAL_TYPE));
        extra.put("FR:passerelle.backend.endpoints." + SFTP_TYPE + "[0]", DropFolders.sftpInbox(sftp, "fr-drop", SFTP_TYPE));
        exchange = Exchange.start(dir, extra);
    }

    @AfterAll
    static void stop() {
        if (exchange != null) {
            exchange.close();
        }
        if (sftp != null) {
            sftp.close();
        }
    }

    @Test
    void aFileDroppedLocallyIsTakenOnceArchivedAndWrittenIntoThePartnersInboxFolder() {
        // given GB's back-end drops an envelope for FR into its local outbox
        byte[] xml = Envelopes.sample(LOCAL_TYPE, "GB", "FR", UUID.randomUUID().toString());
        String id = Envelopes.header(xml, "MessageId");
        DropFolders.drop(gbLocal, "local-" + id, xml);

        // then GB takes it and archives it
        await().atMost(Duration.ofSeconds(30)).until(() -> DropFolders.names(gbLocal.resolve("archive")).contains("local-" + id + ".xml"));
        assertThat(known(exchange.gb, id)).isTrue();
        // and FR writes it, byte for byte, into its back-end's inbox folder for the type, under the message id
        Path delivered = frLocal.resolve("inbox").resolve(LOCAL_TYPE).resolve(id + ".xml");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(delivered));
        assertThat(DropFolders.read(delivered)).isEqualTo(xml);
        await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(status(exchange.fr, id)));
        assertThat(DropFolders.names(gbLocal.resolve("outbox"))).isEmpty();
        assertThat(DropFolders.names(gbLocal.resolve("work").resolve("GB-test"))).isEmpty();
        assertThat(DropFolders.names(gbLocal.resolve("error"))).doesNotContain("local-" + id + ".xml");
    }

    @Test
    void aFileDroppedOverSftpIsTakenOnceArchivedAndWrittenIntoThePartnersInboxFolderOverSftp() {
        // given GB's back-end drops an envelope for FR into its outbox on the SFTP server
        byte[] xml = Envelopes.sample(SFTP_TYPE, "GB", "FR", UUID.randomUUID().toString());
        String id = Envelopes.header(xml, "MessageId");
        DropFolders.drop(gbSftp, "sftp-" + id, xml);

        // then GB takes it over SFTP and archives it there
        await().atMost(Duration.ofSeconds(30)).until(() -> DropFolders.names(gbSftp.resolve("archive")).contains("sftp-" + id + ".xml"));
        assertThat(known(exchange.gb, id)).isTrue();
        // and FR writes it over SFTP into the back-end's inbox folder for the type, nothing left under a temporary name
        Path inbox = frSftp.resolve("inbox").resolve(SFTP_TYPE);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inbox.resolve(id + ".xml")));
        assertThat(DropFolders.read(inbox.resolve(id + ".xml"))).isEqualTo(xml);
        assertThat(DropFolders.names(inbox)).allSatisfy(name -> assertThat(name).doesNotStartWith(".part-"));
    }

    @Test
    void aRefusedFileGoesToTheErrorFolderWithItsFaultBesideIt() {
        // given GB's back-end drops an envelope that says it is from FR (GB's node sends only as GB)
        byte[] xml = Envelopes.sample(LOCAL_TYPE, "FR", "GB", UUID.randomUUID().toString());
        DropFolders.drop(gbLocal, "wrong-sender", xml);

        // then it lands in the error folder, untouched, with a Fault XML beside it carrying the stable code
        Path error = gbLocal.resolve("error");
        await().atMost(Duration.ofSeconds(30)).until(() -> DropFolders.names(error).contains("wrong-sender.xml.fault.xml")
                && DropFolders.names(error).contains("wrong-sender.xml"));
        assertThat(DropFolders.read(error.resolve("wrong-sender.xml"))).isEqualTo(xml);
        String fault = new String(DropFolders.read(error.resolve("wrong-sender.xml.fault.xml")), StandardCharsets.UTF_8);
        assertThat(fault).contains("WRONG_NODE").contains("Fault");
        assertThat(DropFolders.names(gbLocal.resolve("archive"))).doesNotContain("wrong-sender.xml");
    }

    @Test
    void aFileDroppedAgainUnderANameAlreadyClaimedDoesNotReplaceTheFirstBeforeItIsTaken() throws Exception {
        // given GB has claimed a file but not yet taken it (its taking route held still for the test)
        CamelContext camel = exchange.gb.bean(CamelContext.class);
        camel.getRouteController().stopRoute("files-submissions-casework");
        Path outbox = gbLocal.resolve("outbox");
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                // when the back-end drops a second envelope under the same name once the first has been claimed
                byte[] xml = Envelopes.sample(LOCAL_TYPE, "GB", "FR", UUID.randomUUID().toString());
                ids.add(Envelopes.header(xml, "MessageId"));
                DropFolders.drop(gbLocal, "same-name", xml);
                await().atMost(Duration.ofSeconds(30)).until(() -> !DropFolders.names(outbox).contains("same-name.xml"));
            }
            assertThat(DropFolders.names(gbLocal.resolve("work").resolve("GB-test")))
                    .as("both claimed, each under a name of its own").hasSize(2)
                    .allSatisfy(name -> assertThat(name).endsWith("~same-name.xml"));
        } finally {
            camel.getRouteController().startRoute("files-submissions-casework");
        }

        // then both are taken: neither replaced the other
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> known(exchange.gb, id)));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                DropFolders.names(gbLocal.resolve("work").resolve("GB-test")).isEmpty());
        assertThat(DropFolders.names(gbLocal.resolve("archive"))).contains("same-name.xml");
    }

    @Test
    void anOversizeFileOverSftpIsRefusedAsBodyTooLarge() throws Exception {
        // given a file over the node's body limit (16 MB) in the SFTP outbox
        byte[] big = new byte[17 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        DropFolders.drop(gbSftp, "too-large", big);

        // then it is refused with BODY_TOO_LARGE, and kept whole in the error folder
        Path error = gbSftp.resolve("error");
        await().atMost(Duration.ofSeconds(60)).until(() -> DropFolders.names(error).contains("too-large.xml.fault.xml")
                && DropFolders.names(error).contains("too-large.xml"));
        assertThat(new String(DropFolders.read(error.resolve("too-large.xml.fault.xml")), StandardCharsets.UTF_8))
                .contains("BODY_TOO_LARGE");
        assertThat(Files.size(error.resolve("too-large.xml"))).isEqualTo(big.length);
    }

    @Test
    void whileTheSftpServerIsDownSubmissionsAndDeliveriesWaitThenArriveOnce() {
        // given the SFTP server is down
        double retriesBefore = backendRetries(exchange.fr);
        sftp.stop();
        try {
            // when GB's back-end submits three messages over the API, and drops one more into the SFTP outbox
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] xml = Envelopes.sample(SFTP_TYPE, "GB", "FR", UUID.randomUUID().toString());
                assertThat(exchange.gb.submit(xml).statusCode()).isEqualTo(202);
                ids.add(Envelopes.header(xml, "MessageId"));
            }
            byte[] dropped = Envelopes.sample(SFTP_TYPE, "GB", "FR", UUID.randomUUID().toString());
            String droppedId = Envelopes.header(dropped, "MessageId");
            DropFolders.drop(gbSftp, "while-down", dropped);

            // then FR receives the three but fails to write them (and will try again); the dropped file waits
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> known(exchange.fr, id)));
            await().atMost(Duration.ofSeconds(30)).until(() -> backendRetries(exchange.fr) >= 3 + retriesBefore);
            Path inbox = frSftp.resolve("inbox").resolve(SFTP_TYPE);
            assertThat(ids).allSatisfy(id -> assertThat(Files.exists(inbox.resolve(id + ".xml"))).isFalse());
            assertThat(DropFolders.names(gbSftp.resolve("outbox"))).contains("while-down.xml");

            // when the server is back
            sftp.start();
            ids.add(droppedId);

            // then every message arrives once: one file each, delivered once
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> Files.exists(inbox.resolve(id + ".xml"))));
            await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> "DELIVERED".equals(status(exchange.fr, id))));
            assertThat(DropFolders.names(gbSftp.resolve("archive"))).contains("while-down.xml");
            for (String id : ids) {
                String history = exchange.fr.get("/api/v1/messages/" + id, Node.SYSTEM_TOKEN).body().split("\"history\"")[1];
                assertThat(history).as("FR's history of %s", id).containsOnlyOnce("\"status\":\"DELIVERED\"");
                assertThat(DropFolders.read(inbox.resolve(id + ".xml"))).isNotEmpty();
            }
            assertThat(DropFolders.names(inbox)).filteredOn(ids.stream().map(id -> id + ".xml").toList()::contains)
                    .hasSize(ids.size());
        } finally {
            sftp.start();
        }
    }

    /** Failed dispatch attempts to the back-end that the node will retry, so far. */
    private static double backendRetries(Node node) {
        return node.bean(io.micrometer.core.instrument.MeterRegistry.class).find("passerelle.delivery.retries")
                .tag("target", "backend").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static boolean known(Node node, String id) {
        return node.get("/api/v1/messages/" + id, Node.SYSTEM_TOKEN).statusCode() == 200;
    }

    private static String status(Node node, String id) {
        String body = node.get("/api/v1/messages/" + id, Node.SYSTEM_TOKEN).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"message\":\\{[^}]*\"status\":\"([A-Z_]+)\"").matcher(body);
        return m.find() ? m.group(1) : "";
    }
}
