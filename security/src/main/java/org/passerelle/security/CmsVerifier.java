package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.CERTIFICATE_EXPIRED;
import static org.passerelle.security.SecurityErrorCode.CERTIFICATE_NOT_YET_VALID;
import static org.passerelle.security.SecurityErrorCode.CMS_MALFORMED;
import static org.passerelle.security.SecurityErrorCode.SIGNATURE_INVALID;
import static org.passerelle.security.SecurityErrorCode.SIGNER_MISMATCH;
import static org.passerelle.security.SecurityErrorCode.SIGNING_TIME_MISSING;
import static org.passerelle.security.SecurityErrorCode.SIGNING_TIME_SKEWED;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;

/**
 * Verifies a CMS SignedData and returns its exact encapsulated bytes and the validated signer: one
 * signer, allowed algorithms, a signing time within the accepted window, the signature made by the
 * included certificate it names, and then (always) path validation of that certificate against the
 * claimed party's anchors at signing time and now, with revocation, and the gateway profile: what is verified
 * here was signed by a party's gateway (messages and receipts), never by its officers or systems.
 */
public final class CmsVerifier {

    /** How far in the future a signing time may lie (clock skew between nodes). */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(5);
    /** How old a signing time may be (messages wait in outboxes and retries for days at most). */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);

    private final CertificateValidator validator;
    private final Clock clock;
    private final Duration clockSkew;
    private final Duration maxAge;

    public CmsVerifier(CertificateValidator validator) {
        this(validator, Clock.systemUTC(), DEFAULT_CLOCK_SKEW, DEFAULT_MAX_AGE);
    }

    public CmsVerifier(CertificateValidator validator, Clock clock, Duration clockSkew, Duration maxAge) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    /**
     * Verifies a DER encoded CMS SignedData signed for the claimed party (the streaming form below takes BER).
     *
     * @param cms          the whole ContentInfo, nothing before or after it
     * @param claimedParty the party the sender claims to be (for example the TLS client's party)
     * @return the exact signed bytes and the validated sender
     */
    public VerifiedMessage verify(byte[] cms, String claimedParty) {
        Objects.requireNonNull(cms, "cms");
        Objects.requireNonNull(claimedParty, "claimedParty");
        CMSSignedData signed;
        SignerInformation signer;
        byte[] content;
        try {
            ContentInfo info = ContentInfo.getInstance(DerOnly.parse(cms, "SignedData"));
            if (info == null || !CMSObjectIdentifiers.signedData.equals(info.getContentType())) {
                throw new SecurityCheckException(CMS_MALFORMED, "not a CMS SignedData");
            }
            signed = new CMSSignedData(info);
            CMSTypedData encapsulated = signed.getSignedContent();
            if (encapsulated == null || !CMSObjectIdentifiers.data.equals(encapsulated.getContentType())) {
                throw new SecurityCheckException(CMS_MALFORMED, "no encapsulated data content (detached signatures are refused)");
            }
            // The octets as parsed, not CMSTypedData.getContent()'s copy of them: one copy fewer of a large body.
            content = ASN1OctetString.getInstance(SignedData.getInstance(info.getContent()).getEncapContentInfo()
                    .getContent()).getOctets();
            signer = onlySigner(signed.getSignerInfos().getSigners());
        } catch (CMSException | RuntimeException e) {
            throw malformed(e);
        }
        VerifiedSender sender = verifySigner(signer, signed.getCertificates(), claimedParty);
        return new VerifiedMessage(content, sender);
    }

    /**
     * Verifies a streamed CMS SignedData, writing its encapsulated content to the sink as it is read.
     * The bytes written are untrusted until this method returns: on any exception the caller must discard them.
     */
    public VerifiedSender verify(InputStream cms, OutputStream contentSink, String claimedParty) {
        Objects.requireNonNull(cms, "cms");
        Objects.requireNonNull(contentSink, "contentSink");
        Objects.requireNonNull(claimedParty, "claimedParty");
        CMSSignedDataParser parser = null;
        try {
            parser = new CMSSignedDataParser(Providers.contentDigests(), cms);
            CMSTypedStream encapsulated = parser.getSignedContent();
            if (encapsulated == null || !CMSObjectIdentifiers.data.equals(encapsulated.getContentType())) {
                throw new SecurityCheckException(CMS_MALFORMED, "no encapsulated data content (detached signatures are refused)");
            }
            try (InputStream in = encapsulated.getContentStream()) {
                in.transferTo(contentSink);
            }
            SignerInformation signer = onlySigner(parser.getSignerInfos().getSigners());
            return verifySigner(signer, parser.getCertificates(), claimedParty);
        } catch (IOException | CMSException | RuntimeException e) {
            if (e instanceof SecurityCheckException checked) {
                throw checked;
            }
            throw malformed(e);
        } finally {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // the input belongs to the caller; nothing was left open by us
                }
            }
        }
    }

    private VerifiedSender verifySigner(SignerInformation signer, Store<X509CertificateHolder> store, String claimedParty) {
        List<X509Certificate> included = new ArrayList<>();
        X509CertificateHolder signerHolder;
        try {
            AlgorithmPolicy.requireDigest(signer.getDigestAlgorithmID());
            AlgorithmPolicy.requireSignature(signer.toASN1Structure().getDigestEncryptionAlgorithm());
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = store.getMatches(signer.getSID());
            if (matches.size() != 1) {
                throw new SecurityCheckException(SIGNER_MISMATCH, "the certificate named by the signer is not included");
            }
            signerHolder = matches.iterator().next();
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (X509CertificateHolder holder : store.getMatches(null)) {
                if (!holder.equals(signerHolder)) {
                    included.add(converter.getCertificate(holder));
                }
            }
            X509Certificate signerCertificate = converter.getCertificate(signerHolder);
            AlgorithmPolicy.requireKey(signerCertificate.getPublicKey());
            Instant signingTime = signingTime(signer);
            requireTimely(signingTime);
            requireSignatureBy(signer, signerCertificate, signingTime);
            // A verified signature is not yet a trusted sender: the path to the claimed party's anchors decides, and
            // only the party's gateway signs for it (its officers' and systems' certificates chain to the same anchor).
            PartyIdentity identity = validator.validateGateway(signerCertificate, included, signingTime, claimedParty);
            return new VerifiedSender(identity.party(), signerCertificate, signingTime);
        } catch (CertificateException | RuntimeException e) {
            if (e instanceof SecurityCheckException checked) {
                throw checked;
            }
            throw malformed(e);
        }
    }

    private static void requireSignatureBy(SignerInformation signer, X509Certificate certificate, Instant signingTime) {
        boolean valid;
        try {
            SignerInformationVerifier verifier = new JcaSignerInfoVerifierBuilder(Providers.contentDigests())
                    .setProvider(Providers.verification()).build(certificate);
            valid = signer.verify(verifier);
        } catch (CMSSignerDigestMismatchException e) {
            throw new SecurityCheckException(SIGNATURE_INVALID, "the content is not what was signed", e);
        } catch (CMSVerifierCertificateNotValidException e) {
            boolean early = signingTime.isBefore(certificate.getNotBefore().toInstant());
            throw new SecurityCheckException(early ? CERTIFICATE_NOT_YET_VALID : CERTIFICATE_EXPIRED,
                    "the signer's certificate was " + (early ? "not yet valid" : "expired") + " at signing time", e);
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            throw new SecurityCheckException(SIGNATURE_INVALID, "the signature cannot be verified", e);
        }
        if (!valid) {
            throw new SecurityCheckException(SIGNER_MISMATCH, "the signature was not made by the key of the certificate the signer names");
        }
    }

    private static Instant signingTime(SignerInformation signer) {
        AttributeTable attributes = signer.getSignedAttributes();
        Attribute attribute = attributes == null ? null : attributes.get(CMSAttributes.signingTime);
        if (attribute == null || attribute.getAttrValues().size() != 1) {
            throw new SecurityCheckException(SIGNING_TIME_MISSING, "the signed attributes carry no signing time");
        }
        ASN1Encodable value = attribute.getAttrValues().getObjectAt(0);
        try {
            return Time.getInstance(value).getDate().toInstant();
        } catch (RuntimeException e) {
            throw new SecurityCheckException(SIGNING_TIME_MISSING, "the signing time cannot be read", e);
        }
    }

    private void requireTimely(Instant signingTime) {
        Instant now = clock.instant();
        if (signingTime.isAfter(now.plus(clockSkew))) {
            throw new SecurityCheckException(SIGNING_TIME_SKEWED, "signing time " + signingTime + " lies in the future");
        }
        if (signingTime.isBefore(now.minus(maxAge))) {
            throw new SecurityCheckException(SIGNING_TIME_SKEWED, "signing time " + signingTime + " is older than " + maxAge);
        }
    }

    private static SignerInformation onlySigner(Collection<SignerInformation> signers) {
        if (signers.size() != 1) {
            throw new SecurityCheckException(SIGNER_MISMATCH, "expected exactly one signer, found " + signers.size());
        }
        return signers.iterator().next();
    }

    private static SecurityCheckException malformed(Exception e) {
        if (e instanceof SecurityCheckException checked) {
            return checked;
        }
        return new SecurityCheckException(CMS_MALFORMED, "the CMS SignedData cannot be parsed", e);
    }
}
