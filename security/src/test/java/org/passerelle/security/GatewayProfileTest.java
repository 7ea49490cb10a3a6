package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.passerelle.security.testing.TlsHandshakes.handshake;
import static org.passerelle.security.pki.DevCertificates.Usage.DIGITAL_SIGNATURE;
import static org.passerelle.security.pki.DevCertificates.Usage.KEY_AGREEMENT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.passerelle.security.pki.DevCertificates.Template;
import org.passerelle.security.pki.DevPki;
import org.passerelle.security.testing.TestPki;

/**
 * Only a party's gateway speaks for it: its officers' and back-end systems' certificates chain to the same anchor and
 * carry the same party, yet neither signs a message or receipt nor opens mutual TLS as the party.
 */
class GatewayProfileTest {

    static final List<String> OFFICER_ROLES = DevPki.OFFICER_ROLES;
    private static final byte[] MESSAGE = TestPki.payload(256);

    private final TestPki pki = TestPki.shared();

    @Test
    void theGatewayCertificateSignsForItsParty() {
        VerifiedMessage verified = pki.verifier().verify(pki.signer("FR").sign(MESSAGE), "FR");

        assertThat(verified.sender().party()).isEqualTo("FR");
    }

    @ParameterizedTest
    @FieldSource("OFFICER_ROLES")
    void refusesASignatureByAnOfficerOfTheParty(String role) {
        byte[] signed = new CmsSigner(pki.officer("FR", role)).sign(MESSAGE);

        assertRefused(() -> pki.verifier().verify(signed, "FR"), SecurityErrorCode.NOT_A_GATEWAY_CERTIFICATE);
    }

    @Test
    void refusesASignatureByABackEndSystemOfTheParty() {
        byte[] signed = new CmsSigner(pki.system("FR")).sign(MESSAGE);

        assertRefused(() -> pki.verifier().verify(signed, "FR"), SecurityErrorCode.NOT_A_GATEWAY_CERTIFICATE);
    }

    @Test
    void refusesASignatureByTheGatewayOfAnotherParty() {
        byte[] signed = pki.signer("BE").sign(MESSAGE);

        assertRefused(() -> pki.verifier().verify(signed, "FR"), SecurityErrorCode.PARTY_MISMATCH);
    }

    @Test
    void refusesAGatewayLikeCertificateWithoutTheServerAuthPurpose() {
        Template clientOnly = new Template("CN=client-only.fr.passerelle.test,O=Passerelle tests,C=FR",
                TestPki.gatewayTemplate("FR").notBefore(), TestPki.gatewayTemplate("FR").notAfter(), false,
                Set.of(DIGITAL_SIGNATURE, KEY_AGREEMENT), false, true,
                List.of(PartyBinding.PARTY_URI_PREFIX + "FR"), List.of(), List.of(), List.of());
        byte[] signed = new CmsSigner(pki.issuedByRootCa("FR", clientOnly)).sign(MESSAGE);

        assertRefused(() -> pki.verifier().verify(signed, "FR"), SecurityErrorCode.NOT_A_GATEWAY_CERTIFICATE);
    }

    @Test
    void refusesACertificateOfThePartysCaThatDoesNotNameThePartyAsAGateway() {
        // given an ordinary TLS server certificate of FR's CA: bound to FR only by its subject's country
        Template webServer = new Template("CN=www.example.fr,O=Passerelle tests,C=FR",
                TestPki.gatewayTemplate("FR").notBefore(), TestPki.gatewayTemplate("FR").notAfter(), false,
                Set.of(DIGITAL_SIGNATURE, KEY_AGREEMENT), true, true, List.of(), List.of("www.example.fr"), List.of(), List.of());
        byte[] signed = new CmsSigner(pki.issuedByRootCa("FR", webServer)).sign(MESSAGE);

        assertRefused(() -> pki.verifier().verify(signed, "FR"), SecurityErrorCode.NOT_A_GATEWAY_CERTIFICATE);
    }

    @Test
    void refusesAGatewayLikeCertificateThatCannotReceiveContentKeys() {
        byte[] signed = new CmsSigner(pki.issuedByRootCa("FR", TestPki.gatewayTemplate("FR")
                .withUsages(Set.of(DIGITAL_SIGNATURE)))).sign(MESSAGE);

        assertRefused(() -> pki.verifier().verify(signed, "FR"), SecurityErrorCode.NOT_A_GATEWAY_CERTIFICATE);
    }

