package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.security.CmsSignatureForgeryTest.assertRefused;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.security.testing.ForgedCms;
import org.passerelle.security.testing.TestPki;

/** Forgeries of the encryption layer: wrong recipient, tampered ciphertext or tag, malformed structures, weak choices. */
class CmsEncryptionForgeryTest {

    private static final byte[] MESSAGE = TestPki.payload(2048);
    private static final String AES128_GCM = "2.16.840.1.101.3.4.1.6";
    private static final String AES256_GCM = "2.16.840.1.101.3.4.1.46";
    private static final String AES128_WRAP = "2.16.840.1.101.3.4.1.5";
    private static final String AES256_WRAP = "2.16.840.1.101.3.4.1.45";

    private final TestPki pki = TestPki.shared();

    @Test
    void rejectsMessageEncryptedForAnotherRecipient() {
        byte[] forFrance = pki.encryptor().encrypt(MESSAGE, pki.gateway("FR").certificate());

        assertRefused(() -> pki.decryptor("BE").decrypt(forFrance), SecurityErrorCode.RECIPIENT_MISMATCH);
        assertRefused(() -> new CmsDecryptor(pki.gatewayRsa("FR")).decrypt(forFrance), SecurityErrorCode.RECIPIENT_MISMATCH);
    }

    @Test
    void rejectsCiphertextChangedInTransit() {
        byte[] encrypted = pki.encryptor().encrypt(MESSAGE, pki.gateway("FR").certificate());
        byte[] tampered = ForgedCms.flip(encrypted, encrypted.length - 1000);

        assertRefused(() -> pki.decryptor("FR").decrypt(tampered), SecurityErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void rejectsChangedAuthenticationTag() {
        byte[] encrypted = pki.encryptor().encrypt(MESSAGE, pki.gatewayRsa("FR").certificate());
        byte[] tampered = ForgedCms.flip(encrypted, ForgedCms.indexOf(encrypted, ForgedCms.macOf(encrypted)) + 3);

        assertRefused(() -> new CmsDecryptor(pki.gatewayRsa("FR")).decrypt(tampered), SecurityErrorCode.DECRYPTION_FAILED);
    }

    @Test
    void rejectsChangedCiphertextWhenStreaming() {
        byte[] encrypted = pki.encryptor().encrypt(MESSAGE, pki.gateway("FR").certificate());
        byte[] tampered = ForgedCms.flip(encrypted, encrypted.length - 1000);
        java.io.ByteArrayOutputStream plaintext = new java.io.ByteArrayOutputStream();

        assertRefused(() -> pki.decryptor("FR").decrypt(new java.io.ByteArrayInputStream(tampered), plaintext),
                SecurityErrorCode.DECRYPTION_FAILED);
        assertThat(plaintext.size()).as("no plaintext released before the tag is checked").isZero();
    }

    @ParameterizedTest(name = "truncated to {0}")
    @ValueSource(doubles = {0.0, 0.01, 0.1, 0.5, 0.99})
    void rejectsTruncatedDer(double fraction) {
        byte[] encrypted = pki.encryptor().encrypt(MESSAGE, pki.gateway("FR").certificate());
        byte[] truncated = Arrays.copyOf(encrypted, (int) (encrypted.length * fraction));

        assertRefused(() -> pki.decryptor("FR").decrypt(truncated), SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void rejectsGarbageAndSignedDataWhereEncryptedDataIsExpected() {
        byte[] random = new byte[1024];
        new java.util.Random(7).nextBytes(random);

        assertRefused(() -> pki.decryptor("FR").decrypt(random), SecurityErrorCode.CMS_MALFORMED);
        assertRefused(() -> pki.decryptor("FR").decrypt(pki.signer("GB").sign(MESSAGE)), SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void rejectsUnauthenticatedEnvelopedData() {
        byte[] cbc = ForgedCms.envelopedCbc(MESSAGE, pki.gatewayRsa("FR").certificate());

        assertRefused(() -> new CmsDecryptor(pki.gatewayRsa("FR")).decrypt(cbc), SecurityErrorCode.CMS_MALFORMED);
    }

    @Test
    void rejectsRsaPkcs1KeyTransport() {
        byte[] weak = ForgedCms.encryptedWithPkcs1KeyTransport(MESSAGE, pki.gatewayRsa("FR").certificate());

        assertRefused(() -> new CmsDecryptor(pki.gatewayRsa("FR")).decrypt(weak), SecurityErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void refusesToEncryptForACertificateWithoutKeyAgreement() {
        assertRefused(() -> pki.encryptor().encrypt(MESSAGE, pki.officer("FR", "caseworker").certificate()),
                SecurityErrorCode.KEY_USAGE_INVALID);
    }

    @Test
    void rejectsAes128GcmContentEncryption() {
        byte[] weak = ForgedCms.encryptedWith(MESSAGE, pki.gateway("FR").certificate(), AES128_GCM, AES256_WRAP);

        assertRefused(() -> pki.decryptor("FR").decrypt(weak), SecurityErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void rejectsAes128KeyWrap() {
        byte[] weak = ForgedCms.encryptedWith(MESSAGE, pki.gateway("FR").certificate(), AES256_GCM, AES128_WRAP);

        assertRefused(() -> pki.decryptor("FR").decrypt(weak), SecurityErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void acceptsTheWireProfileBuiltByAnotherEncoder() {
        byte[] profile = ForgedCms.encryptedWith(MESSAGE, pki.gateway("FR").certificate(), AES256_GCM, AES256_WRAP);

        assertThat(pki.decryptor("FR").decrypt(profile)).isEqualTo(MESSAGE);
    }

    @Test
    void rejectsAnIndefiniteLengthBerEnvelope() {
        byte[] ber = ForgedCms.asIndefiniteLengthBer(pki.encryptor().encrypt(MESSAGE, pki.gateway("FR").certificate()));

        assertRefused(() -> pki.decryptor("FR").decrypt(ber), SecurityErrorCode.CMS_NOT_DER);
    }

    @Test
    void rejectsAnIndefiniteLengthBerSignedData() {
        byte[] ber = ForgedCms.asIndefiniteLengthBer(pki.signer("GB").sign(MESSAGE));

        assertRefused(() -> pki.verifier().verify(ber, "GB"), SecurityErrorCode.CMS_NOT_DER);
    }

}
