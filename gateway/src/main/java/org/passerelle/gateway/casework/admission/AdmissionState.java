package org.passerelle.gateway.casework.admission;

/** Where an admission case stands; {@link #terminal()} states take no further transition. */
enum AdmissionState {
    EXPRESSION_OF_INTEREST_RECEIVED,
    PRESENCE_CONFIRMED,
    BIOMETRICS_CAPTURED,
    ELIGIBILITY_CHECKED,
    SECURITY_CHECKED,
    APPROVED,
    REFUSED,
    ARRIVED,
    WITHDRAWN,
    LAPSED;

    boolean terminal() {
        return this == REFUSED || this == ARRIVED || this == WITHDRAWN || this == LAPSED;
    }
}
