package org.passerelle.gateway.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The default node id: stable across restarts of one node and different for two nodes, even two on one host. A
 * node is its data folder on its host, so the id is the host name and the first 4 bytes of SHA-256 over the data
 * folder's absolute path. Where host names change at every start (a container scheduler's generated names), configure
 * {@code passerelle.node.node-id} instead.
 */
final class NodeIds {

    private NodeIds() {
    }

    static String defaultFor(Path dataDir) {
        String folder = dataDir.toAbsolutePath().normalize().toString();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(folder.getBytes(StandardCharsets.UTF_8));
            return host() + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String host() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                name = "node";
            }
        }
        String cleaned = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        return cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned.isEmpty() ? "node" : cleaned;
    }
}
