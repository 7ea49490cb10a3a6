package org.passerelle.security.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A node's signed statement that the audit chain's entry {@code seq} has hash {@code headHash} and, from format 2 on,
 * that the Merkle tree of entries 1..seq has root {@code merkleRoot}: whoever later holds a chain that differs at or
 * before {@code seq}, or ends before it, holds a chain that was changed.
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
 * @param merkleRoot the lowercase hex root of the {@link MerkleTree} of entries 1..seq (signed, format 2), or null for
 *                  a format-1 checkpoint, signed before the tree existed, which commits to the head hash only
 */
public record Checkpoint(long seq, String headHash, Instant at, String nodeId, String algorithm, byte[] signature,
                         String certificateSha256, String merkleRoot) {

    /** The signed payload's domain tag of checkpoints without a Merkle root: still verified, no longer signed. */
    static final String DOMAIN_1 = "passerelle-audit-checkpoint/1";
    /** The signed payload's domain tag of checkpoints with a Merkle root. */
    static final String DOMAIN_2 = "passerelle-audit-checkpoint/2";

    public Checkpoint {
        Objects.requireNonNull(headHash, "headHash");
        Objects.requireNonNull(nodeId, "nodeId");
        at = at.truncatedTo(ChronoUnit.MICROS);
        signature = signature == null ? null : signature.clone();
    }

    /** A format-1 checkpoint: no Merkle root. */
    public Checkpoint(long seq, String headHash, Instant at, String nodeId, String algorithm, byte[] signature,
                      String certificateSha256) {
        this(seq, headHash, at, nodeId, algorithm, signature, certificateSha256, null);
    }

    /** A checkpoint that does not record which certificate signed it. */
    public Checkpoint(long seq, String headHash, Instant at, String nodeId, String algorithm, byte[] signature) {
        this(seq, headHash, at, nodeId, algorithm, signature, null);
    }

    @Override
    public byte[] signature() {
        return signature == null ? null : signature.clone();
    }

    /** 2 when the checkpoint signs a Merkle root, 1 for one signed before the tree existed. */
    public int format() {
        return merkleRoot == null ? 1 : 2;
    }

    /**
     * The exact bytes signed: a domain tag naming the format, seq, time (microseconds), then length-prefixed the head
     * hash, (format 2) the Merkle root, and the node id. The tag differs between formats, so a format-2 signature
     * never verifies as a format-1 checkpoint with its root stripped, nor the other way round.
     */
    public byte[] toBeSigned() {
        byte[] domain = (merkleRoot == null ? DOMAIN_1 : DOMAIN_2).getBytes(StandardCharsets.US_ASCII);
        byte[] head = headHash.getBytes(StandardCharsets.US_ASCII);
        byte[] root = merkleRoot == null ? null : merkleRoot.getBytes(StandardCharsets.US_ASCII);
        byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(domain.length + 8 + 8 + 4 + head.length
                        + (root == null ? 0 : 4 + root.length) + 4 + node.length)
                .put(domain).putLong(seq).putLong(ChainHash.micros(at)).putInt(head.length).put(head);
        if (root != null) {
            out.putInt(root.length).put(root);
        }
        return out.putInt(node.length).put(node).array();
    }

    /** Whether the signature is the certificate's key's signature over this checkpoint. */
    public boolean verify(java.security.cert.X509Certificate signer) {
        return CheckpointSigner.verify(this, signer);
    }

    @Override
    public String toString() {
        return "Checkpoint[seq=" + seq + ", headHash=" + headHash + ", at=" + at + ", nodeId=" + nodeId
                + ", certificateSha256=" + certificateSha256 + ", merkleRoot=" + merkleRoot + "]";
    }
}
