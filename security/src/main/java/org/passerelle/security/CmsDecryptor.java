package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.CMS_MALFORMED;
import static org.passerelle.security.SecurityErrorCode.DECRYPTION_FAILED;
import static org.passerelle.security.SecurityErrorCode.KEY_MATERIAL_INVALID;
import static org.passerelle.security.SecurityErrorCode.RECIPIENT_MISMATCH;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.CertificateEncodingException;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSAuthEnvelopedDataParser;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientInformationStore;

/**
 * Decrypts a CMS AuthEnvelopedData addressed to this node's certificate; refuses one for another recipient
 * ({@link SecurityErrorCode#RECIPIENT_MISMATCH}) and one whose authentication tag fails
 * ({@link SecurityErrorCode#DECRYPTION_FAILED}), releasing no plaintext in either case.
 */
public final class CmsDecryptor {

    /** One of this node's keys with its certificate as a recipient identifier matches it. */
    private record OwnKey(KeyMaterial key, X509CertificateHolder certificate) {
    }

    private final List<OwnKey> keys;

    public CmsDecryptor(KeyMaterial key) {
        this(List.of(key));
    }

    /**
     * A decryptor for any of these keys, tried in order: during a key rollover the node holds its current key and
     * its next one (or its previous one, for messages still in flight), and a message to either is opened.
     */
    public CmsDecryptor(List<KeyMaterial> keys) {
        if (keys.isEmpty()) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "no decryption key");
        }
        List<OwnKey> own = new ArrayList<>();
        for (KeyMaterial key : keys) {
            try {
                own.add(new OwnKey(Objects.requireNonNull(key, "key"), new JcaX509CertificateHolder(key.certificate())));
            } catch (CertificateEncodingException e) {
                throw new SecurityCheckException(KEY_MATERIAL_INVALID, "the certificate cannot be encoded", e);
            }
        }
        this.keys = List.copyOf(own);
    }

    /** The plaintext of a DER encoded CMS AuthEnvelopedData (the whole ContentInfo, nothing after it). */
    public byte[] decrypt(byte[] cms) {
        Objects.requireNonNull(cms, "cms");
        RecipientInformationStore recipients;
        try {
            ContentInfo info = ContentInfo.getInstance(DerOnly.parse(cms, "AuthEnvelopedData"));
            if (info == null || !CMSObjectIdentifiers.authEnvelopedData.equals(info.getContentType())) {
                throw new SecurityCheckException(CMS_MALFORMED, "not a CMS AuthEnvelopedData");
            }
            CMSAuthEnvelopedData enveloped = new CMSAuthEnvelopedData(info);
            AlgorithmPolicy.requireContentCipher(new AlgorithmIdentifier(new ASN1ObjectIdentifier(enveloped.getEncryptionAlgOID())));
            recipients = enveloped.getRecipientInfos();
        } catch (CMSException | RuntimeException e) {
            throw malformed(e);
        }
        Match match = ours(recipients);
        try {
            return match.recipient().getContent(recipientFor(match));
        } catch (CMSException | RuntimeException e) {
            throw failed(e);
        }
    }

    /**
     * Streams the plaintext of a CMS AuthEnvelopedData to the sink. With the JDK's AES-GCM the plaintext is
     * released only after the tag is checked; still, on any exception the caller must discard what was written.
     */
    public void decrypt(InputStream cms, OutputStream plaintext) {
        Objects.requireNonNull(cms, "cms");
        Objects.requireNonNull(plaintext, "plaintext");
        CMSAuthEnvelopedDataParser parser;
        Match match;
        try {
            parser = new CMSAuthEnvelopedDataParser(cms);
            AlgorithmPolicy.requireContentCipher(parser.getEncryptionAlgOID());
            match = ours(parser.getRecipientInfos());
        } catch (CMSException | IOException | RuntimeException e) {
            throw malformed(e);
        }
        try (InputStream in = match.recipient().getContentStream(recipientFor(match)).getContentStream()) {
            in.transferTo(plaintext);
        } catch (CMSException | IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    /** A recipient info of the message and the key of ours it is for. */
    private record Match(RecipientInformation recipient, KeyMaterial key) {
    }

    private Match ours(RecipientInformationStore recipients) {
        for (OwnKey own : keys) {
            for (RecipientInformation candidate : recipients.getRecipients()) {
                if (candidate.getRID().match(own.certificate())) {
                    return new Match(candidate, own.key());
                }
            }
        }
        throw new SecurityCheckException(RECIPIENT_MISMATCH, "the message is encrypted for another recipient than "
                + keys.get(0).key().certificate().getSubjectX500Principal().getName());
    }

    private static Recipient recipientFor(Match match) {
        RecipientInformation recipient = match.recipient();
        KeyMaterial key = match.key();
        AlgorithmIdentifier keyEncryption = recipient.getKeyEncryptionAlgorithm();
        if (recipient instanceof KeyAgreeRecipientInformation && key.privateKey() instanceof ECPrivateKey) {
            AlgorithmPolicy.requireKeyAgreement(keyEncryption);
            return JdkGcmRecipients.keyAgreement(key.privateKey());
        }
        if (recipient instanceof KeyTransRecipientInformation && !(key.privateKey() instanceof ECPrivateKey)) {
            AlgorithmPolicy.requireKeyTransport(keyEncryption);
            return JdkGcmRecipients.keyTransport(key.privateKey());
        }
        throw new SecurityCheckException(SecurityErrorCode.ALGORITHM_NOT_ALLOWED, "the recipient info does not fit this node's key");
    }

    private static SecurityCheckException malformed(Exception e) {
        return e instanceof SecurityCheckException checked ? checked
                : new SecurityCheckException(CMS_MALFORMED, "the CMS AuthEnvelopedData cannot be parsed", e);
    }

    private static SecurityCheckException failed(Exception e) {
        return e instanceof SecurityCheckException checked ? checked
                : new SecurityCheckException(DECRYPTION_FAILED, "the content cannot be decrypted or its authentication tag does not match", e);
    }
}
