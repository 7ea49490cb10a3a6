package org.passerelle.gateway.ledger;

import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The equivalence ledger ({@code passerelle.ledger}).
 *
 * @param policy                 the policy in force with every partner that has none of its own
 * @param partnerPolicies        party code → the policy in force with that partner
 * @param periodStart            the first day of the first counting period (periods follow each other from here)
 * @param periodLength           the length of a counting period, e.g. {@code P6M} for the 10,000-in-six-months cap
 * @param weeklyStatements       whether the node sends each partner a statement of the last ISO week by itself
 * @param statementCheckInterval how often the node checks whether last week's statements have been sent
 */
@ConfigurationProperties("passerelle.ledger")
public record LedgerProperties(
        @DefaultValue Policy policy,
        @DefaultValue Map<String, Policy> partnerPolicies,
        @DefaultValue("2026-01-01") LocalDate periodStart,
        @DefaultValue("P6M") Period periodLength,
        @DefaultValue("true") boolean weeklyStatements,
        @DefaultValue("1h") Duration statementCheckInterval) {

    public Policy policyFor(String partner) {
        return partnerPolicies.getOrDefault(partner, policy);
    }

    /**
     * A policy: the balance rule and the caps.
     *
     * @param kind       {@code ONE_FOR_ONE} (one admission for each return), {@code FAIR_SHARE} (admissions held to
     *                   {@code returns}:{@code admissions}) or {@code WEEKLY_CAP} (at most {@code weeklyCap} returns
     *                   in an ISO week)
     * @param returns    the returns term of a fair-share ratio
     * @param admissions the admissions term of a fair-share ratio
     * @param weeklyCap  the most returns in one ISO week under {@code WEEKLY_CAP}
     * @param periodCap  the most admissions in one counting period (0: no cap), e.g. 10,000 in six months
     * @param nearBreach the share of a limit at which a near-breach is alerted (0.9 = 90 %)
     */
    public record Policy(
            @DefaultValue("ONE_FOR_ONE") Kind kind,
            @DefaultValue("1") int returns,
            @DefaultValue("1") int admissions,
            @DefaultValue("50") int weeklyCap,
            @DefaultValue("0") int periodCap,
            @DefaultValue("0.9") double nearBreach) {
    }

    public enum Kind {
        ONE_FOR_ONE, FAIR_SHARE, WEEKLY_CAP
    }
}
