package org.passerelle.tests.connectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the drop-folder tests share: a folder's settings, the delivery endpoints, and a back-end dropping files. */
final class DropFolders {

    private DropFolders() {
    }

    /** The settings of drop folder number {@code index} on the local file system, under {@code base}. */
    static Map<String, Object> local(int index, String name, Path base) {
        return folder(index, name, "file:" + base);
    }

    /** The settings of drop folder number {@code index} on the SFTP server, signing in with the password. */
    static Map<String, Object> sftp(int index, String name, SftpServer server, String folder) {
        Map<String, Object> p = folder(index, name, server.uri(folder));
        String key = "passerelle.connectors.files.folders[" + index + "].";
        p.put(key + "username", SftpServer.USER);
        p.put(key + "password", SftpServer.PASSWORD);
        p.put(key + "known-hosts-file", server.knownHosts().toString());
        return p;
    }

    private static Map<String, Object> folder(int index, String name, String uri) {
        Map<String, Object> p = new LinkedHashMap<>();
        String key = "passerelle.connectors.files.folders[" + index + "].";
        p.put("passerelle.connectors.files.enabled", true);
        p.put(key + "name", name);
        p.put(key + "uri", uri);
        p.put(key + "actor", "casework-" + name);
        p.put(key + "poll-interval", "200ms");
        return p;
    }

    /** The back-end endpoint writing a type's inbound envelopes into {@code <base>/inbox/<type>} on this machine. */
    static String fileInbox(Path base, String type) {
        return "file:" + base.resolve("inbox").resolve(type) + "?tempPrefix=.part-";
    }

    /** The back-end endpoint writing a type's inbound envelopes into {@code <folder>/inbox/<type>} over SFTP, with the key. */
    static String sftpInbox(SftpServer server, String folder, String type) {
        return server.uri(folder + "/inbox/" + type) + "?username=" + SftpServer.USER + "&privateKeyFile="
                + server.privateKey() + "&knownHostsFile=" + server.knownHosts()
                + "&useUserKnownHostsFile=false&strictHostKeyChecking=yes&tempPrefix=.part-";
    }

    /** Drops an envelope as a back-end should: written under a temporary name, then renamed to {@code <name>.xml}. */
    static void drop(Path base, String name, byte[] xml) {
        try {
            Path outbox = Files.createDirectories(base.resolve("outbox"));
            Path partial = outbox.resolve(name + ".xml.tmp");
            Files.write(partial, xml);
            Files.move(partial, outbox.resolve(name + ".xml"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the regular files in a folder, hidden ones included; none when it does not exist. */
    static List<String> names(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file under a folder, at any depth. */
    static List<Path> allFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
