package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.KEY_MATERIAL_INVALID;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The trust configuration of a node: for each party code, its trust anchors (root CA certificates), and
 * the CRLs of their issuers; immutable, rebuild it with {@link #withCrls} when CRLs are refreshed.
 */
public final class PartyTrust {

    private final Map<String, List<X509Certificate>> anchors;
    private final List<X509CRL> crls;
    /** CRLs (by identity) whose signature was already checked, with the issuer key that checked it. */
    private final Map<X509CRL, PublicKey> verifiedCrls = Collections.synchronizedMap(new IdentityHashMap<>());

    private PartyTrust(Map<String, List<X509Certificate>> anchors, List<X509CRL> crls) {
        this.anchors = anchors;
        this.crls = crls;
    }

    /**
     * Trust anchors grouped by the party each is bound to (its {@code urn:passerelle:party:} URI or
     * subject C), with the CRLs of any issuer.
     */
    public static PartyTrust of(Collection<X509Certificate> anchors, Collection<X509CRL> crls) {
        Map<String, List<X509Certificate>> byParty = new LinkedHashMap<>();
        for (X509Certificate anchor : anchors) {
            AlgorithmPolicy.requireCertificate(anchor);
            byParty.computeIfAbsent(PartyBinding.partyOf(anchor), p -> new ArrayList<>()).add(anchor);
        }
        byParty.replaceAll((party, list) -> List.copyOf(list));
        return new PartyTrust(Map.copyOf(byParty), List.copyOf(crls));
    }

    /** Trust anchors explicitly assigned to parties (for anchors that carry no party binding themselves). */
    public static PartyTrust of(Map<String, ? extends Collection<X509Certificate>> anchorsByParty, Collection<X509CRL> crls) {
        Map<String, List<X509Certificate>> byParty = new LinkedHashMap<>();
        anchorsByParty.forEach((party, list) -> {
            if (!PartyBinding.isPartyCode(party)) {
                throw new SecurityCheckException(KEY_MATERIAL_INVALID, "malformed party code " + party);
            }
            list.forEach(AlgorithmPolicy::requireCertificate);
            byParty.put(party, List.copyOf(list));
        });
        return new PartyTrust(Map.copyOf(byParty), List.copyOf(crls));
    }

    /** Reads the anchors of a PKCS#12 trust store and CRL files (PEM or DER). */
    public static PartyTrust load(Path trustStore, char[] password, Collection<Path> crlFiles) {
        return of(KeyMaterial.loadTrustedCertificates(trustStore, password), crlFiles.stream().map(PartyTrust::readCrl).toList());
    }

    /** Reads one CRL file, PEM or DER. */
    public static X509CRL readCrl(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "cannot read the CRL " + file.getFileName(), e);
        }
    }

    /** The same anchors with these CRLs instead of the current ones. */
    public PartyTrust withCrls(Collection<X509CRL> replacement) {
        return new PartyTrust(anchors, List.copyOf(replacement));
    }

    /** The party codes that have at least one anchor. */
    public Set<String> parties() {
        return anchors.keySet();
    }

    /** The anchors of one party; empty if the party is not configured. */
    public List<X509Certificate> anchors(String party) {
        return anchors.getOrDefault(party, List.of());
    }

    /** Every anchor of every party. */
    public List<X509Certificate> allAnchors() {
        return anchors.values().stream().flatMap(List::stream).toList();
    }

    /** Every configured CRL. */
    public List<X509CRL> crls() {
        return crls;
    }

    /**
     * The most recent CRL signed by this issuer that is current now (issued no later than now plus the
     * allowed skew, next update after now), if any.
     */
    Optional<X509CRL> currentCrl(X509Certificate issuer, Instant now, java.time.Duration skew) {
        X500Principal name = issuer.getSubjectX500Principal();
        return crls.stream()
                .filter(crl -> crl.getIssuerX500Principal().equals(name))
                .filter(crl -> !crl.getThisUpdate().toInstant().isAfter(now.plus(skew)))
                .filter(crl -> crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isAfter(now))
                .filter(crl -> signedBy(crl, issuer))
                .max(Comparator.comparing(X509CRL::getThisUpdate));
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
