package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.CERTIFICATE_EXPIRED;
import static org.passerelle.security.SecurityErrorCode.CERTIFICATE_NOT_YET_VALID;
import static org.passerelle.security.SecurityErrorCode.CERTIFICATE_REVOKED;
import static org.passerelle.security.SecurityErrorCode.CHAIN_UNTRUSTED;
import static org.passerelle.security.SecurityErrorCode.GATEWAY_NOT_REGISTERED;
import static org.passerelle.security.SecurityErrorCode.KEY_USAGE_INVALID;
import static org.passerelle.security.SecurityErrorCode.PARTY_MISMATCH;
import static org.passerelle.security.SecurityErrorCode.REVOCATION_UNAVAILABLE;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether an end-entity certificate speaks for a party: algorithms allowed, bound to that party,
 * key usage digitalSignature, valid at the given instant and now, a PKIX path to one of the party's
 * anchors, and not revoked: by a trusted OCSP answer where OCSP is configured for the party, otherwise (or
 * when the responder gives no trusted answer) on a current CRL of each issuer, read live from the trust's
 * {@link CrlStore}. {@link #validateGateway} further holds the certificate to the {@link GatewayProfile} and to the
 * certificates registered (pinned) for the party, if any: only a party's gateway opens the partner port, signs its
 * messages and receipts, or is encrypted to.
 */
public final class CertificateValidator {

    private static final Duration CRL_ISSUE_SKEW = Duration.ofMinutes(5);
    private static final int DIGITAL_SIGNATURE = 0;

    private final PartyTrust trust;
    private final Clock clock;
    private final Map<String, Set<String>> gatewayPins;
    /** Null when no party is checked by OCSP. */
    private final OcspChecker ocsp;

    public CertificateValidator(PartyTrust trust) {
        this(trust, Clock.systemUTC());
    }

    public CertificateValidator(PartyTrust trust, Clock clock) {
        this(trust, null, clock);
    }

    /** A validator that asks OCSP first for the parties the checker is configured for (null: CRLs only). */
    public CertificateValidator(PartyTrust trust, OcspChecker ocsp, Clock clock) {
        this(trust, ocsp, clock, Map.of());
    }

    /**
     * @param ocsp        asks OCSP first for the parties it is configured for; null: CRLs only
     * @param gatewayPins per party, the SHA-256 fingerprints (hex, colons and case ignored) of the only gateway
     *                    certificates that speak for it; a party without an entry is held to the profile alone
     */
    public CertificateValidator(PartyTrust trust, OcspChecker ocsp, Clock clock,
                                Map<String, ? extends Collection<String>> gatewayPins) {
        this.trust = Objects.requireNonNull(trust, "trust");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ocsp = ocsp;
        Map<String, Set<String>> pins = new HashMap<>();
        gatewayPins.forEach((party, fingerprints) -> {
            if (!fingerprints.isEmpty()) {
                pins.put(party, fingerprints.stream().map(Fingerprints::normalise).collect(Collectors.toUnmodifiableSet()));
            }
        });
        this.gatewayPins = Map.copyOf(pins);
    }

    /** The trust configuration this validator checks against. */
    public PartyTrust trust() {
        return trust;
    }

    /**
     * Validates the certificate for the expected party at the given instant (the signing time, or now for
     * TLS) and now, and returns the identity it states; refuses with the code of the first failed check.
     *
     * @param certificate   the end-entity certificate
     * @param chain         other certificates that may help build the path (intermediates, may be empty)
     * @param at            the instant the certificate was used (signing time)
     * @param expectedParty the party the certificate must be bound to and chain to
     */
    public PartyIdentity validate(X509Certificate certificate, List<X509Certificate> chain, Instant at, String expectedParty) {
        return validate(certificate, chain, at, expectedParty, false);
    }

    /**
     * As {@link #validate}, for a certificate that must be the expected party's gateway: it must also meet the
     * {@link GatewayProfile} ({@code NOT_A_GATEWAY_CERTIFICATE}) and, where certificates are registered for the
     * party, be one of them ({@code GATEWAY_NOT_REGISTERED}).
     */
    public PartyIdentity validateGateway(X509Certificate certificate, List<X509Certificate> chain, Instant at,
                                         String expectedParty) {
        return validate(certificate, chain, at, expectedParty, true);
    }

    /** Whether gateway certificates are registered (pinned) for the party. */
    public boolean pinned(String party) {
        return gatewayPins.containsKey(party);
    }

    private PartyIdentity validate(X509Certificate certificate, List<X509Certificate> chain, Instant at,
                                   String expectedParty, boolean gateway) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(at, "at");
        Instant now = clock.instant();

        AlgorithmPolicy.requireCertificate(certificate);
        PartyIdentity identity = PartyBinding.identityOf(certificate);
        if (!identity.party().equals(expectedParty)) {
            throw new SecurityCheckException(PARTY_MISMATCH,
                    "certificate is bound to " + identity.party() + ", not to the claimed party " + expectedParty);
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage == null || !keyUsage[DIGITAL_SIGNATURE] || certificate.getBasicConstraints() >= 0) {
            throw new SecurityCheckException(KEY_USAGE_INVALID, "certificate is not an end-entity certificate for digitalSignature");
        }
        if (gateway) {
            GatewayProfile.require(certificate, identity);
            Set<String> pins = gatewayPins.get(expectedParty);
            if (pins != null && !pins.contains(Fingerprints.sha256(certificate))) {
                throw new SecurityCheckException(GATEWAY_NOT_REGISTERED, "the gateway certificate "
                        + Fingerprints.sha256(certificate) + " is not registered for party " + expectedParty);
            }
        }
        requireValid(certificate, at, now);

        PKIXCertPathBuilderResult path = buildPath(certificate, chain, at, expectedParty);
        List<X509Certificate> certificates = new ArrayList<>();
        path.getCertPath().getCertificates().forEach(c -> certificates.add((X509Certificate) c));
        X509Certificate anchor = path.getTrustAnchor().getTrustedCert();
        for (X509Certificate c : certificates) {
            AlgorithmPolicy.requireCertificate(c);
            requireValid(c, at, now);
        }
        requireValid(anchor, at, now);

        for (int i = 0; i < certificates.size(); i++) {
            X509Certificate issuer = i + 1 < certificates.size() ? certificates.get(i + 1) : anchor;
            requireNotRevoked(certificates.get(i), issuer, now, expectedParty);
        }
        return identity;
    }

    private PKIXCertPathBuilderResult buildPath(X509Certificate certificate, List<X509Certificate> chain, Instant at, String party) {
        List<X509Certificate> anchors = trust.anchors(party);
        if (anchors.isEmpty()) {
            throw new SecurityCheckException(CHAIN_UNTRUSTED, "no trust anchor is configured for party " + party);
        }
        try {
            Set<TrustAnchor> trustAnchors = anchors.stream().map(a -> new TrustAnchor(a, null)).collect(Collectors.toSet());
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(certificate);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(trustAnchors, target);
            List<X509Certificate> candidates = new ArrayList<>(chain);
            candidates.add(certificate);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(candidates)));
            parameters.setRevocationEnabled(false); // revocation is checked below against the party's CRLs, now
            parameters.setDate(Date.from(at));
            return (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
        } catch (GeneralSecurityException e) {
            throw new SecurityCheckException(CHAIN_UNTRUSTED, "no certification path to a trust anchor of party " + party, e);
        }
    }

    private void requireNotRevoked(X509Certificate certificate, X509Certificate issuer, Instant now, String party) {
        OcspChecker.Answer answer = ocsp == null ? null : ocsp.check(party, certificate, issuer, now);
        if (answer != null && answer.verdict() == OcspChecker.Verdict.GOOD) {
            // Revoked by either source wins: a current CRL listing the certificate outweighs a GOOD answer given earlier.
            trust.currentCrl(issuer, now, CRL_ISSUE_SKEW).map(crl -> crl.getRevokedCertificate(certificate))
                    .ifPresent(entry -> {
                        throw new SecurityCheckException(CERTIFICATE_REVOKED, "certificate "
                                + certificate.getSerialNumber().toString(16) + " of " + issuer.getSubjectX500Principal().getName()
                                + " is revoked since " + entry.getRevocationDate().toInstant() + " (its CRL says so, its OCSP responder not yet)");
                    });
            return;
        }
        if (answer != null && answer.verdict() == OcspChecker.Verdict.REVOKED) {
            throw new SecurityCheckException(CERTIFICATE_REVOKED, "certificate " + certificate.getSerialNumber().toString(16)
                    + " of " + issuer.getSubjectX500Principal().getName() + " is revoked according to its OCSP responder");
        }
        // the certificate chains to an anchor, so the places it names for its issuer's CRL may be fetched
        trust.crlStore().learnDistributionPoints(certificate);
        String ocspReason = answer == null || answer.verdict() == OcspChecker.Verdict.NOT_ASKED ? "" : " (and " + answer.reason() + ")";
        X509CRL crl = trust.currentCrl(issuer, now, CRL_ISSUE_SKEW).orElseThrow(() -> new SecurityCheckException(
                REVOCATION_UNAVAILABLE, "no current CRL from " + issuer.getSubjectX500Principal().getName() + ocspReason));
        X509CRLEntry entry = crl.getRevokedCertificate(certificate);
        if (entry != null) {
            throw new SecurityCheckException(CERTIFICATE_REVOKED, "certificate " + certificate.getSerialNumber().toString(16)
                    + " of " + issuer.getSubjectX500Principal().getName() + " is revoked since " + entry.getRevocationDate().toInstant());
        }
    }

    private static void requireValid(X509Certificate certificate, Instant at, Instant now) {
        for (Instant instant : List.of(at, now)) {
            String when = (instant == now ? "the current time " : "signing time ") + instant;
            try {
                certificate.checkValidity(Date.from(instant));
            } catch (CertificateExpiredException e) {
                throw new SecurityCheckException(CERTIFICATE_EXPIRED, "certificate "
                        + certificate.getSubjectX500Principal().getName() + " has expired at " + when, e);
            } catch (CertificateNotYetValidException e) {
                throw new SecurityCheckException(CERTIFICATE_NOT_YET_VALID, "certificate "
                        + certificate.getSubjectX500Principal().getName() + " is not yet valid at " + when, e);
            }
        }
    }
}
