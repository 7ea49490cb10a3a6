package org.passerelle.gateway.casework.admission;

/** What moves an admission case: a message (sent by the side named), a user action, or the node's own clock. */
enum AdmissionEvent {
    /** AdmissionReferral, referring side to deciding side. */
    REFERRAL,
    /** A caseworker records that the applicant confirmed presence in the partner state (deciding side, action). */
    PRESENCE_CONFIRMED,
    /** The referral's biometric set is on file once presence is confirmed (deciding side, by the node). */
    BIOMETRICS_ON_FILE,
    /** EligibilityResult ELIGIBLE, deciding side to referring side. */
    ELIGIBLE,
    /** EligibilityResult INELIGIBLE. */
    INELIGIBLE,
    /** A caseworker records the outcome of the security checks (deciding side, action). */
    SECURITY_CHECK_RECORDED,
    /** AdmissionDecision APPROVED. */
    APPROVED,
    /** AdmissionDecision REFUSED. */
    REFUSED,
    /** ArrivalConfirmation. */
    ARRIVAL_CONFIRMED,
    /** The applicant withdrew (either side, action). */
    WITHDRAWN,
    /** Presence was not confirmed within the window (deciding side, by the node's clock). */
    LAPSED
}
