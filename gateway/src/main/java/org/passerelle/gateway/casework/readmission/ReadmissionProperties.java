package org.passerelle.gateway.casework.readmission;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Readmission casework settings, under {@code passerelle.readmission}.
 *
 * @param enabled       whether this node keeps readmission cases and enforces their rules and transitions
 * @param checkInterval how often the legal clocks are checked
 * @param dueSoonWithin a deadline this close is listed as due soon
 * @param partners      party code → the rules agreed with that partner; a partner not listed gets the
 *                      UK–France values ({@link Rules#standard()})
 */
@ConfigurationProperties("passerelle.readmission")
record ReadmissionProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1m") Duration checkInterval,
        @DefaultValue("3d") Duration dueSoonWithin,
        Map<String, Rules> partners) {

    ReadmissionProperties {
        partners = partners == null ? Map.of() : Map.copyOf(partners);
    }

    Rules rules(String partner) {
        return partners.getOrDefault(partner, Rules.standard());
    }

    /**
     * The readmission rules agreed with one partner.
     *
     * @param requestWithin          a request must leave within this time of the person's arrival
     * @param replyWithin            the partner's reply is due this long after the receipt of the request
     * @param exceptionalReplyWithin the same, once the partner has marked the case exceptional
     * @param processWithin          the whole process ends this long after arrival (three months: 92 days, the
     *                               longest three calendar months, so that no case is expired early)
     * @param exclusions             screening flags that stop a request (all five under the UK–France agreement)
     */
    record Rules(
            @DefaultValue("14d") Duration requestWithin,
            @DefaultValue("14d") Duration replyWithin,
            @DefaultValue("28d") Duration exceptionalReplyWithin,
            @DefaultValue("92d") Duration processWithin,
            @DefaultValue({"UNACCOMPANIED_CHILD", "EXCLUDING_MEDICAL_CONDITION", "PENDING_TRAFFICKING_REFERRAL",
                    "PENDING_HUMAN_RIGHTS_CLAIM", "SUSPENSIVE_APPEAL_OR_INJUNCTION"}) Set<Exclusion> exclusions) {

        static Rules standard() {
            return new Rules(Duration.ofDays(14), Duration.ofDays(14), Duration.ofDays(28), Duration.ofDays(92),
                    EnumSet.allOf(Exclusion.class));
        }
    }
}
