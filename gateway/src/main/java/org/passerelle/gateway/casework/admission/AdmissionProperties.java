package org.passerelle.gateway.casework.admission;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Admission cases on the legal route ({@code passerelle.admission}).
 *
 * @param presenceWindow      how long after the referral's receipt the applicant has to confirm presence in the
 *                            partner state before the case lapses (24 hours under the UK–France agreement)
 * @param lapseCheckInterval  how often the node looks for cases whose presence window has ended
 * @param enforceTransitions  refuse messages that break the admission state machine; {@code false} only follows
 *                            them (for transport tests that send unrelated sample messages)
 */
@ConfigurationProperties("passerelle.admission")
public record AdmissionProperties(
        @DefaultValue("24h") Duration presenceWindow,
        @DefaultValue("1m") Duration lapseCheckInterval,
        @DefaultValue("true") boolean enforceTransitions) {
}
