package org.passerelle.gateway.casework.admission;

import java.time.Instant;

/**
 * One admission case as this node keeps it. The biometric reference is a digest, kept to check the eligibility
 * registry; it is never shown by the API.
 */
record AdmissionCase(String caseReference, String partner, AdmissionRole role, AdmissionState state, String eoiId,
                     String biometricRef, String securityOutcome, Instant openedAt, Instant presenceDueAt,
                     Instant updatedAt, int version) {
}
