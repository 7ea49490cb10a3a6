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
 */
public record Checkpoint(long seq, String headHash, Instant at, String nodeId, String algorithm, byte[] signature) {

    private static final byte[] DOMAIN = "passerelle-audit-checkpoint/1".getBytes(StandardCharsets.US_ASCII);

    public Checkpoint {
        Objects.requireNonNull(headHash, "headHash");
        Objects.requireNonNull(nodeId, "nodeId");
        at = at.truncatedTo(ChronoUnit.MICROS);
        signature = signature == null ? null : signature.clone();
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
        return "Checkpoint[seq=" + seq + ", headHash=" + headHash + ", at=" + at + ", nodeId=" + nodeId + "]";
    }
}
