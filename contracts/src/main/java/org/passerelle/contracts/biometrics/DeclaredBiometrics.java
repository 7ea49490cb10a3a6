package org.passerelle.contracts.biometrics;

import java.util.List;

/**
 * What a message body states about the transaction it carries: its fingerprint records and whether a facial or an iris
 * image is present.
 */
public record DeclaredBiometrics(List<DeclaredFingerprint> fingerprints, boolean facialImage, boolean irisImage) {

    public DeclaredBiometrics {
        fingerprints = List.copyOf(fingerprints);
    }
}
