package org.passerelle.gateway.policy;

import java.time.ZoneId;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Biometric search limits as configured under {@code passerelle.search-limits}: defaults for every partner, and
 * per-partner overrides.
 *
 * @param searchesPerDay default daily cap of biometric search requests per partner, in each direction (Prüm's
 *                       tenprint figure: 100)
 * @param maxCandidates  default largest number of candidates (hits) a search response may list (the contract's
 *                       own maximum is 10)
 * @param zone           the time zone whose calendar day the caps count in
 * @param partners       party code → that partner's limits; an unset limit takes the default above
 */
@ConfigurationProperties("passerelle.search-limits")
record SearchLimitsProperties(
        @DefaultValue("100") int searchesPerDay,
        @DefaultValue("10") int maxCandidates,
        @DefaultValue("UTC") ZoneId zone,
        Map<String, PartnerLimits> partners) {

    SearchLimitsProperties {
        partners = partners == null ? Map.of() : Map.copyOf(partners);
        if (searchesPerDay < 0 || maxCandidates < 0) {
            throw new IllegalStateException("passerelle.search-limits: limits cannot be negative");
        }
    }

    /**
     * One partner's limits.
     *
     * @param outboundPerDay how many searches a day this node may send to the partner (checked at intake)
     * @param inboundPerDay  how many searches a day the partner may send to this node (checked at the inbox)
     * @param maxCandidates  the largest candidate list a response between this node and the partner may carry,
     *                       either way
     */
    record PartnerLimits(Integer outboundPerDay, Integer inboundPerDay, Integer maxCandidates) {
    }

    int perDay(String party, boolean inbound) {
        PartnerLimits limits = partners.get(party);
        Integer value = limits == null ? null : inbound ? limits.inboundPerDay() : limits.outboundPerDay();
        return value == null ? searchesPerDay : value;
    }

    int maxCandidates(String party) {
        PartnerLimits limits = partners.get(party);
        return limits == null || limits.maxCandidates() == null ? maxCandidates : limits.maxCandidates();
    }
}
