package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.OPERATION_FAILED;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.CertificateEncodingException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Date;
import java.util.Hashtable;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Signs exact bytes as CMS SignedData with encapsulated content and the signed attributes content type,
 * message digest and signing time: ECDSA with SHA-256 (SHA-384 on P-384) for EC keys, RSA-PSS with
 * SHA-256 for RSA keys; the signer's certificate chain (without the root) is included.
 */
public final class CmsSigner {

    private final KeyMaterial key;
    private final Clock clock;
    private final String signatureAlgorithm;
    private final JcaCertStore certificates;

    public CmsSigner(KeyMaterial key) {
        this(key, Clock.systemUTC());
    }

    /** A signer whose signing-time attribute comes from the given clock. */
    public CmsSigner(KeyMaterial key, Clock clock) {
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        AlgorithmPolicy.requireKey(key.certificate().getPublicKey());
        this.signatureAlgorithm = signatureAlgorithmFor(key);
        try {
            this.certificates = new JcaCertStore(key.chainWithoutRoots());
        } catch (CertificateEncodingException e) {
            throw new SecurityCheckException(SecurityErrorCode.KEY_MATERIAL_INVALID, "certificate chain cannot be encoded", e);
        }
    }

    /** The DER encoding of a CMS SignedData encapsulating exactly these bytes. */
    public byte[] sign(byte[] content) {
        Objects.requireNonNull(content, "content");
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(signerInfoGenerator());
            generator.addCertificates(certificates);
            return DerBytes.of(generator.generate(new CMSProcessableByteArray(content), true).toASN1Structure());
        } catch (CMSException | IOException e) {
            throw new SecurityCheckException(OPERATION_FAILED, "signing failed", e);
        }
    }

    /**
     * Streams a CMS SignedData (BER, indefinite lengths) encapsulating everything read from the content
     * stream to the output; neither stream is closed.
     */
    public void sign(InputStream content, OutputStream cms) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(cms, "cms");
        try {
            CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
            generator.addSignerInfoGenerator(signerInfoGenerator());
            generator.addCertificates(certificates);
            try (OutputStream signing = generator.open(new NonClosingOutputStream(cms), true)) {
                content.transferTo(signing);
            }
        } catch (CMSException | IOException e) {
            throw new SecurityCheckException(OPERATION_FAILED, "signing failed", e);
        }
    }

    /** The certificate whose key signs. */
    public KeyMaterial key() {
        return key;
    }

    private SignerInfoGenerator signerInfoGenerator() {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder(signatureAlgorithm)
                    .setProvider(signatureAlgorithm.endsWith("ECDSA") ? Providers.ecSigning() : Providers.rsaSigning())
                    .build(key.privateKey());
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(clock.instant())))));
            Hashtable<?, ?> table = new AttributeTable(attributes).toHashtable();
            return new JcaSignerInfoGeneratorBuilder(Providers.contentDigests())
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(table)))
                    .build(contentSigner, key.certificate());
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw new SecurityCheckException(OPERATION_FAILED, "cannot prepare the signer", e);
        }
    }

    private static String signatureAlgorithmFor(KeyMaterial key) {
        if (key.certificate().getPublicKey() instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize() > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        if (key.certificate().getPublicKey() instanceof RSAPublicKey) {
            return "SHA256withRSAandMGF1";
        }
        throw new SecurityCheckException(SecurityErrorCode.ALGORITHM_NOT_ALLOWED, "no signature algorithm for this key");
    }

    /** Lets the CMS generator close its own layers without closing the caller's stream. */
    static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