    @Test
    void refusesAGatewayCertificateOfThePartyThatIsNotTheRegisteredOne() {
        // given FR's registered gateway certificate, and a second one from FR's own CA, in the profile
        CmsVerifier pinned = verifierPinning("FR", Fingerprints.sha256(pki.gateway("FR").certificate()));
        KeyMaterial second = pki.issuedByRootCa("FR", TestPki.gatewayTemplate("FR"));

        // then the registered one signs for FR and the other does not
        assertThat(pinned.verify(pki.signer("FR").sign(MESSAGE), "FR").sender().party()).isEqualTo("FR");
        assertRefused(() -> pinned.verify(new CmsSigner(second).sign(MESSAGE), "FR"),
                SecurityErrorCode.GATEWAY_NOT_REGISTERED);
    }

    @Test
    void acceptsAFingerprintWrittenWithColonsAndCapitals() {
        String hex = Fingerprints.sha256(pki.gateway("FR").certificate()).toUpperCase();
        String withColons = String.join(":", hex.split("(?<=\\G..)"));

        assertThat(verifierPinning("FR", withColons).verify(pki.signer("FR").sign(MESSAGE), "FR").sender().party())
                .isEqualTo("FR");
    }

    @Test
    void refusesACertificateNotYetValidWithItsOwnCode() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        KeyMaterial early = pki.issuedByRootCa("FR", TestPki.gatewayTemplate("FR")
                .withValidity(now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(30))));

        assertRefused(() -> pki.validator().validateGateway(early.certificate(), List.of(), now, "FR"),
                SecurityErrorCode.CERTIFICATE_NOT_YET_VALID);
        assertRefused(() -> pki.verifier().verify(new CmsSigner(early).sign(MESSAGE), "FR"),
                SecurityErrorCode.CERTIFICATE_NOT_YET_VALID);
    }

    @ParameterizedTest
    @FieldSource("OFFICER_ROLES")
    void refusesAnOfficerAsTlsClientAtTheHandshakeAndSaysWhy(String role) throws Exception {
        List<String> refusals = new CopyOnWriteArrayList<>();
        SSLContext server = PartyTls.serverContext(pki.gateway("GB"), pki.validator(),
                (party, reason) -> refusals.add(party + " " + reason.code()));
        SSLContext client = PartyTls.clientContext(pki.officer("FR", role), pki.validator(), "GB");

        assertThatThrownBy(() -> handshake(server, client)).isInstanceOf(Exception.class);
        assertThat(refusals).containsExactly("FR NOT_A_GATEWAY_CERTIFICATE");
    }

    @Test
    void refusesABackEndSystemAsTlsClientAtTheHandshakeAndSaysWhy() throws Exception {
        List<String> refusals = new CopyOnWriteArrayList<>();
        SSLContext server = PartyTls.serverContext(pki.gateway("GB"), pki.validator(),
                (party, reason) -> refusals.add(party + " " + reason.code()));
        SSLContext client = PartyTls.clientContext(pki.system("FR"), pki.validator(), "GB");

        assertThatThrownBy(() -> handshake(server, client)).isInstanceOf(Exception.class);
        assertThat(refusals).containsExactly("FR NOT_A_GATEWAY_CERTIFICATE");
    }

    @Test
    void aClientRefusesAServerPresentingAnOfficerCertificateOfTheExpectedParty() {
        SSLContext server = PartyTls.serverContext(pki.officer("FR", "administrator"), pki.validator());
        SSLContext client = PartyTls.clientContext(pki.gateway("GB"), pki.validator(), "FR");

        assertThatThrownBy(() -> handshake(server, client)).isInstanceOf(Exception.class);
    }

    @Test
    void theGatewaysStillHandshake() throws Exception {
        SSLContext server = PartyTls.serverContext(pki.gateway("GB"), pki.validator());
        SSLContext client = PartyTls.clientContext(pki.gateway("FR"), pki.validator(), "GB");

        handshake(server, client);
    }

    private CmsVerifier verifierPinning(String party, String fingerprint) {
        CertificateValidator validator = new CertificateValidator(pki.trust(), null, Clock.systemUTC(),
                Map.of(party, List.of(fingerprint)));
        return new CmsVerifier(validator);
    }

    private static void assertRefused(Runnable action, SecurityErrorCode code) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(SecurityCheckException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
