package org.passerelle.contracts;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.passerelle.contracts.envelope.v1.Envelope;

/**
 * A message that passed every check of its contract: the bound envelope and the exact bytes it was read from (which
 * the gateway signs, digests and stores unchanged).
 */
public final class DecodedMessage {

    private final String envelopeNamespace;
    private final Object root;
    private final byte[] bytes;

    DecodedMessage(String envelopeNamespace, Object root, byte[] bytes) {
        this.envelopeNamespace = envelopeNamespace;
        this.root = root;
        this.bytes = bytes;
    }

    /** The namespace of the envelope, which names the contract version, e.g. {@code urn:passerelle:envelope:1}. */
    public String envelopeNamespace() {
        return envelopeNamespace;
    }

    /** The version 1 envelope; refused with {@code XML_UNSUPPORTED_NAMESPACE} when the message is of another version. */
    public Envelope envelope() {
        if (root instanceof Envelope envelope) {
            return envelope;
        }
        throw new ContractViolationException(ContractErrorCode.XML_UNSUPPORTED_NAMESPACE, List.of(new Violation(-1, -1, "/Envelope",
                "the message is in " + envelopeNamespace + ", not in urn:passerelle:envelope:1")), null);
    }

    /** The bound root of whatever version the message is in. */
    public Object root() {
        return root;
    }

    /** A copy of the exact bytes received. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The exact bytes received, without copying them. */
    public InputStream openBytes() {
        return new ByteArrayInputStream(bytes);
    }

    /** The SHA-256 of the exact bytes received, in lower-case hex (computed without copying them). */
    public String sha256Hex() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** How many bytes the message has. */
    public int size() {
        return bytes.length;
    }
}
