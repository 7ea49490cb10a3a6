package org.passerelle.gateway.casework.readmission;

import static org.passerelle.gateway.casework.readmission.ReadmissionState.ACCEPTED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.ACKNOWLEDGED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.CANCELLED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.DRAFTED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.EXPIRED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.MORE_INFORMATION_REQUESTED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.REFUSED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.REQUESTED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.SUSPENDED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.TRANSFERRED;
import static org.passerelle.gateway.casework.readmission.ReadmissionState.TRANSFER_SCHEDULED;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The readmission state machine as one table: for each event, the states it may leave and the state it leads to.
 * Anything not in the table is an illegal transition. {@link CaseEvent#RESUME} leads back to the state the case was
 * suspended from.
 */
final class ReadmissionTransitions {

    /** States from which the case can still move on (neither terminal nor finished). */
    static final Set<ReadmissionState> OPEN = Set.of(REQUESTED, ACKNOWLEDGED, MORE_INFORMATION_REQUESTED, ACCEPTED,
            TRANSFER_SCHEDULED);

    private static final Map<CaseEvent, Map<ReadmissionState, ReadmissionState>> TABLE = new EnumMap<>(CaseEvent.class);

    static {
        on(CaseEvent.REQUEST, REQUESTED, DRAFTED, MORE_INFORMATION_REQUESTED);
        on(CaseEvent.RECEIPT, ACKNOWLEDGED, REQUESTED);
        // A decision normally follows the receipt; REQUESTED is allowed because the receipt's verification and the
        // partner's answer are separate messages whose order the network does not guarantee.
        on(CaseEvent.DECISION_ACCEPTED, ACCEPTED, REQUESTED, ACKNOWLEDGED);
        on(CaseEvent.DECISION_REFUSED, REFUSED, REQUESTED, ACKNOWLEDGED);
        on(CaseEvent.DECISION_MORE_INFORMATION, MORE_INFORMATION_REQUESTED, REQUESTED, ACKNOWLEDGED);
        on(CaseEvent.TRANSFER_SCHEDULED, TRANSFER_SCHEDULED, ACCEPTED, TRANSFER_SCHEDULED);
        on(CaseEvent.TRANSFER_FAILED, ACCEPTED, TRANSFER_SCHEDULED);
        on(CaseEvent.TRANSFER_COMPLETED, TRANSFERRED, TRANSFER_SCHEDULED);
        on(CaseEvent.SUSPEND, SUSPENDED, OPEN.toArray(ReadmissionState[]::new));
        on(CaseEvent.CANCEL, CANCELLED, REQUESTED, ACKNOWLEDGED, MORE_INFORMATION_REQUESTED, ACCEPTED,
                TRANSFER_SCHEDULED, SUSPENDED);
        // A suspended case is held by a court, not by the clock: it does not expire while suspended.
        on(CaseEvent.EXPIRE, EXPIRED, OPEN.toArray(ReadmissionState[]::new));
    }

    private ReadmissionTransitions() {
    }

    /**
     * The state {@code event} leads to from {@code from}, or empty when the transition is illegal.
     *
     * @param suspendedFrom the state a suspended case left (used by {@link CaseEvent#RESUME} only)
     */
    static Optional<ReadmissionState> next(ReadmissionState from, CaseEvent event, ReadmissionState suspendedFrom) {
        if (event == CaseEvent.RESUME) {
            return from == SUSPENDED && suspendedFrom != null ? Optional.of(suspendedFrom) : Optional.empty();
        }
        return Optional.ofNullable(TABLE.getOrDefault(event, Map.of()).get(from));
    }

    /** The table itself (event → from → to), for the API description and tests; RESUME is not in it. */
    static Map<CaseEvent, Map<ReadmissionState, ReadmissionState>> table() {
        return TABLE;
    }

    private static void on(CaseEvent event, ReadmissionState to, ReadmissionState... from) {
        Map<ReadmissionState, ReadmissionState> row = new EnumMap<>(ReadmissionState.class);
        for (ReadmissionState f : from) {
            row.put(f, to);
        }
        TABLE.put(event, row);
    }
}
