package org.passerelle.gateway.casework.readmission;

import java.time.Instant;

/** One readmission case as this node keeps it. */
record ReadmissionCase(long id, String caseReference, String partner, Role role, ReadmissionState state,
                       ReadmissionState suspendedFrom, String conversationId, String requestMessageId,
                       Instant arrivedAt, Instant requestedAt, Instant receiptAt, boolean exceptional,
                       Instant replyDue, Instant processDue, Instant createdAt, Instant updatedAt) {

    /** Which side of the case this node is on. */
    enum Role {
        /** This node's party proposed the readmission (sent the request). */
        REQUESTING,
        /** This node's party was asked to readmit (received the request) and decides. */
        REQUESTED
    }

    ReadmissionCase with(ReadmissionState next) {
        return new ReadmissionCase(id, caseReference, partner, role, next, suspendedFrom, conversationId,
                requestMessageId, arrivedAt, requestedAt, receiptAt, exceptional, replyDue, processDue, createdAt,
                updatedAt);
    }
}
