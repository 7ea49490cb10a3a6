package org.passerelle.contracts;

import java.util.List;
import org.passerelle.contracts.biometrics.NistTransactionCheck;

/** The checks of one contract version that its schemas cannot express, run on a schema-valid envelope. */
interface EnvelopeRules {

    /** Cross-field rules (header against body, dates in order); every broken rule is returned. */
    List<Violation> check(Object envelope, ElementLocations where);

    /**
     * Runs the transaction check on every biometric set of the envelope and throws its refusal, each violation placed
     * at the path of the biometric set it concerns.
     */
    void checkBiometrics(Object envelope, ElementLocations where, NistTransactionCheck check);
}
