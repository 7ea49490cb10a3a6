package org.passerelle.tests.connectors;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.passerelle.tests.support.ProcessNode;

/**
 * A real SFTP server (Apache MINA SSHD) on 127.0.0.1, serving {@link #root()}: one user who may sign in with a password
 * or with the key pair written to {@link #privateKey()}, and an EC host key kept on disk, so that a server stopped and
 * started again is the same server to a client that checks {@link #knownHosts()}.
 */
final class SftpServer implements AutoCloseable {

    static final String USER = "backend";
    static final String PASSWORD = "drop & folder+password";

    private final Path dir;
    private final int port = ProcessNode.freePort();
    private final KeyPair userKey;
    private SshServer server;

    SftpServer(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(root());
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            userKey = generator.generateKeyPair();
            try (OutputStream out = Files.newOutputStream(privateKey())) {
                new OpenSSHKeyPairResourceWriter().writePrivateKey(userKey, "passerelle", null, out);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot prepare the SFTP server", e);
        }
        start();
    }

    /** Starts (or starts again) the server on its port, with its host key. */
    synchronized void start() {
        if (server != null) {
            return;
        }
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost("127.0.0.1");
        s.setPort(port);
        SimpleGeneratorHostKeyProvider hostKey = new SimpleGeneratorHostKeyProvider(dir.resolve("host-key"));
        hostKey.setAlgorithm(KeyUtils.EC_ALGORITHM);
        hostKey.setKeySize(256);
        s.setKeyPairProvider(hostKey);
        s.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        s.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && KeyUtils.compareKeys(key, userKey.getPublic()));
        s.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        s.setFileSystemFactory(new VirtualFileSystemFactory(root()));
        try {
            s.start();
            writeKnownHosts(hostKey.loadKeys(null).iterator().next().getPublic());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the SFTP server", e);
        }
        server = s;
    }

    /** Stops the server: clients can no longer connect, and open sessions are closed. */
    synchronized void stop() {
        if (server != null) {
            try {
                server.stop(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = null;
        }
    }

    private void writeKnownHosts(PublicKey hostKey) throws IOException {
        Files.writeString(knownHosts(), "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(hostKey) + "\n",
                StandardCharsets.US_ASCII);
    }

    int port() {
        return port;
    }

    /** The folder the server serves as its root. */
    Path root() {
        return dir.resolve("root");
    }

    Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    /** The user's private key, OpenSSH format, no pass phrase. */
    Path privateKey() {
        return dir.resolve("id_ecdsa");
    }

    /** The base URI of a folder under the root, as a drop folder or a back-end endpoint names it. */
    String uri(String folder) {
        return "sftp://127.0.0.1:" + port + "/" + folder;
    }

    @Override
    public void close() {
        stop();
    }
}
