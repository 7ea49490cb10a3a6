package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.passerelle.security.pki.DevCertificates.Usage.DIGITAL_SIGNATURE;
import static org.passerelle.security.pki.DevCertificates.Usage.KEY_AGREEMENT;
import static org.passerelle.security.pki.DevCertificates.Usage.KEY_ENCIPHERMENT;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.security.pki.DevCertificates;
import org.passerelle.security.testing.ForgedCms;
import org.passerelle.security.testing.TestPki;

/** One forgery per verification check: each tampers with one thing and expects exactly one error code. */
class CmsSignatureForgeryTest {

    private static final byte[] MESSAGE = ("<envelope><from>GB</from><to>FR</to><body>readmission request 42</body></envelope>"
            + "x".repeat(2000)).getBytes(StandardCharsets.UTF_8);

    private final TestPki pki = TestPki.shared();
    private final CmsVerifier verifier = pki.verifier();

    @Test
    void acceptsTheUntamperedMessage() {
        assertThat(verifier.verify(pki.signer("GB").sign(MESSAGE), "GB").content()).isEqualTo(MESSAGE);
    }

    @Test
    void rejectsPayloadChangedAfterSigning() {
        // given a signed message whose content gets one bit flipped
        byte[] signed = pki.signer("GB").sign(MESSAGE);
        int at = ForgedCms.indexOf(signed, "readmission request 42".getBytes(StandardCharsets.UTF_8));
        byte[] tampered = ForgedCms.flip(signed, at + 20);

        // when / then
        assertRefused(() -> verifier.verify(tampered, "GB"), SecurityErrorCode.SIGNATURE_INVALID);
    }

    @Test
    void rejectsSignerInfoNamingAnotherCertificateThanTheKeyThatSigned() {
        // given the GB gateway's key signing but the SignerInfo naming the GB caseworker's certificate
        KeyMaterial gateway = pki.gateway("GB");
        KeyMaterial caseworker = pki.officer("GB", "caseworker");
        byte[] forged = ForgedCms.signed(MESSAGE, gateway, "SHA256withECDSA", caseworker.certificate(),
                List.of(caseworker.certificate()), true);

        assertRefused(() -> verifier.verify(forged, "GB"), SecurityErrorCode.SIGNER_MISMATCH);
    }

    @Test
    void rejectsSignatureWhoseCertificateIsNotIncluded() {
        KeyMaterial gateway = pki.gateway("GB");
        byte[] forged = ForgedCms.signed(MESSAGE, gateway, "SHA256withECDSA", gateway.certificate(), List.of(), true);

        assertRefused(() -> verifier.verify(forged, "GB"), SecurityErrorCode.SIGNER_MISMATCH);
    }

