package org.passerelle.gateway.ledger;

import java.util.ArrayList;
import java.util.List;
import org.passerelle.gateway.agreement.Scheme;

/** The policy arithmetic: given the week's and the phase's counts, which limits are breached or nearly so. */
final class EquivalencePolicy {

    enum Level { OK, NEAR_BREACH, BREACH }

    /** One limit's standing: the rule, its level, the numbers behind it. */
    record Finding(String rule, Level level, long value, long limit, String detail) {
    }

    record Counts(long returns, long admissions) {
    }

    private EquivalencePolicy() {
    }

    /** Every rule of the partner's terms, assessed; a rule the terms do not have is absent. */
    static List<Finding> assess(Scheme.Terms terms, Counts week, Counts period) {
        Scheme.Equivalence e = terms.equivalence();
        double near = e.nearBreach();
        List<Finding> findings = new ArrayList<>();
        switch (e.policy()) {
            case ONE_FOR_ONE -> {
                findings.add(ceiling("ONE_FOR_ONE", period, 1, 1, near));
                findings.add(returnsAhead(period, e.tolerance(), near));
            }
            case FAIR_SHARE -> findings.add(floor(period, e.returns(), e.admissions(), near));
            case WEEKLY_CAP -> {
                // The weekly cap below is the whole policy.
            }
        }
        Scheme.Caps caps = terms.caps();
        if (caps.returnsPerWeek() > 0) {
            findings.add(cap("WEEKLY_CAP", week.returns(), caps.returnsPerWeek(), near, "returns this ISO week"));
        }
        if (caps.admissionsPerWeek() > 0) {
            findings.add(cap("ADMISSIONS_WEEKLY_CAP", week.admissions(), caps.admissionsPerWeek(), near,
                    "admissions this ISO week"));
        }
        if (caps.returns() > 0) {
            findings.add(cap("RETURNS_PERIOD_CAP", period.returns(), caps.returns(), near, "returns this phase"));
        }
        if (caps.admissions() > 0) {
            findings.add(cap("PERIOD_CAP", period.admissions(), caps.admissions(), near, "admissions this phase"));
        }
        return findings;
    }

    /** The worst level among the findings. */
    static Level worst(List<Finding> findings) {
        return findings.stream().map(Finding::level).max(Enum::compareTo).orElse(Level.OK);
    }

    /**
     * Admissions are earned by returns: {@code returns} returns allow {@code admissions} admissions, so the phase's
     * admissions may not pass floor(returns × admissions / returns-term). At the limit there is no headroom left.
     */
    static Finding ceiling(String rule, Counts period, int returnsTerm, int admissionsTerm, double near) {
        long allowed = Math.floorDiv(period.returns() * admissionsTerm, returnsTerm);
        Level level = period.admissions() > allowed ? Level.BREACH
                : period.admissions() > 0 && period.admissions() >= Math.ceil(near * allowed) ? Level.NEAR_BREACH
                : Level.OK;
        return new Finding(rule, level, period.admissions(), allowed,
                period.admissions() + " admissions against " + allowed + " earned by " + period.returns()
                        + " returns at " + returnsTerm + ":" + admissionsTerm);
    }

    /**
     * One for one, the other way: returns may run ahead of admissions by at most {@code tolerance} (the UK returns
     * first, then admits); beyond it the balance is breached, from {@code near} of it nearly so.
     */
    static Finding returnsAhead(Counts period, int tolerance, double near) {
        long ahead = period.returns() - period.admissions();
        Level level = ahead > tolerance ? Level.BREACH
                : tolerance > 0 && ahead > 0 && ahead >= Math.ceil(near * tolerance) ? Level.NEAR_BREACH : Level.OK;
        return new Finding("ONE_FOR_ONE_RETURNS_AHEAD", level, Math.max(ahead, 0), tolerance,
                period.returns() + " returns against " + period.admissions() + " admissions: returns ahead by "
                        + Math.max(ahead, 0) + ", at most " + tolerance + " allowed");
    }

    /**
     * Fair share is a floor: at least {@code admissionsTerm} admissions for every {@code returnsTerm} returns (the UK
     * admitting more than it returns). Below it the balance is breached; within {@code 1 - near} above it, nearly so.
     */
    static Finding floor(Counts period, int returnsTerm, int admissionsTerm, double near) {
        long required = -Math.floorDiv(-period.returns() * admissionsTerm, returnsTerm);
        Level level = period.admissions() < required ? Level.BREACH
                : required > 0 && period.admissions() * near < required ? Level.NEAR_BREACH : Level.OK;
        return new Finding("FAIR_SHARE", level, period.admissions(), required,
                period.admissions() + " admissions against at least " + required + " owed for " + period.returns()
                        + " returns at " + returnsTerm + ":" + admissionsTerm);
    }

    static Finding cap(String rule, long value, long cap, double near, String what) {
        Level level = value > cap ? Level.BREACH : value > 0 && value >= Math.ceil(near * cap) ? Level.NEAR_BREACH : Level.OK;
        return new Finding(rule, level, value, cap, value + " " + what + " against a cap of " + cap);
    }
}
