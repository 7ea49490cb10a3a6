package org.passerelle.security.testing;

import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.passerelle.security.KeyMaterial;

/**
 * Builds CMS structures the production signer and encryptor never would (weak algorithms, a SignerInfo
 * naming the wrong certificate, no signing time, RSA PKCS#1 v1.5 key transport) for forgery tests.
 */
public final class ForgedCms {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private ForgedCms() {
    }

    /**
     * A SignedData over the content, signed by the key with the JCA algorithm, whose SignerInfo names the
     * given certificate and which includes the given certificates.
     */
    public static byte[] signed(byte[] content, KeyMaterial key, String signatureAlgorithm, X509Certificate named,
                                List<X509Certificate> included, boolean withSigningTime) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm).setProvider(BC).build(key.privateKey());
            CMSAttributeTableGenerator attributes = withSigningTime
                    ? new DefaultSignedAttributeTableGenerator(signingTimeNow())
                    : parameters -> {
                        AttributeTable table = new DefaultSignedAttributeTableGenerator().getAttributes(parameters);
                        return table.remove(CMSAttributes.signingTime);
                    };
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider(BC).build())
                    .setSignedAttributeGenerator(attributes).build(signer, named));
            if (!included.isEmpty()) {
                generator.addCertificates(new JcaCertStore(included));
            }
            return generator.generate(new CMSProcessableByteArray(content), true).getEncoded("DER");
        } catch (Exception e) {
            throw new IllegalStateException("forging the SignedData failed", e);
        }
    }

    /** A properly signed SignedData made with the given JCA algorithm (for example SHA1withECDSA). */
    public static byte[] signedWith(byte[] content, KeyMaterial key, String signatureAlgorithm) {
        return signed(content, key, signatureAlgorithm, key.certificate(), List.of(key.certificate()), true);
    }

    /** An AuthEnvelopedData (AES-256-GCM) for an RSA recipient using RSA PKCS#1 v1.5 key transport. */
    public static byte[] encryptedWithPkcs1KeyTransport(byte[] content, X509Certificate recipient) {
        try {
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient).setProvider(BC));
            OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM).setProvider(BC).build();
            return generator.generate(new CMSProcessableByteArray(content), encryptor).toASN1Structure().getEncoded("DER");
        } catch (Exception e) {
            throw new IllegalStateException("forging the AuthEnvelopedData failed", e);
        }
    }

    /**
     * An AuthEnvelopedData for an EC recipient (ephemeral-static ECDH with the SHA-256 KDF, as the node does) with
     * the content cipher and key wrap named by their OIDs, for example AES-128-GCM {@code 2.16.840.1.101.3.4.1.6} and
     * AES-128 key wrap {@code 2.16.840.1.101.3.4.1.5}.
     */
    public static byte[] encryptedWith(byte[] content, X509Certificate recipient, String contentCipherOid, String keyWrapOid) {
        try {
            java.security.KeyPairGenerator ephemeral = java.security.KeyPairGenerator.getInstance("EC");
            ephemeral.initialize(((java.security.interfaces.ECPublicKey) recipient.getPublicKey()).getParams());
            java.security.KeyPair keys = ephemeral.generateKeyPair();
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(new org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator(
                    CMSAlgorithm.ECDH_SHA256KDF, keys.getPrivate(), keys.getPublic(),
                    new org.bouncycastle.asn1.ASN1ObjectIdentifier(keyWrapOid))
                    .addRecipient(recipient).setProvider(BC));
            OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(
                    new org.bouncycastle.asn1.ASN1ObjectIdentifier(contentCipherOid)).setProvider(BC).build();
            return generator.generate(new CMSProcessableByteArray(content), encryptor).toASN1Structure().getEncoded("DER");
        } catch (Exception e) {
            throw new IllegalStateException("forging the AuthEnvelopedData failed", e);
        }
    }

    /** The same CMS ContentInfo re-encoded in BER with indefinite lengths (what a streaming encoder writes). */
    public static byte[] asIndefiniteLengthBer(byte[] der) {
        try {
            org.bouncycastle.asn1.cms.ContentInfo info = org.bouncycastle.asn1.cms.ContentInfo.getInstance(
                    org.bouncycastle.asn1.ASN1Primitive.fromByteArray(der));
            byte[] ber = new org.bouncycastle.asn1.BERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {info.getContentType(),
                    new org.bouncycastle.asn1.BERTaggedObject(true, 0, info.getContent())}).getEncoded();
            if (java.util.Arrays.equals(ber, der)) {
                throw new IllegalStateException("the BER encoding came out as DER");
            }
            return ber;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("re-encoding the ContentInfo failed", e);
        }
    }

    /** A plain EnvelopedData (AES-256-CBC, no authentication) for an RSA recipient. */
    public static byte[] envelopedCbc(byte[] content, X509Certificate recipient) {
        try {
            CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
            generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient).setProvider(BC));
            return generator.generate(new CMSProcessableByteArray(content),
                    new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setProvider(BC).build()).toASN1Structure()
                    .getEncoded("DER");
        } catch (Exception e) {
            throw new IllegalStateException("forging the EnvelopedData failed", e);
        }
    }

    /** The authentication tag (MAC) of an AuthEnvelopedData. */
    public static byte[] macOf(byte[] authEnvelopedData) {
        try {
            return new org.bouncycastle.cms.CMSAuthEnvelopedData(authEnvelopedData).getMac();
        } catch (Exception e) {
            throw new IllegalStateException("not an AuthEnvelopedData", e);
        }
    }

    /** Flips one bit of a copy of the bytes at the given index. */
    public static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    /** The first index of the needle in the haystack, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static AttributeTable signingTimeNow() {
        ASN1EncodableVector vector = new ASN1EncodableVector();
        vector.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(new Date()))));
        return new AttributeTable(vector);
    }
}
