package org.passerelle.security.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.passerelle.security.SecurityCheckException;
import org.passerelle.security.SecurityErrorCode;

/**
 * Issues development certificates and CRLs from plain JDK types (used by {@link DevPki} and by the test
 * fixtures that forge certificates); never for production keys.
 */
public final class DevCertificates {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The key usages a template can ask for. */
    public enum Usage {
        DIGITAL_SIGNATURE(KeyUsage.digitalSignature),
        KEY_ENCIPHERMENT(KeyUsage.keyEncipherment),
        KEY_AGREEMENT(KeyUsage.keyAgreement),
        KEY_CERT_SIGN(KeyUsage.keyCertSign),
        CRL_SIGN(KeyUsage.cRLSign);

        private final int bit;

        Usage(int bit) {
            this.bit = bit;
        }
    }

    /**
     * What a certificate says about its subject.
     *
     * @param subject      the subject distinguished name, RFC 4514
     * @param notBefore    start of validity
     * @param notAfter     end of validity
     * @param ca           whether it is a CA certificate (basicConstraints cA, path length 0)
     * @param usages       the key usage bits (empty: no keyUsage extension)
     * @param serverAuth   whether the EKU carries serverAuth
     * @param clientAuth   whether the EKU carries clientAuth
     * @param uris         SubjectAlternativeName URIs (party, officer, role, system bindings)
     * @param dnsNames     SubjectAlternativeName dNSNames
     * @param ipAddresses  SubjectAlternativeName iPAddresses
     * @param emails       SubjectAlternativeName rfc822Names
     * @param ocspSigning  whether the EKU carries id-kp-OCSPSigning (a delegated OCSP responder)
     * @param ocspUrl      the OCSP responder URL put in the AuthorityInfoAccess extension (id-ad-ocsp), or null for none
     * @param crlDistributionPoint the http(s) URL put in the cRLDistributionPoints extension, or null for none
     */
    public record Template(String subject, Instant notBefore, Instant notAfter, boolean ca, Set<Usage> usages,
                           boolean serverAuth, boolean clientAuth, List<String> uris, List<String> dnsNames,
                           List<String> ipAddresses, List<String> emails, boolean ocspSigning, String ocspUrl,
                           String crlDistributionPoint) {

        public Template {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(notBefore, "notBefore");
            Objects.requireNonNull(notAfter, "notAfter");
            usages = Set.copyOf(usages);
            uris = List.copyOf(uris);
            dnsNames = List.copyOf(dnsNames);
            ipAddresses = List.copyOf(ipAddresses);
            emails = List.copyOf(emails);
        }

        /** A template without OCSP signing, OCSP URL or CRL distribution point (the form used before those existed). */
        public Template(String subject, Instant notBefore, Instant notAfter, boolean ca, Set<Usage> usages,
                        boolean serverAuth, boolean clientAuth, List<String> uris, List<String> dnsNames,
                        List<String> ipAddresses, List<String> emails) {
            this(subject, notBefore, notAfter, ca, usages, serverAuth, clientAuth, uris, dnsNames, ipAddresses, emails, false, null, null);
        }

        /** The same template with other key usages. */
        public Template withUsages(Set<Usage> replacement) {
            return new Template(subject, notBefore, notAfter, ca, replacement, serverAuth, clientAuth, uris, dnsNames, ipAddresses, emails,
                    ocspSigning, ocspUrl, crlDistributionPoint);
        }

        /** The same template with another validity period. */
        public Template withValidity(Instant from, Instant to) {
            return new Template(subject, from, to, ca, usages, serverAuth, clientAuth, uris, dnsNames, ipAddresses, emails,
                    ocspSigning, ocspUrl, crlDistributionPoint);
        }

        /** The same template with (or without) the id-kp-OCSPSigning extended key usage. */
        public Template withOcspSigning(boolean replacement) {
            return new Template(subject, notBefore, notAfter, ca, usages, serverAuth, clientAuth, uris, dnsNames, ipAddresses, emails,
                    replacement, ocspUrl, crlDistributionPoint);
        }

        /** The same template with this OCSP responder URL in its AuthorityInfoAccess (null: none). */
        public Template withOcspUrl(String replacement) {
            return new Template(subject, notBefore, notAfter, ca, usages, serverAuth, clientAuth, uris, dnsNames, ipAddresses, emails,
                    ocspSigning, replacement, crlDistributionPoint);
        }

        /** The same template with this CRL distribution point URL (null: none). */
        public Template withCrlDistributionPoint(String replacement) {
            return new Template(subject, notBefore, notAfter, ca, usages, serverAuth, clientAuth, uris, dnsNames, ipAddresses, emails,
                    ocspSigning, ocspUrl, replacement);
        }
    }

