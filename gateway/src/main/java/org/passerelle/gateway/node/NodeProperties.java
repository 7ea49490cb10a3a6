package org.passerelle.gateway.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Who this node is and where its keys and data live ({@code passerelle.node}).
 *
 * @param party            this node's party code, e.g. {@code GB}
 * @param nodeId           names this node among several nodes of one party sharing a database: its outbox and gallery
 *                         claims, its lock on a periodic job, its row in {@code cluster_node}. Stable across restarts,
 *                         so that a restarted node releases its own earlier claims at once; unique among the party's
 *                         nodes (a second process starting with the id of a running node is refused). Default: the
 *                         host name and a digest of the data folder's absolute path, e.g. {@code gw-a-3f9c21d0}
 * @param dataDir          where the embedded database lives (and, with no KEK configured, the node's own KEK)
 * @param keystore         PKCS#12 holding this party's gateway key and certificate chain (signing, decryption, TLS)
 * @param keystorePassword its password (also of the next and previous key stores)
 * @param nextKeystore     during a key rollover, the PKCS#12 of this party's next gateway key: messages encrypted to
 *                         it are opened already, while the node still signs and speaks TLS with the current key
 * @param previousKeystores after a rollover, the key stores of earlier keys, kept to open messages still in flight
 *                         to them (and nothing else)
 * @param trustAnchors     PEM files of this party's own root(s), trusted for back-end system and officer client certificates
 * @param crls             CRL files of this party's own root(s)
 * @param exchangePort     the partner-facing port (mutual TLS, TLS 1.3, client certificate required)
 * @param maxBodySize      the largest envelope or CMS body taken in, at intake and at the inbox
 * @param clockSkew        how far ahead of this node's clock a partner's signing time, or an envelope's createdAt, may lie
 * @param maxMessageAge    how old a partner's signing time may be: every delivery attempt is signed afresh and sent at
 *                         once, so an older signature is a replay or a message held back on the way; the default is
 *                         the clock skew, so that the signing time is within the skew of this node's clock either way
 * @param inboundMemory    the most bytes of request bodies taken in at once at the partner port and the intake (each
 *                         request reserves its declared length, or the body limit, before reading); past it a request
 *                         is answered {@code 503 NODE_BUSY} with {@code Retry-After}. Unset: half the heap divided by
 *                         the measured stage multiplier (10), at least one {@code max-body-size}
 */
@ConfigurationProperties("passerelle.node")
public record NodeProperties(
        String party,
        String nodeId,
        @DefaultValue("./data") Path dataDir,
        Path keystore,
        @DefaultValue("changeit") String keystorePassword,
        Path nextKeystore,
        @DefaultValue List<Path> previousKeystores,
        @DefaultValue List<Path> trustAnchors,
        @DefaultValue List<Path> crls,
        @DefaultValue("9443") int exchangePort,
        @DefaultValue("16MB") DataSize maxBodySize,
        @DefaultValue("5m") Duration clockSkew,
        @DefaultValue("5m") Duration maxMessageAge,
        DataSize inboundMemory) {

    public NodeProperties {
        if (party == null || !party.matches("[A-Z]{2}")) {
            throw new IllegalStateException("passerelle.node.party must be an ISO 3166-1 alpha-2 party code");
        }
        if (dataDir == null) {
            dataDir = Path.of("./data");
        }
        if (nodeId == null || nodeId.isBlank()) {
            nodeId = NodeIds.defaultFor(dataDir);
        }
        if (!nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalStateException("passerelle.node.node-id must be 1 to 64 letters, digits, '.', '_' or '-', was '"
                    + nodeId + "'");
        }
    }
}
