package org.passerelle.security;

import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.WeakHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;

/**
 * The CRLs a node currently holds, shared by the validator (which reads them on every check) and the
 * {@link CrlRefresher} (which replaces them); thread-safe, and it never lets an older CRL replace a newer one.
 */
public final class CrlStore {

    private static final String DELTA_CRL_INDICATOR = "2.5.29.27";
    private static final String ISSUING_DISTRIBUTION_POINT = "2.5.29.28";

    /** At most this many distribution points are remembered from validated certificates (a bound, not a tuning). */
    static final int MAX_LEARNT_DISTRIBUTION_POINTS = 64;

    /** What {@link #offer} did with a CRL. */
    public enum Offer {
        /** Taken: it is now the CRL held for its issuer. */
        ACCEPTED,
        /** The very same CRL is already held. */
        UNCHANGED,
        /** Refused: its thisUpdate is older than that of the CRL held for the issuer (no rollback). */
        OLDER_THAN_HELD,
        /** Refused: not signed by the given issuer, issued under another name, or with a disallowed algorithm. */
        SIGNATURE_INVALID,
        /** Refused: a delta or partitioned CRL, or one with an unknown critical extension, never replaces a complete one. */
        NOT_COMPLETE
    }

    // Readers take a snapshot without locking; writers replace the whole list under the lock.
    private volatile List<X509CRL> crls;
    /** CRLs whose signature was already checked, with the issuer key that checked it. */
    // Weak keys: a CRL checked and then refused (older than the one held, say) is not kept alive by this memo.
    private final Map<X509CRL, PublicKey> verifiedCrls = Collections.synchronizedMap(new WeakHashMap<>());
    private final Set<URI> learntDistributionPoints = ConcurrentHashMap.newKeySet();

    /** A store holding no CRL. */
    public CrlStore() {
        this(List.of());
    }

    /** A store holding these CRLs as configured (their signatures are checked when they are used or replaced). */
    public CrlStore(Collection<X509CRL> initial) {
        this.crls = List.copyOf(initial);
    }

    /** Every CRL held now. */
    public List<X509CRL> all() {
        return crls;
    }

    /**
     * The most recent CRL signed by this issuer that is current now (issued no later than now plus the
     * allowed skew, next update after now), if any.
     */
    public Optional<X509CRL> current(X509Certificate issuer, Instant now, Duration skew) {
        X500Principal name = issuer.getSubjectX500Principal();
        return crls.stream()
                .filter(crl -> crl.getIssuerX500Principal().equals(name))
                .filter(crl -> !crl.getThisUpdate().toInstant().isAfter(now.plus(skew)))
                .filter(crl -> crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isAfter(now))
                .filter(crl -> signedBy(crl, issuer))
                .max(Comparator.comparing(X509CRL::getThisUpdate));
    }

    /**
     * Takes the CRL as the one held for the issuer if it is signed by that issuer and not older than the CRL
     * held for it now; the CRLs it replaces are dropped.
     */
    public synchronized Offer offer(X509CRL crl, X509Certificate issuer) {
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()) || !signedBy(crl, issuer)) {
            return Offer.SIGNATURE_INVALID;
        }
        if (!complete(crl)) {
            return Offer.NOT_COMPLETE;
        }
        List<X509CRL> held = crls.stream()
                .filter(c -> c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()))
                .filter(c -> signedBy(c, issuer)) // a forged CRL in the configuration must not block updates
                .toList();
        Optional<X509CRL> newest = held.stream().max(Comparator.comparing(X509CRL::getThisUpdate));
        if (newest.isPresent()) {
            if (crl.getThisUpdate().before(newest.get().getThisUpdate())) {
                return Offer.OLDER_THAN_HELD;
            }
            if (newest.get().equals(crl) && held.size() == 1) { // X509CRL.equals compares the encodings
                return Offer.UNCHANGED;
            }
        }
        List<X509CRL> replacement = new ArrayList<>();
        crls.stream().filter(c -> !c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()) || !held.contains(c))
                .forEach(replacement::add);
        replacement.add(crl);
        held.forEach(verifiedCrls::remove);
        crls = List.copyOf(replacement);
        return Offer.ACCEPTED;
    }

    /**
     * Remembers the http(s) CRL distribution points of a certificate that chained to a trust anchor, so that
     * a refresher with distribution points enabled fetches them too (bounded, so a flood of certificates
     * cannot make the node fetch from ever more places).
     */
    public void learnDistributionPoints(X509Certificate certificate) {
        if (learntDistributionPoints.size() >= MAX_LEARNT_DISTRIBUTION_POINTS) {
            return;
        }
        for (URI uri : RevocationExtensions.crlDistributionPoints(certificate)) {
            if (learntDistributionPoints.size() < MAX_LEARNT_DISTRIBUTION_POINTS) {
                learntDistributionPoints.add(uri);
            }
        }
    }

    /** The distribution points learnt from validated certificates so far. */
    public Set<URI> learntDistributionPoints() {
        return Set.copyOf(learntDistributionPoints);
    }

    /**
     * Whether the CRL is a complete CRL of every certificate its issuer issued: a delta CRL, a partitioned CRL (an
     * issuing distribution point: user or CA certificates only, some reasons only) or one with a critical extension
     * this store does not understand would otherwise replace the complete CRL and un-revoke what it lists.
     */
    private static boolean complete(X509CRL crl) {
        return crl.getExtensionValue(DELTA_CRL_INDICATOR) == null
                && crl.getExtensionValue(ISSUING_DISTRIBUTION_POINT) == null
                && !crl.hasUnsupportedCriticalExtension();
    }

    private boolean signedBy(X509CRL crl, X509Certificate issuer) {
        PublicKey key = issuer.getPublicKey();
        if (key.equals(verifiedCrls.get(crl))) {
            return true;
        }
        try {
            AlgorithmPolicy.requireCrl(crl);
            crl.verify(key);
        } catch (GeneralSecurityException | SecurityCheckException e) {
            return false;
        }
        verifiedCrls.put(crl, key);
        return true;
    }
}
