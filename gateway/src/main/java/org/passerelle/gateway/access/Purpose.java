package org.passerelle.gateway.access;

/**
 * Why a person queries records: the fixed list a liaison officer (and anyone else querying personal data) chooses
 * from. Recorded with every query in the audit log.
 */
public enum Purpose {
    /** Preparing or answering a readmission request. */
    READMISSION_CASE,
    /** Assessing an admission through the safe legal route. */
    ADMISSION_CASE,
    /** Confirming a person's identity against a biometric search result. */
    IDENTITY_VERIFICATION,
    /** Following up a delivery or a discrepancy with the partner state. */
    PARTNER_LIAISON,
    /** Reviewing the gateway's handling of data for compliance. */
    COMPLIANCE_REVIEW
}
