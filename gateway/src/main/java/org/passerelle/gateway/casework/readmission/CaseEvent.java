package org.passerelle.gateway.casework.readmission;

/** What moves a readmission case: a message, its receipt, an authorised user action, or the clock. */
enum CaseEvent {
    /** A ReadmissionRequest was accepted (sent at intake on the requesting side, received on the requested side). */
    REQUEST,
    /** The request's receipt: verified on the requesting side, given on the requested side. */
    RECEIPT,
    DECISION_ACCEPTED,
    DECISION_REFUSED,
    DECISION_MORE_INFORMATION,
    /** TransferStatus SCHEDULED or RESCHEDULED. */
    TRANSFER_SCHEDULED,
    /** TransferStatus FAILED: the case goes back to accepted, awaiting a new date. */
    TRANSFER_FAILED,
    TRANSFER_COMPLETED,
    /** A legal challenge: TransferStatus or CaseStatusUpdate SUSPENDED, or the suspend action. */
    SUSPEND,
    /** The resume action. */
    RESUME,
    /** TransferStatus CANCELLED, CaseStatusUpdate WITHDRAWN, or the cancel action. */
    CANCEL,
    /** The whole-process limit passed (the clock), or TransferStatus CANCELLED with reason TIME_LIMIT_EXPIRED. */
    EXPIRE
}