    @Test
    void rejectsCertificateFromASelfMadeCaThatLooksLikeTheParty() {
        byte[] signed = new CmsSigner(TestPki.fromRogueCa("GB")).sign(MESSAGE);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.CHAIN_UNTRUSTED);
    }

    @Test
    void rejectsCertificateBoundToGbButIssuedByFrancesCa() {
        KeyMaterial forged = pki.issuedByRootCa("FR", TestPki.gatewayTemplate("GB"));
        byte[] signed = new CmsSigner(forged).sign(MESSAGE);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.CHAIN_UNTRUSTED);
    }

    @Test
    void rejectsCertificateExpiredAtSigningTime() {
        byte[] signed = pki.signer("GB").sign(MESSAGE);
        byte[] byExpired = new CmsSigner(pki.expired("GB")).sign(MESSAGE);

        assertThat(verifier.verify(signed, "GB")).isNotNull();
        assertRefused(() -> verifier.verify(byExpired, "GB"), SecurityErrorCode.CERTIFICATE_EXPIRED);
    }

    @Test
    void rejectsCertificateValidAtSigningTimeButExpiredNow() {
        // given a signature made two days ago, when the certificate (expired yesterday) was still valid
        byte[] signed = TestPki.signerAt(pki.expired("GB"), Instant.now().minus(Duration.ofDays(2))).sign(MESSAGE);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.CERTIFICATE_EXPIRED);
    }

    @Test
    void rejectsCertificateValidAtSigningTimeWhenTheVerifierLivesPastItsExpiry() {
        // given a valid signature, checked by a node whose clock is two years ahead (certificates last one)
        byte[] signed = pki.signer("GB").sign(MESSAGE);
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(730));
        CmsVerifier future = new CmsVerifier(new CertificateValidator(pki.trust(), later), later,
                CmsVerifier.DEFAULT_CLOCK_SKEW, Duration.ofDays(1000));

        assertRefused(() -> future.verify(signed, "GB"), SecurityErrorCode.CERTIFICATE_EXPIRED);
    }

    @Test
    void rejectsRevokedCertificate() {
        byte[] signed = new CmsSigner(pki.revoked("GB")).sign(MESSAGE);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.CERTIFICATE_REVOKED);
    }

    @Test
    void rejectsWhenTheIssuerHasNoCrl() {
        CmsVerifier withoutCrl = new CmsVerifier(new CertificateValidator(pki.trustWithCrls("GB", List.of())));
        byte[] signed = pki.signer("GB").sign(MESSAGE);

        assertRefused(() -> withoutCrl.verify(signed, "GB"), SecurityErrorCode.REVOCATION_UNAVAILABLE);
    }

    @Test
    void rejectsWhenTheIssuersCrlIsStale() {
        CmsVerifier withStaleCrl = new CmsVerifier(new CertificateValidator(pki.trustWithCrls("GB", List.of(pki.staleCrl("GB")))));
        byte[] signed = pki.signer("GB").sign(MESSAGE);

        assertRefused(() -> withStaleCrl.verify(signed, "GB"), SecurityErrorCode.REVOCATION_UNAVAILABLE);
    }

    @Test
    void rejectsCrlSignedByAnotherCa() {
        // given FR's CRL relabelled as GB's is not possible without GB's key; a CRL naming GB's CA signed by FR's is
        KeyMaterial frCa = pki.rootCa("FR");
        KeyMaterial gbCa = pki.rootCa("GB");
        java.security.cert.X509CRL forgedCrl = DevCertificates.crl(gbCa.certificate(), frCa.privateKey(),
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)), List.of(), "SHA384withECDSA");
        CmsVerifier verifierWithForgedCrl = new CmsVerifier(new CertificateValidator(pki.trustWithCrls("GB", List.of(forgedCrl))));

        assertRefused(() -> verifierWithForgedCrl.verify(new CmsSigner(pki.revoked("GB")).sign(MESSAGE), "GB"),
                SecurityErrorCode.REVOCATION_UNAVAILABLE);
    }

    @Test
    void rejectsSignatureByAnotherPartyThanClaimed() {
        byte[] signedByFrance = pki.signer("FR").sign(MESSAGE);

        assertRefused(() -> verifier.verify(signedByFrance, "GB"), SecurityErrorCode.PARTY_MISMATCH);
    }

    @Test
    void rejectsCertificateBoundToNoParty() {
        var template = TestPki.gatewayTemplate("GB");
        var unbound = new DevCertificates.Template("CN=nobody,O=Passerelle tests", template.notBefore(), template.notAfter(), false,
                template.usages(), true, true, List.of(), List.of(), List.of(), List.of());
        byte[] signed = new CmsSigner(pki.issuedByRootCa("GB", unbound)).sign(MESSAGE);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.PARTY_MISMATCH);
    }

    @Test
    void rejectsSha1Signature() {
        byte[] signed = ForgedCms.signedWith(MESSAGE, pki.gateway("GB"), "SHA1withECDSA");

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsRsa1024SignerKey() {
        KeyMaterial weak = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB").withUsages(Set.of(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT)),
                DevCertificates.rsaKeyPair(1024), "SHA384withECDSA");
        byte[] signed = ForgedCms.signedWith(MESSAGE, weak, "SHA256withRSA");

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.ALGORITHM_NOT_ALLOWED);
        assertRefused(() -> new CmsSigner(weak), SecurityErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsSignerCertificateItselfSignedWithSha1() {
        KeyMaterial sha1Certificate = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB"),
                DevCertificates.ecKeyPair("secp256r1"), "SHA1withECDSA");
        byte[] signed = new CmsSigner(sha1Certificate).sign(MESSAGE);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsEcKeyOutsideP256AndP384() {
        KeyMaterial p521 = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB"), DevCertificates.ecKeyPair("secp521r1"), "SHA384withECDSA");
        byte[] signed = ForgedCms.signedWith(MESSAGE, p521, "SHA512withECDSA");

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsCertificateWithoutDigitalSignatureKeyUsage() {
        KeyMaterial agreementOnly = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB").withUsages(Set.of(KEY_AGREEMENT)));
        byte[] signed = new CmsSigner(agreementOnly).sign(MESSAGE);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.KEY_USAGE_INVALID);
    }

    @Test
    void rejectsSignatureWithoutSigningTime() {
        KeyMaterial gateway = pki.gateway("GB");
        byte[] signed = ForgedCms.signed(MESSAGE, gateway, "SHA256withECDSA", gateway.certificate(), List.of(gateway.certificate()), false);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.SIGNING_TIME_MISSING);
    }

    @Test
    void rejectsSigningTimeInTheFuture() {
        byte[] signed = TestPki.signerAt(pki.gateway("GB"), Instant.now().plus(Duration.ofHours(1))).sign(MESSAGE);

        assertRefused(() -> verifier.verify(signed, "GB"), SecurityErrorCode.SIGNING_TIME_SKEWED);
    }

    @Test
    void rejectsSigningTimeOlderThanTheAcceptedAge() {
        CmsVerifier strict = new CmsVerifier(pki.validator(), Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofHours(1));
        byte[] signed = TestPki.signerAt(pki.gateway("GB"), Instant.now().minus(Duration.ofHours(2))).sign(MESSAGE);

        assertRefused(() -> strict.verify(signed, "GB"), SecurityErrorCode.SIGNING_TIME_SKEWED);
    }

    @ParameterizedTest(name = "truncated to {0}")
    @ValueSource(doubles = {0.0, 0.001, 0.01, 0.25, 0.5, 0.9, 0.999})
    void rejectsTruncatedDer(double fraction) {
        byte[] signed = pki.signer("GB").sign(MESSAGE);
        byte[] truncated = java.util.Arrays.copyOf(signed, Math.min(signed.length - 1, (int) (signed.length * fraction)));

        assertRefused(() -> verifier.verify(truncated, "GB"), SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void rejectsTruncatedDerOneByteShort() {
        byte[] signed = pki.signer("GB").sign(MESSAGE);

        assertRefused(() -> verifier.verify(java.util.Arrays.copyOf(signed, signed.length - 1), "GB"), SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void rejectsGarbage() {
        byte[] random = new byte[4096];
        new java.util.Random(42).nextBytes(random);

        assertRefused(() -> verifier.verify(random, "GB"), SecurityErrorCode.CMS_MALFORMED);
        assertRefused(() -> verifier.verify(new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, "GB"),
                SecurityErrorCode.CMS_MALFORMED);
        assertRefused(() -> verifier.verify(MESSAGE, "GB"), SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void rejectsWellFormedDerOfAnotherKind() throws CertificateEncodingException {
        assertRefused(() -> verifier.verify(pki.gateway("GB").certificate().getEncoded(), "GB"), SecurityErrorCode.CMS_MALFORMED);
        byte[] encrypted = pki.encryptor().encrypt(MESSAGE, pki.gateway("GB").certificate());
        assertRefused(() -> verifier.verify(encrypted, "GB"), SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void rejectsTrailingBytesAfterTheSignedData() {
        byte[] signed = pki.signer("GB").sign(MESSAGE);
        byte[] extended = java.util.Arrays.copyOf(signed, signed.length + 3);

        assertRefused(() -> verifier.verify(extended, "GB"), SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void rejectsTruncatedStream() {
        byte[] signed = pki.signer("GB").sign(MESSAGE);
        byte[] truncated = java.util.Arrays.copyOf(signed, signed.length / 2);

        assertRefused(() -> verifier.verify(new java.io.ByteArrayInputStream(truncated), new java.io.ByteArrayOutputStream(), "GB"),
                SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void neverShowsProviderTextInTheMessage() {
        SecurityCheckException refused = catchThrowableOfType(SecurityCheckException.class,
                () -> verifier.verify(new byte[] {0x30, 0x03, 0x02, 0x01}, "GB"));

        assertThat(refused.getMessage()).startsWith("CMS_MALFORMED: ").isEqualTo("CMS_MALFORMED: " + refused.details());
    }

    static void assertRefused(ThrowingCallable call, SecurityErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SecurityCheckException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