    private DevCertificates() {
    }

    /** A fresh EC key pair on the named curve ({@code secp256r1}, {@code secp384r1}, …). */
    public static KeyPair ecKeyPair(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw failed("EC key generation", e);
        }
    }

    /** A fresh AES-256 secret key (a development key-encryption key). */
    public static javax.crypto.SecretKey aesKey() {
        try {
            javax.crypto.KeyGenerator generator = javax.crypto.KeyGenerator.getInstance("AES");
            generator.init(256, RANDOM);
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw failed("AES key generation", e);
        }
    }

    /** A fresh RSA key pair of the given size. */
    public static KeyPair rsaKeyPair(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw failed("RSA key generation", e);
        }
    }

    /** A self-signed (root CA) certificate. */
    public static X509Certificate selfSigned(Template template, KeyPair keys, String signatureAlgorithm) {
        return issue(template, keys.getPublic(), null, keys.getPrivate(), signatureAlgorithm);
    }

    /**
     * A certificate for the subject key, signed by the issuer's key with the given JCA signature algorithm
     * (for example {@code SHA384withECDSA}); the issuer certificate is null for a self-signed one.
     */
    public static X509Certificate issue(Template template, PublicKey subjectKey, X509Certificate issuer, PrivateKey issuerKey,
                                        String signatureAlgorithm) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X500Principal subject = new X500Principal(template.subject());
            X500Principal issuerName = issuer == null ? subject : issuer.getSubjectX500Principal();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial(),
                    Date.from(template.notBefore()), Date.from(template.notAfter()), subject, subjectKey);
            builder.addExtension(Extension.basicConstraints, true, template.ca() ? new BasicConstraints(0) : new BasicConstraints(false));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
                    ? utils.createAuthorityKeyIdentifier(subjectKey) : utils.createAuthorityKeyIdentifier(issuer));
            if (!template.usages().isEmpty()) {
                int bits = template.usages().stream().mapToInt(u -> u.bit).reduce(0, (a, b) -> a | b);
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(bits));
            }
            List<KeyPurposeId> purposes = new ArrayList<>();
            if (template.serverAuth()) {
                purposes.add(KeyPurposeId.id_kp_serverAuth);
            }
            if (template.clientAuth()) {
                purposes.add(KeyPurposeId.id_kp_clientAuth);
            }
            if (template.ocspSigning()) {
                purposes.add(KeyPurposeId.id_kp_OCSPSigning);
            }
            if (!purposes.isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
            }
            List<GeneralName> names = new ArrayList<>();
            template.uris().forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
            template.dnsNames().forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
            template.ipAddresses().forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
            template.emails().forEach(e -> names.add(new GeneralName(GeneralName.rfc822Name, e)));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            }
            if (template.ocspUrl() != null) {
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, template.ocspUrl())));
            }
            if (template.crlDistributionPoint() != null) {
                GeneralNames where = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, template.crlDistributionPoint()));
                builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                        new DistributionPoint(new DistributionPointName(where), null, null)}));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(signatureAlgorithm, issuerKey)));
        } catch (GeneralSecurityException | IOException e) {
            throw failed("certificate issue", e);
        }
    }

    /** A CRL of the issuer listing the given serial numbers as revoked (reason keyCompromise). */
    public static X509CRL crl(X509Certificate issuer, PrivateKey issuerKey, Instant thisUpdate, Instant nextUpdate,
                              List<BigInteger> revokedSerials, String signatureAlgorithm) {
        try {
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(issuer.getSubjectX500Principal(), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (BigInteger serial : revokedSerials) {
                builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer));
            builder.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(thisUpdate.getEpochSecond())));
            X509CRLHolder holder = builder.build(signer(signatureAlgorithm, issuerKey));
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (GeneralSecurityException | IOException e) {
            throw failed("CRL issue", e);
        }
    }

    private static ContentSigner signer(String algorithm, PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(algorithm).setProvider(BC).build(key);
        } catch (OperatorCreationException e) {
            throw failed("signer for " + algorithm, e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).setBit(62);
    }

    private static SecurityCheckException failed(String what, Exception e) {
        return new SecurityCheckException(SecurityErrorCode.OPERATION_FAILED, what + " failed", e);
    }
}
