package org.passerelle.security;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.InputStreamWithMAC;
import org.bouncycastle.cms.RecipientOperator;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipient;
import org.bouncycastle.jcajce.io.CipherInputStream;
import org.bouncycastle.operator.InputAEADDecryptor;

/**
 * AuthEnvelopedData recipients that recover the content key with Bouncy Castle and decrypt the content
 * with the JDK's AES-GCM (Bouncy Castle's own recipients look the JDK cipher up by an OID SunJCE does not know).
 */
final class JdkGcmRecipients {

    private static final int GCM_DEFAULT_TAG_BYTES = 12;

    private JdkGcmRecipients() {
    }

    /** Ephemeral-static ECDH with key wrap, then JDK AES-GCM. */
    static JceKeyAgreeRecipient keyAgreement(PrivateKey key) {
        JceKeyAgreeRecipient recipient = new JceKeyAgreeRecipient(key) {
            @Override
            public RecipientOperator getRecipientOperator(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
                                                          SubjectPublicKeyInfo senderKey, ASN1OctetString userKeyingMaterial,
                                                          byte[] encryptedContentKey) throws CMSException {
                Key contentKey = extractSecretKey(keyEncryption, contentEncryption, senderKey, userKeyingMaterial, encryptedContentKey);
                return new RecipientOperator(new Decryptor(contentEncryption, cipher(contentKey, contentEncryption)));
            }
        };
        recipient.setProvider(Providers.bouncyCastle());
        return recipient;
    }

    /** RSA-OAEP key transport, then JDK AES-GCM. */
    static JceKeyTransRecipient keyTransport(PrivateKey key) {
        JceKeyTransRecipient recipient = new JceKeyTransRecipient(key) {
            @Override
            public RecipientOperator getRecipientOperator(AlgorithmIdentifier keyEncryption, AlgorithmIdentifier contentEncryption,
                                                          byte[] encryptedContentKey) throws CMSException {
                Key contentKey = extractSecretKey(keyEncryption, contentEncryption, encryptedContentKey);
                return new RecipientOperator(new Decryptor(contentEncryption, cipher(contentKey, contentEncryption)));
            }
        };
        recipient.setProvider(Providers.bouncyCastle());
        return recipient;
    }

    private static Cipher cipher(Key contentKey, AlgorithmIdentifier contentEncryption) throws CMSException {
        AlgorithmPolicy.requireContentCipher(contentEncryption);
        try {
            GCMParameters parameters = GCMParameters.getInstance(contentEncryption.getParameters());
            int tagBytes = parameters.getIcvLen() == 0 ? GCM_DEFAULT_TAG_BYTES : parameters.getIcvLen();
            if (tagBytes < 12) {
                throw new SecurityCheckException(SecurityErrorCode.ALGORITHM_NOT_ALLOWED, "GCM tag shorter than 96 bits");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Providers.contentCipher());
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(contentKey.getEncoded(), "AES"),
                    new GCMParameterSpec(tagBytes * 8, parameters.getNonce()));
            return cipher;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CMSException("content cipher", e);
        }
    }

    /** Feeds ciphertext and the separately stored tag to the JDK cipher, which releases plaintext only once the tag checks. */
    private static final class Decryptor implements InputAEADDecryptor {

        private final AlgorithmIdentifier algorithm;
        private final Cipher cipher;
        private InputStream input;

        Decryptor(AlgorithmIdentifier algorithm, Cipher cipher) {
            this.algorithm = algorithm;
            this.cipher = cipher;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        @Override
        public InputStream getInputStream(InputStream encrypted) {
            this.input = encrypted;
            return new CipherInputStream(encrypted, cipher);
        }

        @Override
        public OutputStream getAADStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    cipher.updateAAD(new byte[] {(byte) b});
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    cipher.updateAAD(b, off, len);
                }
            };
        }

        @Override
        public byte[] getMAC() {
            return input instanceof InputStreamWithMAC withMac ? withMac.getMAC() : null;
        }
    }
}
