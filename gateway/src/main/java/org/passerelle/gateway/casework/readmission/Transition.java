package org.passerelle.gateway.casework.readmission;

import java.time.Instant;

/** One recorded transition of a case. */
record Transition(ReadmissionState from, ReadmissionState to, CaseEvent event, String messageId, String actor,
                  Instant at) {
}
