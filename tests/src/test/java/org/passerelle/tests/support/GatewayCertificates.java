package org.passerelle.tests.support;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyBinding;
import org.passerelle.security.pki.DevCertificates;
import org.passerelle.security.pki.DevPki;

/** Further gateway certificates of a party, issued by its development root CA: a second gateway, a next key. */
public final class GatewayCertificates {

    private GatewayCertificates() {
    }

    /** A P-256 key with a certificate in the gateway profile of the party, valid from {@code notBefore} for a year. */
    public static KeyMaterial issue(DevPki pki, String party, Instant notBefore) {
        KeyMaterial ca = pki.rootCa(party).load();
        String lower = party.toLowerCase(Locale.ROOT);
        Instant from = notBefore.truncatedTo(ChronoUnit.SECONDS);
        DevCertificates.Template template = new DevCertificates.Template(
                "CN=gateway-2." + lower + ".passerelle.test,O=Passerelle tests,C=" + party, from,
                from.plus(Duration.ofDays(365)), false,
                Set.of(DevCertificates.Usage.DIGITAL_SIGNATURE, DevCertificates.Usage.KEY_AGREEMENT), true, true,
                List.of(PartyBinding.PARTY_URI_PREFIX + party), List.of("localhost"), List.of("127.0.0.1"), List.of());
        KeyPair keys = DevCertificates.ecKeyPair("secp256r1");
        X509Certificate certificate = DevCertificates.issue(template, keys.getPublic(), ca.certificate(), ca.privateKey(),
                "SHA384withECDSA");
        return new KeyMaterial(keys.getPrivate(), List.of(certificate, ca.certificate()));
    }

    /** As {@link #issue(DevPki, String, Instant)}, valid from yesterday. */
    public static KeyMaterial issue(DevPki pki, String party) {
        return issue(pki, party, Instant.now().minus(Duration.ofDays(1)));
    }
}
