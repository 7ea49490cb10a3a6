package org.passerelle.tests.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.ProcessNode;

/**
 * Nodes killed with SIGKILL in the middle of a batch of drop-folder transfers, then started again on the same data
 * folder and ports: GB while it takes a batch of dropped files, FR while it writes a batch into its back-end's inbox
 * folder. Nothing is lost and nothing is taken or written twice: every dropped file ends in the archive once as one
 * message, every inbound message lies in the inbox once, whole, under its id. Both nodes run as processes, on H2.
 */
class DropFolderCrashIT {

    static final String TYPE = "ReadmissionRequest";
    static final int BATCH = 40;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static ProcessNode gb;
    static ProcessNode fr;
    static Path gbDrop;
    static Path frDrop;

    @BeforeAll
    static void startNodes() {
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR"));
        gbDrop = dir.resolve("gb-drop");
        frDrop = dir.resolve("fr-drop");
        int gbApi = ProcessNode.freePort();
        int gbExchange = ProcessNode.freePort();
        int frApi = ProcessNode.freePort();
        int frExchange = ProcessNode.freePort();
        Map<String, Object> gbExtra = new LinkedHashMap<>(DropFolders.local(0, "casework", gbDrop));
        gbExtra.put("passerelle.delivery.max-attempts", 1000);
        Map<String, Object> frExtra = new LinkedHashMap<>();
        frExtra.put("passerelle.backend.endpoints." + TYPE + "[0]", DropFolders.fileInbox(frDrop, TYPE));
        frExtra.put("passerelle.delivery.max-attempts", 1000);
        gb = new ProcessNode("GB", gbApi, gbExchange, ProcessNode.settings(pki, dir, "GB", "FR", gbApi, gbExchange,
                frExchange, ProcessNode.freePort(), gbExtra), dir.resolve("GB.log"));
        fr = new ProcessNode("FR", frApi, frExchange, ProcessNode.settings(pki, dir, "FR", "GB", frApi, frExchange,
                gbExchange, ProcessNode.freePort(), frExtra), dir.resolve("FR.log"));
        System.out.println("DropFolderCrashIT: node logs in " + dir);
        ProcessNode.startAll(gb, fr);
    }

    @AfterAll
    static void stopNodes() {
        ProcessNode.killAll(gb, fr);
    }

    @Test
    void everyDroppedFileIsTakenOnceThoughTheNodeIsKilledWhileTakingTheBatch() {
        // given a batch of files in GB's outbox
        List<byte[]> batch = messages(BATCH);
        List<String> names = IntStream.range(0, BATCH).mapToObj(i -> "crash-" + i).toList();
        ProcessNode.ensureRunning(gb);
        for (int i = 0; i < BATCH; i++) {
            DropFolders.drop(gbDrop, names.get(i), batch.get(i));
        }

        // when GB is killed once it has archived a few of them
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> DropFolders.names(gbDrop.resolve("archive")).size() >= 3);
        gb.kill();
        int archivedAtKill = DropFolders.names(gbDrop.resolve("archive")).size();
        int claimedAtKill = DropFolders.names(gbDrop.resolve("work").resolve("GB-test")).size();
        gb.start();

        // then every file ends in the archive, none in the outbox, the work folder or the error folder
        await().atMost(Duration.ofMinutes(2)).until(() -> DropFolders.names(gbDrop.resolve("archive")).size() == BATCH);
        assertThat(DropFolders.names(gbDrop.resolve("archive"))).containsExactlyInAnyOrderElementsOf(
                names.stream().map(n -> n + ".xml").toList());
        assertThat(DropFolders.names(gbDrop.resolve("outbox"))).isEmpty();
        assertThat(DropFolders.names(gbDrop.resolve("work").resolve("GB-test"))).isEmpty();
        assertThat(DropFolders.names(gbDrop.resolve("error"))).isEmpty();
        // and each is one message of GB's log, received once
        for (byte[] xml : batch) {
            String id = Envelopes.header(xml, "MessageId");
            assertThat(gb.history(id)).as("GB history of %s", id).filteredOn("RECEIVED"::equals).hasSize(1);
        }
        System.out.printf("DropFolderCrashIT: GB killed with %d of %d files archived and %d claimed in its work folder%n",
                archivedAtKill, BATCH, claimedAtKill);
    }

    @Test
    void everyInboundMessageIsWrittenOnceAndWholeThoughTheNodeIsKilledWhileWritingTheBatch() {
        // given GB sends a batch of messages to FR, whose back-end takes them from its inbox folder
        List<byte[]> batch = messages(BATCH);
        ProcessNode.ensureRunning(gb);
        ProcessNode.ensureRunning(fr);
        Path inbox = frDrop.resolve("inbox").resolve(TYPE);
        List<String> ids = batch.stream().map(xml -> Envelopes.header(xml, "MessageId")).toList();
        for (byte[] xml : batch) {
            assertThat(gb.submit(xml).statusCode()).isEqualTo(202);
        }

        // when FR is killed once it has written a few of them
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(5))
                .until(() -> written(inbox, ids) >= 3);
        fr.kill();
        long writtenAtKill = written(inbox, ids);
        fr.start();

        // then every message lies in the inbox once, whole, under its id, and FR records it delivered
        await().atMost(Duration.ofMinutes(2)).until(() ->
                ids.stream().allMatch(id -> fr.status(id).filter("DELIVERED"::equals).isPresent()));
        for (byte[] xml : batch) {
            String id = Envelopes.header(xml, "MessageId");
            assertThat(DropFolders.read(inbox.resolve(id + ".xml"))).as("the file of %s", id).isEqualTo(xml);
        }
        assertThat(DropFolders.names(inbox)).filteredOn(name -> ids.contains(name.replace(".xml", "")))
                .hasSize(BATCH);
        assertThat(DropFolders.names(inbox)).noneMatch(name -> name.startsWith(".part-"));
        System.out.printf("DropFolderCrashIT: FR killed with %d of %d messages written%n", writtenAtKill, BATCH);
    }

    /** How many of these messages lie in the inbox folder. */
    private static long written(Path inbox, List<String> ids) {
        return DropFolders.names(inbox).stream().filter(name -> ids.contains(name.replace(".xml", ""))).count();
    }

    private static List<byte[]> messages(int count) {
        String conversation = UUID.randomUUID().toString();
        return IntStream.range(0, count).mapToObj(i -> Envelopes.sample(TYPE, "GB", "FR", i % 4 == 0
                ? UUID.randomUUID().toString() : conversation)).toList();
    }
}
