package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.security.CmsSignatureForgeryTest.assertRefused;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.passerelle.security.pki.DevCertificates;
import org.passerelle.security.testing.TestPki;

/** The party, officer and system identities read from certificates, and key material loading. */
class PartyBindingTest {

    private final TestPki pki = TestPki.shared();

    @Test
    void readsTheGatewaysParty() {
        assertThat(PartyBinding.identityOf(pki.gateway("FR").certificate()))
                .isEqualTo(new PartyIdentity("FR", PartyIdentity.Kind.GATEWAY, "FR", Set.of()));
    }

    @Test
    void readsAnOfficersPartyIdAndRole() {
        PartyIdentity officer = PartyBinding.identityOf(pki.officer("GB", "auditor").certificate());

        assertThat(officer).isEqualTo(new PartyIdentity("GB", PartyIdentity.Kind.OFFICER, "gb-auditor-1", Set.of("auditor")));
    }

    @Test
    void readsASystemsPartyAndName() {
        assertThat(PartyBinding.identityOf(pki.system("BE").certificate()))
                .isEqualTo(new PartyIdentity("BE", PartyIdentity.Kind.SYSTEM, "casework", Set.of()));
    }

    @Test
    void refusesACertificateNamingTwoParties() {
        var template = TestPki.gatewayTemplate("GB");
        var twoParties = new DevCertificates.Template(template.subject(), template.notBefore(), template.notAfter(), false,
                template.usages(), true, true, List.of(PartyBinding.PARTY_URI_PREFIX + "GB", PartyBinding.PARTY_URI_PREFIX + "FR"),
                List.of(), List.of(), List.of());
        KeyMaterial key = pki.issuedByRootCa("GB", twoParties);

        assertRefused(() -> PartyBinding.partyOf(key.certificate()), SecurityErrorCode.PARTY_MISMATCH);
    }

    @Test
    void validatesOfficerCertificatesForTls() {
        CertificateValidator validator = pki.validator();

        PartyIdentity identity = validator.validate(pki.officer("FR", "liaison-officer").certificate(), List.of(),
                java.time.Instant.now(), "FR");

        assertThat(identity.roles()).containsExactly("liaison-officer");
    }

    @Test
    void refusesAKeyStoreWithTheWrongPassword() {
        Path p12 = pki.files().gateway("GB").pkcs12();

        assertRefused(() -> KeyMaterial.load(p12, "wrong".toCharArray()), SecurityErrorCode.KEY_MATERIAL_INVALID);
    }

    @Test
    void refusesAKeyStoreThatIsNotPkcs12() {
        Path pem = pki.files().gateway("GB").certificatePem();

        assertRefused(() -> KeyMaterial.load(pem, "changeit".toCharArray()), SecurityErrorCode.KEY_MATERIAL_INVALID);
    }
}
