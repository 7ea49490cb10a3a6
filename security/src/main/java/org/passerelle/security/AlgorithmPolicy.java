package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.ALGORITHM_NOT_ALLOWED;

import java.security.PublicKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;

/**
 * The allow-list of algorithms, key sizes and curves: SHA-256/384/512 only (no SHA-1, no MD5), ECDSA,
 * RSA-PSS and RSA PKCS#1 v1.5 with those digests, RSA of 2048 bits or more, EC on P-256 or P-384 only,
 * AES-256-GCM content encryption, RSA-OAEP or ECDH (standard, SHA-2 KDF) with AES-256 key wrap for the content key.
 */
final class AlgorithmPolicy {

    static final int MIN_RSA_BITS = 2048;

    private static final Set<ASN1ObjectIdentifier> DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);
    private static final Set<ASN1ObjectIdentifier> PLAIN_SIGNATURES = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption);
    /** In a CMS SignerInfo, ecPublicKey / rsaEncryption name the key; the digest algorithm then sets the hash. */
    private static final Set<ASN1ObjectIdentifier> SIGNER_KEY_ALGORITHMS = Set.of(
            X9ObjectIdentifiers.id_ecPublicKey, PKCSObjectIdentifiers.rsaEncryption);
    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1);
    /** The wire profile's one content cipher: AES-128 has a fine security margin, but one profile leaves nothing to negotiate. */
    private static final Set<ASN1ObjectIdentifier> CONTENT_CIPHERS = Set.of(CMSAlgorithm.AES256_GCM);
    private static final Set<ASN1ObjectIdentifier> KEY_AGREEMENTS = Set.of(
            CMSAlgorithm.ECDH_SHA256KDF, CMSAlgorithm.ECDH_SHA384KDF, CMSAlgorithm.ECDH_SHA512KDF);
    private static final Set<ASN1ObjectIdentifier> KEY_WRAPS = Set.of(CMSAlgorithm.AES256_WRAP);

    private AlgorithmPolicy() {
    }

    static void requireDigest(AlgorithmIdentifier digest) {
        if (!DIGESTS.contains(digest.getAlgorithm())) {
            throw refused("digest algorithm " + digest.getAlgorithm().getId() + " is not allowed");
        }
    }

    static void requireSignature(AlgorithmIdentifier signature) {
        ASN1ObjectIdentifier oid = signature.getAlgorithm();
        if (PLAIN_SIGNATURES.contains(oid) || SIGNER_KEY_ALGORITHMS.contains(oid)) {
            return;
        }
        if (PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid)) {
            RSASSAPSSparams params;
            try {
                params = RSASSAPSSparams.getInstance(signature.getParameters());
            } catch (RuntimeException e) {
                throw new SecurityCheckException(ALGORITHM_NOT_ALLOWED, "RSA-PSS parameters cannot be read", e);
            }
            requireDigest(params.getHashAlgorithm());
            AlgorithmIdentifier mgf = params.getMaskGenAlgorithm();
            if (!PKCSObjectIdentifiers.id_mgf1.equals(mgf.getAlgorithm())) {
                throw refused("RSA-PSS mask generation " + mgf.getAlgorithm().getId() + " is not allowed");
            }
            requireDigest(AlgorithmIdentifier.getInstance(mgf.getParameters()));
            return;
        }
        throw refused("signature algorithm " + oid.getId() + " is not allowed");
    }

    /** RSA of at least 2048 bits, or EC on P-256 / P-384; nothing else. */
    static void requireKey(PublicKey key) {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        } catch (RuntimeException e) {
            throw new SecurityCheckException(ALGORITHM_NOT_ALLOWED, "public key cannot be read", e);
        }
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm) || PKCSObjectIdentifiers.id_RSASSA_PSS.equals(algorithm)) {
            int bits;
            try {
                bits = RSAPublicKey.getInstance(info.parsePublicKey()).getModulus().bitLength();
            } catch (java.io.IOException | RuntimeException e) {
                throw new SecurityCheckException(ALGORITHM_NOT_ALLOWED, "RSA public key cannot be read", e);
            }
            if (bits < MIN_RSA_BITS) {
                throw refused("RSA key of " + bits + " bits is below " + MIN_RSA_BITS);
            }
            return;
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            if (!(info.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve) || !CURVES.contains(curve)) {
                throw refused("EC key is not on P-256 or P-384");
            }
            return;
        }
        throw refused("key algorithm " + algorithm.getId() + " is not allowed");
    }

    /** The certificate's own signature algorithm and its public key. */
    static void requireCertificate(X509Certificate certificate) {
        try {
            requireSignature(Certificate.getInstance(certificate.getEncoded()).getSignatureAlgorithm());
        } catch (CertificateEncodingException e) {
            throw new SecurityCheckException(ALGORITHM_NOT_ALLOWED, "certificate cannot be encoded", e);
        }
        requireKey(certificate.getPublicKey());
    }

    static void requireCrl(X509CRL crl) {
        try {
            requireSignature(CertificateList.getInstance(crl.getEncoded()).getSignatureAlgorithm());
        } catch (CRLException e) {
            throw new SecurityCheckException(ALGORITHM_NOT_ALLOWED, "CRL cannot be encoded", e);
        }
    }

    static void requireContentCipher(AlgorithmIdentifier cipher) {
        if (!CONTENT_CIPHERS.contains(cipher.getAlgorithm())) {
            throw refused("content encryption " + cipher.getAlgorithm().getId() + " is not allowed");
        }
    }

    static void requireKeyTransport(AlgorithmIdentifier transport) {
        if (!PKCSObjectIdentifiers.id_RSAES_OAEP.equals(transport.getAlgorithm())) {
            throw refused("key transport " + transport.getAlgorithm().getId() + " is not allowed (RSA-OAEP only)");
        }
    }

    static void requireKeyAgreement(AlgorithmIdentifier agreement) {
        if (!KEY_AGREEMENTS.contains(agreement.getAlgorithm())) {
            throw refused("key agreement " + agreement.getAlgorithm().getId() + " is not allowed");
        }
        AlgorithmIdentifier wrap = AlgorithmIdentifier.getInstance(agreement.getParameters());
        if (wrap == null || !KEY_WRAPS.contains(wrap.getAlgorithm())) {
            throw refused("key wrap is not AES key wrap");
        }
    }

    private static SecurityCheckException refused(String details) {
        return new SecurityCheckException(ALGORITHM_NOT_ALLOWED, details);
    }
}
