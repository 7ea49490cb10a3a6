package org.passerelle.security;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.jcajce.JcaCertificateID;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Asks a party's OCSP responder whether a certificate is revoked, trusting an answer only if the issuer (or
 * a responder the issuer delegated id-kp-OCSPSigning to) signed it for exactly that certificate, it is
 * current and it echoes our nonce; trusted GOOD and REVOKED answers are cached until their nextUpdate, at most the
 * maximum cache age.
 * Anything else is "no answer", on which the {@link CertificateValidator} falls back to CRLs.
 */
public final class OcspChecker {

    private static final String OCSP_SIGNING = KeyPurposeId.id_kp_OCSPSigning.getId();

    /** What the responder said about a certificate, as far as we trust it. */
    enum Verdict {
        GOOD,
        REVOKED,
        /** OCSP is not configured for the party, or no responder is known: CRLs decide. */
        NOT_ASKED,
        /** Asked, but no trusted GOOD or REVOKED answer (unknown, unreachable, malformed, unverifiable): CRLs decide. */
        NO_ANSWER
    }

    /**
     * A verdict; for GOOD and REVOKED the answer's thisUpdate and nextUpdate (null if none), for the others
     * our own words on why there was no answer.
     */
    record Answer(Verdict verdict, Instant thisUpdate, Instant nextUpdate, String reason) {

        static Answer none(Verdict verdict, String reason) {
            return new Answer(verdict, null, null, reason);
        }
    }

    /**
     * A trusted answer held in the cache, for expiry reporting.
     *
     * @param issuer     the issuer's name (RFC 2253)
     * @param serial     the certificate's serial number
     * @param revoked    whether the answer was REVOKED (otherwise GOOD)
     * @param thisUpdate the answer's thisUpdate
     * @param nextUpdate the answer's nextUpdate, or null if the responder gave none
     * @param expiresAt  when the cache drops it: its nextUpdate, or without one the time it was fetched plus the maximum cache age
     */
    public record CachedAnswer(String issuer, BigInteger serial, boolean revoked, Instant thisUpdate, Instant nextUpdate, Instant expiresAt) {
    }

    private record CacheKey(X500Principal issuer, BigInteger serial) {
    }

    private final OcspSettings settings;
    private final Clock clock;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();
    private final Map<CacheKey, CachedAnswer> cache = new ConcurrentHashMap<>();

