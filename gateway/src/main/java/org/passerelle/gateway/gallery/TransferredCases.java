package org.passerelle.gateway.gallery;

import java.time.Instant;
import java.util.Optional;

/**
 * The readmission cases this node requested that ended with the person transferred, whom the gallery enrols as
 * previously returned. Owned here and implemented by the readmission casework, which keeps the cases.
 */
public interface TransferredCases {

    /**
     * The case this node requested under this reference with this partner, if it is TRANSFERRED; empty for a case
     * this node did not request or that did not reach TRANSFERRED.
     */
    Optional<Transferred> transferred(String caseReference, String partner);

    /**
     * @param requestMessageId the case's latest request, whose fingerprints are enrolled
     * @param at               when the case last changed (its transfer)
     */
    record Transferred(String requestMessageId, Instant at) {
    }
}
