package org.passerelle.gateway.ledger;

import java.util.ArrayList;
import java.util.List;

/** The policy arithmetic: given the week's and the period's counts, which limits are breached or nearly so. */
final class EquivalencePolicy {

    enum Level { OK, NEAR_BREACH, BREACH }

    /** One limit's standing: the rule, its level, the numbers behind it. */
    record Finding(String rule, Level level, long value, long limit, String detail) {
    }

    record Counts(long returns, long admissions) {
    }

    private EquivalencePolicy() {
    }

    /** Every rule of the policy, assessed; a rule the policy does not have is absent. */
    static List<Finding> assess(LedgerProperties.Policy policy, Counts week, Counts period) {
        List<Finding> findings = new ArrayList<>();
        switch (policy.kind()) {
            case ONE_FOR_ONE -> findings.add(ratio("ONE_FOR_ONE", period, 1, 1, policy.nearBreach()));
            case FAIR_SHARE -> findings.add(ratio("FAIR_SHARE", period, policy.returns(), policy.admissions(),
                    policy.nearBreach()));
            case WEEKLY_CAP -> findings.add(cap("WEEKLY_CAP", week.returns(), policy.weeklyCap(), policy.nearBreach(),
                    "returns this ISO week"));
        }
        if (policy.periodCap() > 0) {
            findings.add(cap("PERIOD_CAP", period.admissions(), policy.periodCap(), policy.nearBreach(),
                    "admissions this period"));
        }
        return findings;
    }

    /** The worst level among the findings. */
    static Level worst(List<Finding> findings) {
        return findings.stream().map(Finding::level).max(Enum::compareTo).orElse(Level.OK);
    }

    /**
     * Admissions are earned by returns: {@code returns} returns allow {@code admissions} admissions, so the period's
     * admissions may not pass floor(returns × admissions / returns-term). At the limit there is no headroom left.
     */
    static Finding ratio(String rule, Counts period, int returnsTerm, int admissionsTerm, double near) {
        long allowed = Math.floorDiv(period.returns() * admissionsTerm, returnsTerm);
        Level level = period.admissions() > allowed ? Level.BREACH
                : period.admissions() > 0 && period.admissions() >= Math.ceil(near * allowed) ? Level.NEAR_BREACH
                : Level.OK;
        return new Finding(rule, level, period.admissions(), allowed,
                period.admissions() + " admissions against " + allowed + " earned by " + period.returns()
                        + " returns at " + returnsTerm + ":" + admissionsTerm);
    }

    static Finding cap(String rule, long value, long cap, double near, String what) {
        Level level = value > cap ? Level.BREACH : value > 0 && value >= Math.ceil(near * cap) ? Level.NEAR_BREACH : Level.OK;
        return new Finding(rule, level, value, cap, value + " " + what + " against a cap of " + cap);
    }
}
