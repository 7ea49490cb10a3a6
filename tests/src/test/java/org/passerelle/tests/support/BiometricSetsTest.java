package org.passerelle.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.contracts.biometrics.NistTransactionCheck;

/** The transactions tests build are ones the node's own checks read: another person's finger, another capture. */
class BiometricSetsTest {

    final NistTransactionCheck check = new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES);

    @Test
    void anotherPersonsFingerIsAValidSingleFingerTransaction() {
        byte[] transaction = BiometricSets.otherPerson();
        java.util.List<FingerprintImage> images = check.images(transaction);
        assertThat(images).hasSize(1);
        assertThat(images.get(0).position()).isEqualTo(2);
        assertThat(images.get(0).resolutionPpi()).isEqualTo(500);
        assertThat(check.describe(transaction).fingerprints()).hasSize(1);
    }

    @Test
    void aReferralCarryingAnotherTransactionDeclaresItExactlyAndDecodes() {
        byte[] referral = BiometricSets.withTransaction(Envelopes.sample("AdmissionReferral", "FR", "GB"),
                BiometricSets.otherPerson());
        assertThat(new MessageCodec(CodecLimits.defaults()).decode(referral).envelope().getBody()
                .getAdmissionReferral().getBiometricSet().getFingerprint()).hasSize(1);
        byte[] request = BiometricSets.withTransaction(Envelopes.sample("ReadmissionRequest", "GB", "FR"),
                BiometricSets.TENPRINT_CARD);
        assertThat(new String(request, StandardCharsets.UTF_8)).contains("<cmn:Position>10</cmn:Position>");
        assertThat(new MessageCodec(CodecLimits.defaults()).decode(request).envelope().getBody()
                .getReadmissionRequest().getBiometricSet().getFingerprint()).hasSize(14);
    }
}
