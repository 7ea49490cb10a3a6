package org.passerelle.gateway.casework.admission;

import static org.passerelle.gateway.casework.admission.AdmissionRole.DECIDING;
import static org.passerelle.gateway.casework.admission.AdmissionRole.REFERRING;
import static org.passerelle.gateway.casework.admission.AdmissionState.APPROVED;
import static org.passerelle.gateway.casework.admission.AdmissionState.ARRIVED;
import static org.passerelle.gateway.casework.admission.AdmissionState.BIOMETRICS_CAPTURED;
import static org.passerelle.gateway.casework.admission.AdmissionState.ELIGIBILITY_CHECKED;
import static org.passerelle.gateway.casework.admission.AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED;
import static org.passerelle.gateway.casework.admission.AdmissionState.LAPSED;
import static org.passerelle.gateway.casework.admission.AdmissionState.PRESENCE_CONFIRMED;
import static org.passerelle.gateway.casework.admission.AdmissionState.REFUSED;
import static org.passerelle.gateway.casework.admission.AdmissionState.SECURITY_CHECKED;
import static org.passerelle.gateway.casework.admission.AdmissionState.WITHDRAWN;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The admission state machine as an explicit table: each row is (side, from state, event) → to state. Anything not
 * in the table is an illegal transition. Opening a case (the referral) is not a row: it has no from state.
 */
final class AdmissionTransitions {

    record Row(AdmissionRole role, AdmissionState from, AdmissionEvent event, AdmissionState to) {
    }

    static final List<Row> TABLE = table();

    private AdmissionTransitions() {
    }

    /** The state the event leads to from this state on this side, or empty when the transition is illegal. */
    static Optional<AdmissionState> next(AdmissionRole role, AdmissionState from, AdmissionEvent event) {
        return TABLE.stream().filter(r -> r.role() == role && r.from() == from && r.event() == event)
                .map(Row::to).findFirst();
    }

    private static List<Row> table() {
        List<Row> rows = new ArrayList<>(List.of(
                // The deciding side (the UK) walks every step.
                new Row(DECIDING, EXPRESSION_OF_INTEREST_RECEIVED, AdmissionEvent.PRESENCE_CONFIRMED, PRESENCE_CONFIRMED),
                new Row(DECIDING, EXPRESSION_OF_INTEREST_RECEIVED, AdmissionEvent.LAPSED, LAPSED),
                new Row(DECIDING, PRESENCE_CONFIRMED, AdmissionEvent.BIOMETRICS_ON_FILE, BIOMETRICS_CAPTURED),
                new Row(DECIDING, BIOMETRICS_CAPTURED, AdmissionEvent.ELIGIBLE, ELIGIBILITY_CHECKED),
                new Row(DECIDING, BIOMETRICS_CAPTURED, AdmissionEvent.INELIGIBLE, REFUSED),
                new Row(DECIDING, ELIGIBILITY_CHECKED, AdmissionEvent.SECURITY_CHECK_RECORDED, SECURITY_CHECKED),
                new Row(DECIDING, SECURITY_CHECKED, AdmissionEvent.APPROVED, APPROVED),
                new Row(DECIDING, SECURITY_CHECKED, AdmissionEvent.REFUSED, REFUSED),
                new Row(DECIDING, APPROVED, AdmissionEvent.ARRIVAL_CONFIRMED, ARRIVED),
                // The referring side (the partner state) sees only the messages: presence, biometrics and security
                // are steps of the deciding side, which the eligibility result and the decision imply.
                new Row(REFERRING, EXPRESSION_OF_INTEREST_RECEIVED, AdmissionEvent.ELIGIBLE, ELIGIBILITY_CHECKED),
                new Row(REFERRING, EXPRESSION_OF_INTEREST_RECEIVED, AdmissionEvent.INELIGIBLE, REFUSED),
                new Row(REFERRING, ELIGIBILITY_CHECKED, AdmissionEvent.APPROVED, APPROVED),
                new Row(REFERRING, ELIGIBILITY_CHECKED, AdmissionEvent.REFUSED, REFUSED),
                new Row(REFERRING, APPROVED, AdmissionEvent.ARRIVAL_CONFIRMED, ARRIVED)));
        // Withdrawal is possible from every open state, on either side.
        for (AdmissionRole role : AdmissionRole.values()) {
            for (AdmissionState s : AdmissionState.values()) {
                if (!s.terminal()) {
                    rows.add(new Row(role, s, AdmissionEvent.WITHDRAWN, WITHDRAWN));
                }
            }
        }
        return List.copyOf(rows);
    }

    /** Which side sends the message behind a message event: events the deciding side decides travel from it. */
    static AdmissionRole sender(AdmissionEvent event) {
        return event == AdmissionEvent.REFERRAL ? REFERRING : DECIDING;
    }

    static boolean terminal(AdmissionState state) {
        return state == ARRIVED || state.terminal();
    }
}
