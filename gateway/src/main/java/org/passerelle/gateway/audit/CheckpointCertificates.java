package org.passerelle.gateway.audit;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.passerelle.gateway.node.DecryptionKeys;
import org.passerelle.security.Fingerprints;

/**
 * The node's certificates that may have signed its audit checkpoints (current, next, previous, retired), without their
 * keys.
 *
 * @param all the current certificate first, then the next (during a rollover), then the previous ones
 */
public record CheckpointCertificates(List<Known> all) {

    /** Stable names of a certificate's place in a key rollover. */
    public static final String CURRENT = "CURRENT";
    public static final String NEXT = "NEXT";
    public static final String PREVIOUS = "PREVIOUS";
    public static final String RETIRED = "RETIRED";

    /** One certificate, its place in the rollover and the lowercase hex SHA-256 a checkpoint records for it. */
    public record Known(String role, X509Certificate certificate, String sha256) {
    }

    public CheckpointCertificates {
        all = List.copyOf(all);
    }

    /**
     * The certificates of the node's keys, in {@link DecryptionKeys}' order (current, next if any, previous), then
     * those of retired keys, configured without their keys.
     */
    static CheckpointCertificates of(DecryptionKeys keys, boolean hasNext, List<X509Certificate> retired) {
        List<Known> known = new ArrayList<>();
        for (int i = 0; i < keys.all().size(); i++) {
            String role = i == 0 ? CURRENT : i == 1 && hasNext ? NEXT : PREVIOUS;
            X509Certificate certificate = keys.all().get(i).certificate();
            known.add(new Known(role, certificate, Fingerprints.sha256(certificate)));
        }
        for (X509Certificate certificate : retired) {
            String sha256 = Fingerprints.sha256(certificate);
            if (known.stream().noneMatch(k -> k.sha256().equals(sha256))) {
                known.add(new Known(RETIRED, certificate, sha256));
            }
        }
        return new CheckpointCertificates(known);
    }

    /** The certificates alone, current first: what the chain verifier needs. */
    public List<X509Certificate> certificates() {
        return all.stream().map(Known::certificate).toList();
    }

    /** The role of the certificate with this SHA-256, or null when it is none of the node's. */
    public String roleOf(String sha256) {
        return sha256 == null ? null
                : all.stream().filter(k -> k.sha256().equalsIgnoreCase(sha256)).map(Known::role).findFirst().orElse(null);
    }
}
