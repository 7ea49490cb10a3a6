package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.passerelle.security.CmsSignatureForgeryTest.assertRefused;
import static org.passerelle.security.pki.DevCertificates.Usage.DIGITAL_SIGNATURE;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.passerelle.security.OcspSettings.CertificateIdHash;
import org.passerelle.security.OcspSettings.PartyOcsp;
import org.passerelle.security.testing.MutableClock;
import org.passerelle.security.testing.TestOcspResponder;
import org.passerelle.security.testing.TestPki;

/** OCSP first where configured, trusted only when properly signed and current, cached, with CRLs as the fallback. */
class OcspRevocationTest {

    private final TestPki pki = TestPki.shared();
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final TestOcspResponder responder = TestOcspResponder.start(pki.rootCa("GB"), pki.ocspResponder("GB"), clock);
    private final KeyMaterial certificate = pki.issuedByRootCa("GB",
            TestPki.gatewayTemplate("GB").withOcspUrl(responder.uri().toString()));
    private final BigInteger serial = certificate.certificate().getSerialNumber();

    @AfterEach
    void stopTheResponder() {
        responder.close();
    }

    @Test
    void goodAnswerAcceptsTheCertificateWithoutAnyCrl() {
        CertificateValidator validator = validator(noCrl());

        assertThatNoException().isThrownBy(() -> validate(validator));
        assertThat(responder.requestCount()).isEqualTo(1);
    }

    @Test
    void revokedAnswerRefusesWithCertificateRevokedEvenWithACleanCrl() {
        responder.revoke(serial);
        CertificateValidator validator = validator(cleanCrl());

        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
    }

    @Test
    void unknownAnswerFallsBackToTheCrl() {
        responder.unknown(serial);

        assertUnavailableBecause(() -> validate(validator(noCrl())), "does not know the certificate");
        assertRefused(() -> validate(validator(crlRevokingTheCertificate())), SecurityErrorCode.CERTIFICATE_REVOKED);
        assertThatNoException().isThrownBy(() -> validate(validator(cleanCrl())));
    }

    @Test
    void responderDownFallsBackToTheCrl() {
        responder.close();

        assertThatNoException().isThrownBy(() -> validate(validator(cleanCrl())));
        assertRefused(() -> validate(validator(crlRevokingTheCertificate())), SecurityErrorCode.CERTIFICATE_REVOKED);
    }

    @ParameterizedTest
    @EnumSource(value = TestOcspResponder.Mode.class, names = {"GARBAGE", "TRY_LATER", "HTTP_503"})
    void malformedOrUnsuccessfulAnswerFallsBackToTheCrl(TestOcspResponder.Mode mode) {
        responder.mode(mode);

        assertThatNoException().isThrownBy(() -> validate(validator(cleanCrl())));
        assertRefused(() -> validate(validator(noCrl())), SecurityErrorCode.REVOCATION_UNAVAILABLE);
    }

    @Test
    void goodAnswerSignedByAForeignKeyIsNotTrusted() {
        // given a responder saying GOOD with a key the CA never certified, and a CRL revoking the certificate
        responder.mode(TestOcspResponder.Mode.FOREIGN_KEY);

        // then the CRL decides, and without one the answer is refused for its signer
        assertRefused(() -> validate(validator(crlRevokingTheCertificate())), SecurityErrorCode.CERTIFICATE_REVOKED);
        assertUnavailableBecause(() -> validate(validator(noCrl())), "not signed by the issuer or a responder it delegated to");
    }

    @Test
    void delegatedResponderWithoutTheOcspSigningEkuIsNotTrusted() {
        // given a responder certificate issued by the CA but without id-kp-OCSPSigning, saying GOOD
        KeyMaterial notDelegated = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB").withUsages(Set.of(DIGITAL_SIGNATURE)));
        try (TestOcspResponder impostor = TestOcspResponder.start(pki.rootCa("GB"), notDelegated, clock)) {
            KeyMaterial pointingThere = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB").withOcspUrl(impostor.uri().toString()));
            CertificateValidator validator = validator(List.of(pki.crl("GB", clock.instant().minus(Duration.ofMinutes(5)),
                    clock.instant().plus(Duration.ofDays(1)), List.of(pointingThere.certificate().getSerialNumber()))));

            // then the CRL decides
            assertRefused(() -> validator.validate(pointingThere.certificate(), List.of(), clock.instant(), "GB"),
                    SecurityErrorCode.CERTIFICATE_REVOKED);
            assertUnavailableBecause(() -> validator(noCrl()).validate(pointingThere.certificate(), List.of(), clock.instant(), "GB"),
                    "not signed by the issuer or a responder it delegated to");
        }
    }

    @Test
    void answerSignedByTheIssuerItselfIsTrusted() {
        responder.signWithCa(true);

        assertThatNoException().isThrownBy(() -> validate(validator(noCrl())));
    }

    @Test
    void answerNotEchoingOurNonceIsNotTrusted() {
        responder.echoNonce(false);

        assertUnavailableBecause(() -> validate(validator(noCrl())), "does not echo our nonce");
    }

    @Test
    void answerWhoseNextUpdateHasPassedIsNotTrusted() {
        responder.validity(Duration.ofMinutes(-1));

        assertUnavailableBecause(() -> validate(validator(noCrl())), "nextUpdate has passed");
    }

    @Test
    void sha1CertificateIdIsUnderstoodByResponders() {
        OcspChecker ocsp = new OcspChecker(OcspSettings.forParties(Map.of("GB", PartyOcsp.fromCertificates()))
                .withRequestForm(true, CertificateIdHash.SHA1), clock);

        assertThatNoException().isThrownBy(() -> validate(new CertificateValidator(trust(noCrl()), ocsp, clock)));
    }

