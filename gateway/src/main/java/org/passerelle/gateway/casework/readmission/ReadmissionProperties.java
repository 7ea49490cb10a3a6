package org.passerelle.gateway.casework.readmission;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Readmission casework settings, under {@code passerelle.readmission}. The rules agreed with each partner (who may be
 * returned, exclusions, clocks) are the agreement's ({@code agreement.Scheme}), per phase.
 *
 * @param enabled       whether this node keeps readmission cases and enforces their rules and transitions
 * @param checkInterval how often the legal clocks are checked
 * @param dueSoonWithin a deadline this close is listed as due soon
 */
@ConfigurationProperties("passerelle.readmission")
record ReadmissionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1m") Duration checkInterval,
        @DefaultValue("3d") Duration dueSoonWithin) {
}
