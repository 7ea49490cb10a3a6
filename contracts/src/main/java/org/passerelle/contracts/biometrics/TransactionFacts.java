package org.passerelle.contracts.biometrics;

import java.util.List;
import java.util.Objects;

/**
 * What an ANSI/NIST-ITL transaction was found to hold, in the order of its records.
 *
 * @param transactionType the Type-1 type of transaction (TOT), e.g. {@code CAR} or {@code AMN}
 * @param fingerprints    every Type-4 and Type-14 record; quality is null where the transaction states none
 * @param facialImage     whether a Type-10 record holds a face
 * @param irisImage       whether a Type-17 record is present
 */
public record TransactionFacts(
        String transactionType, List<DeclaredFingerprint> fingerprints, boolean facialImage, boolean irisImage) {

    public TransactionFacts {
        Objects.requireNonNull(transactionType, "transactionType");
        fingerprints = List.copyOf(fingerprints);
    }

    /** The declaration a message body must carry for this transaction to pass {@link NistTransactionCheck#check}. */
    public DeclaredBiometrics asDeclared() {
        return new DeclaredBiometrics(fingerprints, facialImage, irisImage);
    }
}