    @Test
    void answerIsCachedSoASecondValidationMakesNoRequest() {
        CertificateValidator validator = validator(noCrl());

        validate(validator);
        validate(validator);

        assertThat(responder.requestCount()).isEqualTo(1);
    }

    @Test
    void revokedAnswerIsCachedToo() {
        responder.revoke(serial);
        CertificateValidator validator = validator(cleanCrl());

        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
        assertThat(responder.requestCount()).isEqualTo(1);
    }

    @Test
    void cachedAnswerExpiresAtItsNextUpdate() {
        // given answers valid ten minutes, and a GOOD answer cached
        responder.validity(Duration.ofMinutes(10));
        CertificateValidator validator = validator(noCrl());
        validate(validator);

        // when the certificate is revoked, nine minutes later the cache still answers; eleven minutes later it asks again
        responder.revoke(serial);
        clock.advance(Duration.ofMinutes(9));
        validate(validator);
        assertThat(responder.requestCount()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));

        // then
        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
        assertThat(responder.requestCount()).isEqualTo(2);
    }

    @Test
    void aGoodAnswerDoesNotOutweighACurrentCrlThatListsTheCertificate() {
        // given OCSP says GOOD, but the CA's current CRL already lists the certificate
        CertificateValidator validator = validator(crlRevokingTheCertificate());

        // then revoked by either source wins
        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
    }

    @Test
    void aGoodAnswerIsCachedNoLongerThanTheMaximumCacheAgeWhateverItsNextUpdate() {
        // given answers valid a week, and a maximum cache age of five minutes
        responder.validity(Duration.ofDays(7));
        OcspChecker ocsp = new OcspChecker(OcspSettings.forParties(Map.of("GB", PartyOcsp.fromCertificates()))
                .withMaxCacheAge(Duration.ofMinutes(5)), clock);
        CertificateValidator validator = new CertificateValidator(trust(noCrl()), ocsp, clock);
        validate(validator);

        // when the certificate is revoked and six minutes pass
        responder.revoke(serial);
        clock.advance(Duration.ofMinutes(6));

        // then the responder is asked again and its answer stands
        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
        assertThat(responder.requestCount()).isEqualTo(2);
    }

    @Test
    void answerWithoutNextUpdateIsCachedForTheMaximumCacheAge() {
        responder.validity(null);
        OcspChecker ocsp = new OcspChecker(OcspSettings.forParties(Map.of("GB", PartyOcsp.fromCertificates()))
                .withMaxCacheAge(Duration.ofMinutes(5)), clock);
        CertificateValidator validator = new CertificateValidator(trust(noCrl()), ocsp, clock);

        validate(validator);
        clock.advance(Duration.ofMinutes(4));
        validate(validator);
        assertThat(responder.requestCount()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));
        validate(validator);

        assertThat(responder.requestCount()).isEqualTo(2);
        assertThat(ocsp.cachedAnswers()).singleElement().satisfies(a -> {
            assertThat(a.serial()).isEqualTo(serial);
            assertThat(a.revoked()).isFalse();
            assertThat(a.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        });
    }

    @Test
    void configuredResponderIsAskedForACertificateNamingNone() {
        KeyMaterial withoutAia = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB"));
        OcspChecker ocsp = new OcspChecker(OcspSettings.forParties(Map.of("GB", PartyOcsp.at(responder.uri()))), clock);

        assertThatNoException().isThrownBy(() ->
                new CertificateValidator(trust(noCrl()), ocsp, clock).validate(withoutAia.certificate(), List.of(), clock.instant(), "GB"));
        assertThat(responder.requestCount()).isEqualTo(1);
    }

    @Test
    void partyWithoutOcspIsCheckedOnCrlsOnly() {
        OcspChecker ocsp = new OcspChecker(OcspSettings.forParties(Map.of("FR", PartyOcsp.fromCertificates())), clock);

        assertRefused(() -> validate(new CertificateValidator(trust(crlRevokingTheCertificate()), ocsp, clock)),
                SecurityErrorCode.CERTIFICATE_REVOKED);
        assertThat(responder.requestCount()).isZero();
    }

    @Test
    void withOcspAndCrlBothUnavailableRevocationIsUnavailable() {
        responder.close();

        assertRefused(() -> validate(validator(noCrl())), SecurityErrorCode.REVOCATION_UNAVAILABLE);
    }

    private static void assertUnavailableBecause(ThrowingCallable call, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SecurityCheckException.class, e -> {
            assertThat(e.code()).isEqualTo(SecurityErrorCode.REVOCATION_UNAVAILABLE);
            assertThat(e.details()).contains(reason);
        });
    }

    private CertificateValidator validator(List<X509CRL> gbCrls) {
        OcspChecker ocsp = new OcspChecker(OcspSettings.forParties(Map.of("GB", PartyOcsp.fromCertificates())), clock);
        return new CertificateValidator(trust(gbCrls), ocsp, clock);
    }

    private PartyTrust trust(List<X509CRL> gbCrls) {
        return PartyTrust.of(pki.trust().allAnchors(), gbCrls);
    }

    private void validate(CertificateValidator validator) {
        validator.validate(certificate.certificate(), List.of(), clock.instant(), "GB");
    }

    private static List<X509CRL> noCrl() {
        return List.of();
    }

    private List<X509CRL> cleanCrl() {
        return List.of(pki.crl("GB", clock.instant().minus(Duration.ofMinutes(5)), clock.instant().plus(Duration.ofDays(1)), List.of()));
    }

    private List<X509CRL> crlRevokingTheCertificate() {
        return List.of(pki.crl("GB", clock.instant().minus(Duration.ofMinutes(5)), clock.instant().plus(Duration.ofDays(1)), List.of(serial)));
    }
}
