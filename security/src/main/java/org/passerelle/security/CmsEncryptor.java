package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.KEY_USAGE_INVALID;
import static org.passerelle.security.SecurityErrorCode.OPERATION_FAILED;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.List;
import java.util.Objects;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

/**
 * Encrypts bytes for one recipient certificate as CMS AuthEnvelopedData with AES-256-GCM: ephemeral-static
 * ECDH (dhSinglePass-stdDH-sha256kdf, AES-256 key wrap) for EC recipients, RSA-OAEP with SHA-256 for RSA
 * recipients. The recipient certificate is expected to have been validated by the caller.
 */
public final class CmsEncryptor {

    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;

    /** The DER encoding of a CMS AuthEnvelopedData of these bytes for the recipient. */
    public byte[] encrypt(byte[] content, X509Certificate recipient) {
        return encrypt(content, List.of(recipient));
    }

    /**
     * The DER encoding of a CMS AuthEnvelopedData of these bytes that each of the recipients can open (one content
     * key, wrapped for each): during a key rollover a partner holds its current and its next key, and a message
     * encrypted to both is opened by whichever the partner's node has in use.
     */
    public byte[] encrypt(byte[] content, List<X509Certificate> recipients) {
        Objects.requireNonNull(content, "content");
        if (recipients.isEmpty()) {
            throw new SecurityCheckException(OPERATION_FAILED, "no recipient to encrypt to");
        }
        try {
            CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
            for (X509Certificate recipient : recipients) {
                generator.addRecipientInfoGenerator(recipientInfo(recipient));
            }
            return DerBytes.of(generator.generate(new CMSProcessableByteArray(content), contentEncryptor())
                    .toASN1Structure());
        } catch (CMSException | IOException e) {
            throw new SecurityCheckException(OPERATION_FAILED, "encryption failed", e);
        }
    }

    /** Streams a CMS AuthEnvelopedData (BER) of everything read from the content to the output; neither stream is closed. */
    public void encrypt(InputStream content, OutputStream cms, X509Certificate recipient) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(cms, "cms");
        try {
            CMSAuthEnvelopedDataStreamGenerator generator = new CMSAuthEnvelopedDataStreamGenerator();
            generator.addRecipientInfoGenerator(recipientInfo(recipient));
            try (OutputStream encrypting = generator.open(new CmsSigner.NonClosingOutputStream(cms), contentEncryptor())) {
                content.transferTo(encrypting);
            }
        } catch (CMSException | IOException e) {
            throw new SecurityCheckException(OPERATION_FAILED, "encryption failed", e);
        }
    }

    private static OutputAEADEncryptor contentEncryptor() throws CMSException {
        return (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                .setProvider(Providers.contentCipher()).build();
    }

    private static RecipientInfoGenerator recipientInfo(X509Certificate recipient) {
        Objects.requireNonNull(recipient, "recipient");
        AlgorithmPolicy.requireCertificate(recipient);
        boolean[] keyUsage = recipient.getKeyUsage();
        try {
            if (recipient.getPublicKey() instanceof ECPublicKey ec) {
                requireKeyUsage(keyUsage, KEY_AGREEMENT, "keyAgreement");
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Providers.bouncyCastle());
                generator.initialize(ec.getParams());
                KeyPair ephemeral = generator.generateKeyPair();
                JceKeyAgreeRecipientInfoGenerator info = new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                        ephemeral.getPrivate(), ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP);
                info.setProvider(Providers.bouncyCastle());
                info.addRecipient(recipient);
                return info;
            }
            if (recipient.getPublicKey() instanceof RSAPublicKey) {
                requireKeyUsage(keyUsage, KEY_ENCIPHERMENT, "keyEncipherment");
                OAEPParameterSpec oaep = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
                return new JceKeyTransRecipientInfoGenerator(recipient,
                        new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, oaep))
                        .setProvider(Providers.bouncyCastle());
            }
        } catch (GeneralSecurityException e) {
            throw new SecurityCheckException(OPERATION_FAILED, "cannot prepare the recipient", e);
        }
        throw new SecurityCheckException(SecurityErrorCode.ALGORITHM_NOT_ALLOWED, "no encryption for this recipient's key");
    }

    private static void requireKeyUsage(boolean[] keyUsage, int bit, String name) {
        if (keyUsage != null && !keyUsage[bit]) {
            throw new SecurityCheckException(KEY_USAGE_INVALID, "the recipient certificate does not allow " + name);
        }
    }
}
