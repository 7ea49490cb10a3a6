package org.passerelle.security.audit;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Objects;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.SecurityCheckException;
import org.passerelle.security.SecurityErrorCode;

/**
 * Signs checkpoints with the node's key: ECDSA with SHA-256 for EC keys, RSA-PSS with SHA-256 for RSA keys. Providers
 * follow the measurements recorded in {@code org.passerelle.security.Providers}: SunEC signs P-256 faster than Bouncy
 * Castle, Bouncy Castle verifies faster than SunEC.
 */
public final class CheckpointSigner {

    static final String ECDSA = "SHA256withECDSA";
    static final String RSA_PSS = "RSASSA-PSS";
    private static final PSSParameterSpec PSS =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, PSSParameterSpec.TRAILER_FIELD_BC);
    private static final Provider BC = new BouncyCastleProvider();

    private final KeyMaterial key;
    private final String nodeId;
    private final String algorithm;
    private final String certificateSha256;

    public CheckpointSigner(KeyMaterial key, String nodeId) {
        this.key = Objects.requireNonNull(key, "key");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.algorithm = switch (key.privateKey().getAlgorithm()) {
            case "EC", "ECDSA" -> ECDSA;
            case "RSA", "RSASSA-PSS" -> RSA_PSS;
            default -> throw new SecurityCheckException(SecurityErrorCode.KEY_MATERIAL_INVALID,
                    "no checkpoint signature for " + key.privateKey().getAlgorithm() + " keys");
        };
        this.certificateSha256 = Fingerprints.sha256(key.certificate());
    }

    /**
     * A format-1 checkpoint over the chain head {@code seq} with hash {@code headHash}, signed now; kept for tests of
     * logs written before checkpoints signed a Merkle root. Nodes sign {@link #sign(long, String, String, Instant)}.
     */
    public Checkpoint sign(long seq, String headHash, Instant at) {
        return sign(seq, headHash, null, at);
    }

    /**
     * A checkpoint over the chain head {@code seq} with hash {@code headHash} and the root (hex) of the Merkle tree of
     * entries 1..seq, signed now (format 2; format 1 when {@code merkleRoot} is null).
     */
    public Checkpoint sign(long seq, String headHash, String merkleRoot, Instant at) {
        Checkpoint unsigned = new Checkpoint(seq, headHash, at, nodeId, algorithm, null, null, merkleRoot);
        try {
            Signature signature = algorithm.equals(ECDSA)
                    ? Signature.getInstance(ECDSA, required("SunEC"))
                    : pss(Signature.getInstance(RSA_PSS, required("SunRsaSign")));
            signature.initSign(key.privateKey());
            signature.update(unsigned.toBeSigned());
            return new Checkpoint(seq, headHash, unsigned.at(), nodeId, algorithm, signature.sign(), certificateSha256,
                    merkleRoot);
        } catch (GeneralSecurityException e) {
            throw new SecurityCheckException(SecurityErrorCode.OPERATION_FAILED, "checkpoint signing failed", e);
        }
    }

    /** The certificate whose key signs: what a verifier needs, and all it needs. */
    public X509Certificate certificate() {
        return key.certificate();
    }

    static boolean verify(Checkpoint checkpoint, X509Certificate signer) {
        if (checkpoint.signature() == null
                || !(ECDSA.equals(checkpoint.algorithm()) || RSA_PSS.equals(checkpoint.algorithm()))) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance(checkpoint.algorithm(), BC);
            if (RSA_PSS.equals(checkpoint.algorithm())) {
                pss(signature);
            }
            signature.initVerify(signer.getPublicKey());
            signature.update(checkpoint.toBeSigned());
            return signature.verify(checkpoint.signature());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static Signature pss(Signature signature) throws GeneralSecurityException {
        signature.setParameter(PSS);
        return signature;
    }

    private static Provider required(String name) {
        Provider provider = Security.getProvider(name);
        if (provider == null) {
            throw new IllegalStateException("the JDK provider " + name + " is missing");
        }
        return provider;
    }
}
