package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.NOT_A_GATEWAY_CERTIFICATE;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The profile of a gateway certificate, the only kind that speaks for a party on the wire: bound to the party alone
 * and naming it as {@code urn:passerelle:party:XX} (no officer, system or role names), an end entity whose key signs (digitalSignature) and receives content keys
 * (keyAgreement for EC, keyEncipherment for RSA), with the extended key usages serverAuth and clientAuth, since a
 * gateway is both the TLS server of its partner port and the TLS client of its partners'. A party's CA also issues
 * its officers' and back-end systems' certificates; those chain to the same anchor and carry the same party, and
 * this profile is what tells them apart.
 */
public final class GatewayProfile {

    /** id-kp-serverAuth (RFC 5280). */
    public static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    /** id-kp-clientAuth (RFC 5280). */
    public static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;

    private GatewayProfile() {
    }

    /** Refuses with {@code NOT_A_GATEWAY_CERTIFICATE}, saying why, a certificate outside the profile. */
    public static void require(X509Certificate certificate, PartyIdentity identity) {
        if (identity.kind() != PartyIdentity.Kind.GATEWAY) {
            throw refused("it is the certificate of " + (identity.kind() == PartyIdentity.Kind.OFFICER
                    ? "an officer" : "a back-end system") + " of " + identity.party() + ", not of its gateway");
        }
        if (!PartyBinding.subjectAlternativeUris(certificate).contains(PartyBinding.PARTY_URI_PREFIX + identity.party())) {
            // A party's CA may also issue ordinary TLS certificates (a web server of that country, say) that carry the
            // same key usages; the explicit party URI is what a certificate issued for a Passerelle gateway says.
            throw refused("it does not name " + PartyBinding.PARTY_URI_PREFIX + identity.party() + " in its subject alternative names");
        }
        if (!identity.roles().isEmpty()) {
            throw refused("it states roles, as a person's certificate does");
        }
        if (certificate.getBasicConstraints() >= 0) {
            throw refused("it is a CA certificate");
        }
        boolean[] usage = certificate.getKeyUsage();
        if (usage == null || !usage[DIGITAL_SIGNATURE] || !(usage[KEY_AGREEMENT] || usage[KEY_ENCIPHERMENT])) {
            throw refused("its key usage is not digitalSignature with keyAgreement or keyEncipherment");
        }
        List<String> purposes;
        try {
            purposes = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new SecurityCheckException(NOT_A_GATEWAY_CERTIFICATE, "its extended key usage cannot be read", e);
        }
        if (purposes == null || !purposes.contains(SERVER_AUTH) || !purposes.contains(CLIENT_AUTH)) {
            throw refused("its extended key usage is not serverAuth and clientAuth");
        }
    }

    private static SecurityCheckException refused(String why) {
        return new SecurityCheckException(NOT_A_GATEWAY_CERTIFICATE, "not a gateway certificate: " + why);
    }
}
