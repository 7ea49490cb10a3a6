package org.passerelle.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's FR back-end on a drop folder: it submits by dropping envelope files into {@code <base>/outbox} (written
 * under a temporary name, then renamed), and takes inbound envelopes from {@code <base>/inbox/<MessageType>/}.
 */
final class DropFolderBackend {

    private final Path base;

    DropFolderBackend(Path base) {
        this.base = base;
    }

    /** The node's settings: the drop folder, and one inbox folder per message type as its back-end endpoints. */
    Map<String, Object> settings(List<String> types) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("passerelle.connectors.files.enabled", true);
        p.put("passerelle.connectors.files.folders[0].name", "backend");
        p.put("passerelle.connectors.files.folders[0].uri", "file:" + base);
        p.put("passerelle.connectors.files.folders[0].actor", "fr-backend");
        p.put("passerelle.connectors.files.folders[0].poll-interval", "200ms");
        for (String type : types) {
            p.put("passerelle.backend.endpoints." + type + "[0]", "file:" + base.resolve("inbox").resolve(type) + "?tempPrefix=.part-");
        }
        return p;
    }

    /** Whether the message lies in its type's inbox folder. */
    boolean delivered(String type, String messageId) {
        return Files.exists(base.resolve("inbox").resolve(type).resolve(messageId + ".xml"));
    }

    /**
     * Drops the envelope as {@code <name>.xml} and waits until the node has archived it (empty) or refused it (the
     * fault's code); the code "TIMEOUT" when neither happened within a minute.
     */
    Optional<String> submit(String name, byte[] xml) throws IOException, InterruptedException {
        Path outbox = Files.createDirectories(base.resolve("outbox"));
        Path partial = outbox.resolve(name + ".xml.tmp");
        Files.write(partial, xml);
        Files.move(partial, outbox.resolve(name + ".xml"), StandardCopyOption.ATOMIC_MOVE);
        Path archived = base.resolve("archive").resolve(name + ".xml");
        Path fault = base.resolve("error").resolve(name + ".xml.fault.xml");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(archived)) {
                return Optional.empty();
            }
            if (Files.exists(fault) && Files.exists(fault.resolveSibling(name + ".xml"))) {
                Matcher code = Pattern.compile("<(?:\\w+:)?Code>([A-Z_]+)<").matcher(Files.readString(fault, StandardCharsets.UTF_8));
                return Optional.of(code.find() ? code.group(1) : "?");
            }
            Thread.sleep(100);
        }
        return Optional.of("TIMEOUT");
    }

    Path base() {
        return base;
    }
}
