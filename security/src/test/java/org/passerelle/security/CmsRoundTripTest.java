package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.passerelle.security.testing.TestPki;

/** Sign-then-encrypt and decrypt-then-verify between parties, EC and RSA, small and large messages. */
class CmsRoundTripTest {

    private final TestPki pki = TestPki.shared();

    @ParameterizedTest(name = "{0} to {1}, {2} bytes")
    @CsvSource({"GB, FR, 2048", "FR, GB, 2048", "GB, FR, 1048576", "FR, GB, 1048576", "BE, GB, 0"})
    void deliversTheExactSignedBytesBetweenEcGateways(String from, String to, int size) {
        // given
        byte[] message = TestPki.payload(size);
        KeyMaterial recipient = pki.gateway(to);

        // when
        byte[] wire = pki.encryptor().encrypt(pki.signer(from).sign(message), recipient.certificate());
        VerifiedMessage received = pki.verifier().verify(new CmsDecryptor(recipient).decrypt(wire), from);

        // then
        assertThat(received.content()).isEqualTo(message);
        assertThat(received.sender().party()).isEqualTo(from);
        assertThat(received.sender().certificate()).isEqualTo(pki.gateway(from).certificate());
        assertThat(received.sender().signingTime()).isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now());
    }

    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({"GB, FR", "FR, GB"})
    void deliversBetweenRsaGatewaysWithPssAndOaep(String from, String to) {
        // given
        byte[] message = TestPki.payload(2048);
        KeyMaterial recipient = pki.gatewayRsa(to);

        // when
        byte[] wire = pki.encryptor().encrypt(new CmsSigner(pki.gatewayRsa(from)).sign(message), recipient.certificate());
        VerifiedMessage received = pki.verifier().verify(new CmsDecryptor(recipient).decrypt(wire), from);

        // then
        assertThat(received.content()).isEqualTo(message);
        assertThat(received.sender().certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void refusesToEncryptForNoRecipientAsALocalFailure() {
        assertThatThrownBy(() -> pki.encryptor().encrypt(TestPki.payload(16), List.of()))
                .isInstanceOfSatisfying(SecurityCheckException.class, e -> {
                    assertThat(e.code()).isEqualTo(SecurityErrorCode.OPERATION_FAILED);
                    assertThat(e.code().httpStatus()).isEqualTo(500);
                });
    }

    @Test
    void mixesAnRsaSignerWithAnEcRecipient() {
        byte[] message = TestPki.payload(4096);

        byte[] wire = pki.encryptor().encrypt(new CmsSigner(pki.gatewayRsa("GB")).sign(message), pki.gateway("FR").certificate());
        VerifiedMessage received = pki.verifier().verify(pki.decryptor("FR").decrypt(wire), "GB");

        assertThat(received.content()).isEqualTo(message);
    }

    @Test
    void streamsSignEncryptDecryptVerifyOfALargeMessage() {
        // given
        byte[] message = TestPki.payload(3 * 1024 * 1024 + 7);
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
        ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
        ByteArrayOutputStream content = new ByteArrayOutputStream();

        // when
        pki.signer("GB").sign(new ByteArrayInputStream(message), signed);
        pki.encryptor().encrypt(new ByteArrayInputStream(signed.toByteArray()), encrypted, pki.gateway("FR").certificate());
        pki.decryptor("FR").decrypt(new ByteArrayInputStream(encrypted.toByteArray()), decrypted);
        VerifiedSender sender = pki.verifier().verify(new ByteArrayInputStream(decrypted.toByteArray()), content, "GB");

        // then
        assertThat(content.toByteArray()).isEqualTo(message);
        assertThat(sender.party()).isEqualTo("GB");
    }

    @Test
    void theByteArrayFormsTakeOnlyDerWhichTheStreamedFormsAlsoRead() {
        // given a message signed and encrypted by the byte-array (DER, the wire's) forms
        byte[] message = TestPki.payload(10_000);
        byte[] signed = pki.signer("FR").sign(message);
        byte[] encrypted = pki.encryptor().encrypt(signed, pki.gateway("GB").certificate());

        // then the streamed forms read it, and a streamed (BER) SignedData is refused by the byte-array verifier
        ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
        pki.decryptor("GB").decrypt(new ByteArrayInputStream(encrypted), decrypted);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        assertThat(pki.verifier().verify(new ByteArrayInputStream(decrypted.toByteArray()), content, "FR").party())
                .isEqualTo("FR");
        assertThat(content.toByteArray()).isEqualTo(message);
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        pki.signer("FR").sign(new ByteArrayInputStream(message), streamed);
        assertThatThrownBy(() -> pki.verifier().verify(streamed.toByteArray(), "FR"))
                .isInstanceOfSatisfying(SecurityCheckException.class, e -> assertThat(e.code()).isEqualTo(SecurityErrorCode.CMS_NOT_DER));
    }

}
