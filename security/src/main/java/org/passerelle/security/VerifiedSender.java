package org.passerelle.security;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A sender whose signature verified and whose certificate validated against the claimed party's anchors.
 *
 * @param party       the party code the signer's certificate is bound to (equal to the claimed party)
 * @param certificate the signer's certificate
 * @param signingTime the signed signing-time attribute
 */
public record VerifiedSender(String party, X509Certificate certificate, Instant signingTime) {

    public VerifiedSender {
        Objects.requireNonNull(party, "party");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(signingTime, "signingTime");
    }
}
