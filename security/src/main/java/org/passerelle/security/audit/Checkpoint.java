package org.passerelle.security.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A node's signed statement that the audit chain's entry {@code seq} has hash {@code headHash}: whoever later holds a
 * chain that differs at or before {@code seq}, or ends before it, holds a chain that was changed.
 *
 * @param seq       the sequence number of the chain head it covers
 * @param headHash  that entry's hash (hex)
 * @param at        when it was signed, truncated to microseconds
 * @param nodeId    the node that signed it
 * @param algorithm the JCA signature algorithm ({@code SHA256withECDSA} or {@code RSASSA-PSS})
 * @param signature the signature over {@link #toBeSigned()}
 * @param certificateSha256 the lowercase hex SHA-256 of the certificate whose key signed, or null when not recorded
 *                  (exports written before key rollover existed); not signed: it only says which of the node's
 *                  certificates to check the signature with, so changing it cannot make a signature verify
 */
public record Checkpoint(long seq, String headHash, Instant at, String nodeId, String algorithm, byte[] signature,
                         String certificateSha256) {

    private static final byte[] DOMAIN = "passerelle-audit-checkpoint/1".getBytes(StandardCharsets.US_ASCII);

    public Checkpoint {
        Objects.requireNonNull(headHash, "headHash");
        Objects.requireNonNull(nodeId, "nodeId");
        at = at.truncatedTo(ChronoUnit.MICROS);
        signature = signature == null ? null : signature.clone();
    }

    /** A checkpoint that does not record which certificate signed it. */
    public Checkpoint(long seq, String headHash, Instant at, String nodeId, String algorithm, byte[] signature) {
        this(seq, headHash, at, nodeId, algorithm, signature, null);
    }

    @Override
    public byte[] signature() {
        return signature == null ? null : signature.clone();
    }

    /** The exact bytes signed: a domain tag, seq, head hash, time (microseconds) and node id, length-prefixed. */
    public byte[] toBeSigned() {
        byte[] head = headHash.getBytes(StandardCharsets.US_ASCII);
        byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(DOMAIN.length + 8 + 8 + 4 + head.length + 4 + node.length)
                .put(DOMAIN).putLong(seq).putLong(ChainHash.micros(at))
                .putInt(head.length).put(head).putInt(node.length).put(node).array();
    }

    /** Whether the signature is the certificate's key's signature over this checkpoint. */
    public boolean verify(java.security.cert.X509Certificate signer) {
        return CheckpointSigner.verify(this, signer);
    }

    @Override
    public String toString() {
        return "Checkpoint[seq=" + seq + ", headHash=" + headHash + ", at=" + at + ", nodeId=" + nodeId
                + ", certificateSha256=" + certificateSha256 + "]";
    }
}