    public OcspChecker(OcspSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The settings this checker asks with. */
    public OcspSettings settings() {
        return settings;
    }

    /** The trusted answers cached now (expired ones are left out). */
    public List<CachedAnswer> cachedAnswers() {
        Instant now = clock.instant();
        return cache.values().stream().filter(a -> a.expiresAt().isAfter(now)).toList();
    }

    /** Forgets every cached answer (for example after the trust configuration changed). */
    public void clearCache() {
        cache.clear();
    }

    /** Asks (or answers from the cache) whether the certificate issued by the issuer is revoked, for the party's OCSP. */
    Answer check(String party, X509Certificate certificate, X509Certificate issuer, Instant now) {
        OcspSettings.PartyOcsp ocsp = settings.of(party);
        if (!ocsp.enabled()) {
            return Answer.none(Verdict.NOT_ASKED, "OCSP is not configured for party " + party);
        }
        CacheKey key = new CacheKey(issuer.getSubjectX500Principal(), certificate.getSerialNumber());
        CachedAnswer cached = cache.get(key);
        if (cached != null) {
            if (cached.expiresAt().isAfter(now)) {
                return new Answer(cached.revoked() ? Verdict.REVOKED : Verdict.GOOD, cached.thisUpdate(), cached.nextUpdate(), "");
            }
            cache.remove(key, cached);
        }
        URI responder = ocsp.responder();
        if (responder == null) {
            List<URI> named = RevocationExtensions.ocspResponders(certificate);
            if (named.isEmpty()) {
                return Answer.none(Verdict.NOT_ASKED, "the certificate names no OCSP responder");
            }
            responder = named.get(0);
        }
        try {
            CertificateID id = new JcaCertificateID(digest(), issuer, certificate.getSerialNumber());
            byte[] nonce = settings.sendNonce() ? nonce() : null;
            byte[] response = post(responder, request(id, nonce));
            Answer answer = verify(response, id, nonce, issuer, now);
            if (answer.verdict() == Verdict.GOOD || answer.verdict() == Verdict.REVOKED) {
                // Never longer than the maximum cache age, even when the responder promises a later nextUpdate: a
                // revocation published meanwhile must be seen within that age.
                Instant maxAge = now.plus(settings.maxCacheAge());
                Instant expiresAt = answer.nextUpdate() != null && answer.nextUpdate().isBefore(maxAge) ? answer.nextUpdate() : maxAge;
                cache.put(key, new CachedAnswer(issuer.getSubjectX500Principal().getName(), certificate.getSerialNumber(),
                        answer.verdict() == Verdict.REVOKED, answer.thisUpdate(), answer.nextUpdate(), expiresAt));
            }
            return answer;
        } catch (OCSPException | GeneralSecurityException | OperatorCreationException e) {
            return Answer.none(Verdict.NO_ANSWER, "the OCSP request could not be built");
        } catch (NoAnswerException e) {
            return Answer.none(Verdict.NO_ANSWER, e.reason);
        }
    }

    private static byte[] request(CertificateID id, byte[] nonce) throws OCSPException, NoAnswerException {
        OCSPReqBuilder builder = new OCSPReqBuilder().addRequest(id);
        if (nonce != null) {
            try {
                builder.setRequestExtensions(new Extensions(nonceExtension(nonce)));
            } catch (IOException e) {
                throw new NoAnswerException("the OCSP nonce could not be encoded");
            }
        }
        OCSPReq request = builder.build();
        try {
            return request.getEncoded();
        } catch (IOException e) {
            throw new NoAnswerException("the OCSP request could not be encoded");
        }
    }

    private byte[] post(URI responder, byte[] body) throws NoAnswerException {
        HttpRequest request = HttpRequest.newBuilder(responder)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/ocsp-request")
                .header("Accept", "application/ocsp-response")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        BoundedFetch.Result fetched;
        try {
            fetched = BoundedFetch.fetch(http, request, settings.maxResponseBytes(),
                    settings.connectTimeout().plus(settings.requestTimeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoAnswerException("interrupted while asking the OCSP responder");
        }
        if (fetched.failure() == null) {
            return fetched.body();
        }
        throw new NoAnswerException(switch (fetched.failure()) {
            case TIMED_OUT -> "the OCSP responder did not answer in time";
            case TOO_LARGE -> "the OCSP response is larger than " + settings.maxResponseBytes() + " bytes";
            case HTTP_STATUS -> "the OCSP responder answered HTTP " + fetched.status();
            case UNREACHABLE -> "the OCSP responder cannot be reached";
        });
    }

    private Answer verify(byte[] bytes, CertificateID id, byte[] nonce, X509Certificate issuer, Instant now) {
        BasicOCSPResp basic;
        try {
            OCSPResp response = new OCSPResp(bytes);
            if (response.getStatus() != OCSPResp.SUCCESSFUL) {
                return Answer.none(Verdict.NO_ANSWER, "the OCSP responder answered status " + response.getStatus());
            }
            if (!(response.getResponseObject() instanceof BasicOCSPResp b)) {
                return Answer.none(Verdict.NO_ANSWER, "the OCSP response is not a basic response");
            }
            basic = b;
        } catch (IOException | OCSPException | RuntimeException e) {
            return Answer.none(Verdict.NO_ANSWER, "the OCSP response is malformed");
        }
        if (!signedByIssuerOrDelegate(basic, issuer, now)) {
            return Answer.none(Verdict.NO_ANSWER, "the OCSP response is not signed by the issuer or a responder it delegated to");
        }
        if (nonce != null) {
            Extension echoed = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            try {
                if (echoed == null || !echoed.getExtnValue().equals(nonceExtension(nonce).getExtnValue())) {
                    return Answer.none(Verdict.NO_ANSWER, "the OCSP response does not echo our nonce");
                }
            } catch (IOException e) {
                return Answer.none(Verdict.NO_ANSWER, "the OCSP nonce could not be encoded");
            }
        }
        SingleResp single = null;
        for (SingleResp candidate : basic.getResponses()) {
            if (candidate.getCertID().equals(id)) {
                single = candidate;
            }
        }
        if (single == null) {
            return Answer.none(Verdict.NO_ANSWER, "the OCSP response is not about the certificate asked for");
        }
        if (single.getThisUpdate().toInstant().isAfter(now.plus(settings.skew()))) {
            return Answer.none(Verdict.NO_ANSWER, "the OCSP response's thisUpdate lies in the future");
        }
        if (single.getNextUpdate() != null && !single.getNextUpdate().toInstant().isAfter(now)) {
            return Answer.none(Verdict.NO_ANSWER, "the OCSP response's nextUpdate has passed");
        }
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
        CertificateStatus status = single.getCertStatus();
        if (status == CertificateStatus.GOOD) {
            return new Answer(Verdict.GOOD, thisUpdate, nextUpdate, "");
        }
        if (status instanceof RevokedStatus) {
            return new Answer(Verdict.REVOKED, thisUpdate, nextUpdate, "");
        }
        return Answer.none(Verdict.NO_ANSWER, "the OCSP responder does not know the certificate");
    }

    private boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer, Instant now) {
        try {
            AlgorithmPolicy.requireSignature(basic.getSignatureAlgorithmID());
        } catch (SecurityCheckException e) {
            return false;
        }
        if (signatureValid(basic, issuer.getPublicKey())) {
            return true;
        }
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (X509CertificateHolder holder : basic.getCerts()) {
            try {
                X509Certificate responder = converter.getCertificate(holder);
                if (isDelegatedResponder(responder, issuer, now) && signatureValid(basic, responder.getPublicKey())) {
                    return true;
                }
            } catch (CertificateException e) {
                // an unreadable certificate in the response delegates nothing; the next one may
            }
        }
        return false;
    }

    private static boolean isDelegatedResponder(X509Certificate responder, X509Certificate issuer, Instant now) {
        try {
            if (!responder.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                return false;
            }
            AlgorithmPolicy.requireCertificate(responder);
            responder.verify(issuer.getPublicKey(), Providers.verification());
            responder.checkValidity(Date.from(now));
            List<String> purposes = responder.getExtendedKeyUsage();
            return purposes != null && purposes.contains(OCSP_SIGNING);
        } catch (GeneralSecurityException | SecurityCheckException e) {
            return false;
        }
    }

    private static boolean signatureValid(BasicOCSPResp basic, PublicKey key) {
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().setProvider(Providers.verification()).build(key);
            return basic.isSignatureValid(verifier);
        } catch (OperatorCreationException | OCSPException | RuntimeException e) {
            return false;
        }
    }

    private DigestCalculator digest() throws OperatorCreationException {
        AlgorithmIdentifier algorithm = settings.hash() == OcspSettings.CertificateIdHash.SHA1
                ? CertificateID.HASH_SHA1 : new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);
        return new JcaDigestCalculatorProviderBuilder().build().get(algorithm);
    }

    private byte[] nonce() {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return nonce;
    }

    private static Extension nonceExtension(byte[] nonce) throws IOException {
        return Extension.create(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce));
    }

    /** Why a responder gave no usable answer, in our own words; never leaves this class. */
    private static final class NoAnswerException extends Exception {

        private final String reason;

        NoAnswerException(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }
}
