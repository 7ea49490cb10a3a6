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
 * Two GB nodes (processes, each with its own H2 database and node id) poll one drop folder, every 100 ms: each file is
 * claimed by exactly one of them (the claim is an atomic rename into the claimant's own work folder), so each
 * message is in exactly one node's log, and every file ends in the archive.
 */
class DropFolderRaceIT {

    static final int FILES = 60;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static ProcessNode first;
    static ProcessNode second;
    static Path drop;

    @BeforeAll
    static void startNodes() {
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR"));
        drop = dir.resolve("shared-drop");
        first = node(pki, "GB-1");
        second = node(pki, "GB-2");
        System.out.println("DropFolderRaceIT: node logs in " + dir);
        ProcessNode.startAll(first, second);
    }

    private static ProcessNode node(DevPki pki, String nodeId) {
        int api = ProcessNode.freePort();
        int exchange = ProcessNode.freePort();
        Map<String, Object> extra = new LinkedHashMap<>(DropFolders.local(0, "casework", drop));
        extra.put("passerelle.connectors.files.folders[0].poll-interval", "100ms");
        extra.put("passerelle.node.node-id", nodeId);
        return new ProcessNode("GB", api, exchange, ProcessNode.settings(pki, dir.resolve(nodeId), "GB", "FR", api,
                exchange, ProcessNode.freePort(), ProcessNode.freePort(), extra), dir.resolve(nodeId + ".log"));
    }

    @AfterAll
    static void stopNodes() {
        ProcessNode.killAll(first, second);
    }

    @Test
    void eachFileIsTakenByExactlyOneOfTwoNodesPollingTheSameFolder() {
        // given files dropped while both nodes poll the folder
        List<byte[]> messages = IntStream.range(0, FILES)
                .mapToObj(i -> Envelopes.sample("ReadmissionRequest", "GB", "FR", UUID.randomUUID().toString())).toList();
        for (int i = 0; i < FILES; i++) {
            DropFolders.drop(drop, "race-" + i, messages.get(i));
        }

        // then every file ends in the archive, nothing left behind or refused
        await().atMost(Duration.ofMinutes(2)).until(() -> DropFolders.names(drop.resolve("archive")).size() == FILES);
        assertThat(DropFolders.names(drop.resolve("outbox"))).isEmpty();
        assertThat(DropFolders.allFiles(drop.resolve("work"))).isEmpty();
        assertThat(DropFolders.names(drop.resolve("error"))).isEmpty();
        // and each message is in exactly one node's log
        int byFirst = 0;
        for (byte[] xml : messages) {
            String id = Envelopes.header(xml, "MessageId");
            boolean inFirst = first.status(id).isPresent();
            boolean inSecond = second.status(id).isPresent();
            assertThat(inFirst ^ inSecond).as("%s taken by exactly one node (first %s, second %s)", id, inFirst, inSecond)
                    .isTrue();
            byFirst += inFirst ? 1 : 0;
        }
        System.out.printf("DropFolderRaceIT: %d files, %d taken by GB-1, %d by GB-2%n", FILES, byFirst, FILES - byFirst);
    }
}
