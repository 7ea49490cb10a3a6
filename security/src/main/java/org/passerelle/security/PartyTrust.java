package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.KEY_MATERIAL_INVALID;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The trust configuration of a node: for each party code, its trust anchors (root CA certificates, fixed),
 * and the live {@link CrlStore} of their issuers' CRLs, which a {@link CrlRefresher} keeps current.
 */
public final class PartyTrust {

    private final Map<String, List<X509Certificate>> anchors;
    private final CrlStore crls;

    private PartyTrust(Map<String, List<X509Certificate>> anchors, CrlStore crls) {
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
        return new PartyTrust(Map.copyOf(byParty), new CrlStore(crls));
    }

    /** Trust anchors explicitly assigned to parties (for anchors that carry no party binding themselves). */
    public static PartyTrust of(Map<String, ? extends Collection<X509Certificate>> anchorsByParty, Collection<X509CRL> crls) {
        return of(anchorsByParty, new CrlStore(crls));
    }

    /**
     * Trust anchors explicitly assigned to parties, reading CRLs from a live store (a validator built on
     * this trust sees every CRL the store takes later).
     */
    public static PartyTrust of(Map<String, ? extends Collection<X509Certificate>> anchorsByParty, CrlStore crls) {
        Objects.requireNonNull(crls, "crls");
        Map<String, List<X509Certificate>> byParty = new LinkedHashMap<>();
        anchorsByParty.forEach((party, list) -> {
            if (!PartyBinding.isPartyCode(party)) {
                throw new SecurityCheckException(KEY_MATERIAL_INVALID, "malformed party code " + party);
            }
            list.forEach(AlgorithmPolicy::requireCertificate);
            byParty.put(party, List.copyOf(list));
        });
        return new PartyTrust(Map.copyOf(byParty), crls);
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

    /** The same anchors with a store of their own holding these CRLs (this trust's store is left as it is). */
    public PartyTrust withCrls(Collection<X509CRL> replacement) {
        return new PartyTrust(anchors, new CrlStore(replacement));
    }

    /** The live store of CRLs this trust reads. */
    public CrlStore crlStore() {
        return crls;
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

    /** Every CRL held now (configured, or taken by a refresh since). */
    public List<X509CRL> crls() {
        return crls.all();
    }

    /**
     * The most recent CRL signed by this issuer that is current now (issued no later than now plus the
     * allowed skew, next update after now), if any.
     */
    Optional<X509CRL> currentCrl(X509Certificate issuer, Instant now, java.time.Duration skew) {
        return crls.current(issuer, now, skew);
    }
}
