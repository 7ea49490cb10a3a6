package org.passerelle.gateway.casework.readmission;

/** Where a readmission case stands on this node. */
enum ReadmissionState {
    /** Created by a request being accepted; left at once for {@link #REQUESTED}. */
    DRAFTED,
    /** The request was accepted at intake (requesting side); delivery not yet proven. */
    REQUESTED,
    /** The receipt proves delivery of the request: the partner's reply clock runs. */
    ACKNOWLEDGED,
    MORE_INFORMATION_REQUESTED,
    ACCEPTED,
    REFUSED,
    TRANSFER_SCHEDULED,
    TRANSFERRED,
    /** A legal challenge (appeal, injunction) holds the case; resuming returns it to the state it left. */
    SUSPENDED,
    CANCELLED,
    /** The whole-process time limit passed. */
    EXPIRED;

    /** No event moves a case out of a terminal state. */
    boolean terminal() {
        return this == REFUSED || this == TRANSFERRED || this == CANCELLED || this == EXPIRED;
    }
}
