package org.passerelle.security;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Lists what the node's trust depends on and expires soon (CRLs reaching nextUpdate, certificates reaching
 * notAfter, cached OCSP answers reaching expiry), for the gateway's metric, health status and audit entry.
 */
public final class ExpiryFacts {

    /** What kind of thing expires. */
    public enum Kind {
        /** A held CRL reaches its nextUpdate (after which it no longer proves anything). */
        CRL,
        /** A certificate reaches its notAfter. */
        CERTIFICATE,
        /** A cached OCSP answer reaches its nextUpdate or maximum cache age. */
        OCSP_ANSWER
    }

    /**
     * One thing that expires.
     *
     * @param kind  what kind of thing
     * @param which which one, by names and serial numbers only (never an officer's or system's subject)
     * @param when  when it expires
     */
    public record Expiry(Kind kind, String which, Instant when) {

        public Expiry {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(which, "which");
            Objects.requireNonNull(when, "when");
        }

        /** Whether it has expired already at that instant. */
        public boolean expiredAt(Instant instant) {
            return !when.isAfter(instant);
        }
    }

    private ExpiryFacts() {
    }

    /**
     * Everything given that expires before now plus the horizon (including what expired already), soonest
     * first; a CRL without nextUpdate never expires.
     */
    public static List<Expiry> within(Duration horizon, Instant now, Collection<X509CRL> crls, Collection<X509Certificate> certificates,
                                      Collection<OcspChecker.CachedAnswer> ocspAnswers) {
        Instant limit = now.plus(horizon);
        List<Expiry> facts = new ArrayList<>();
        for (X509CRL crl : crls) {
            if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(limit)) {
                facts.add(new Expiry(Kind.CRL, "CRL of " + crl.getIssuerX500Principal().getName() + " issued "
                        + crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant()));
            }
        }
        for (X509Certificate certificate : certificates) {
            if (certificate.getNotAfter().toInstant().isBefore(limit)) {
                facts.add(new Expiry(Kind.CERTIFICATE, describe(certificate), certificate.getNotAfter().toInstant()));
            }
        }
        for (OcspChecker.CachedAnswer answer : ocspAnswers) {
            if (answer.expiresAt().isBefore(limit)) {
                facts.add(new Expiry(Kind.OCSP_ANSWER, "OCSP answer for serial " + answer.serial().toString(16) + " of "
                        + answer.issuer(), answer.expiresAt()));
            }
        }
        facts.sort(Comparator.comparing(Expiry::when).thenComparing(Expiry::which));
        return List.copyOf(facts);
    }

    private static String describe(X509Certificate certificate) {
        String serial = "serial " + certificate.getSerialNumber().toString(16) + " of " + certificate.getIssuerX500Principal().getName();
        if (certificate.getBasicConstraints() >= 0) {
            return "CA certificate " + certificate.getSubjectX500Principal().getName() + ", " + serial;
        }
        try {
            PartyIdentity identity = PartyBinding.identityOf(certificate);
            // a gateway's subject names a host; an officer's or system's may name a person, so only the kind is given
            return identity.kind() == PartyIdentity.Kind.GATEWAY
                    ? "gateway certificate " + certificate.getSubjectX500Principal().getName() + ", " + serial
                    : identity.kind().name().toLowerCase(java.util.Locale.ROOT) + " certificate of party " + identity.party() + ", " + serial;
        } catch (SecurityCheckException e) {
            return "certificate " + serial;
        }
    }
}
