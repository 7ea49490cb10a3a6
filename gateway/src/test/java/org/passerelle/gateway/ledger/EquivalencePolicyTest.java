package org.passerelle.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.ledger.EquivalencePolicy.Counts;
import org.passerelle.gateway.ledger.EquivalencePolicy.Finding;
import org.passerelle.gateway.ledger.EquivalencePolicy.Level;

class EquivalencePolicyTest {

    static Scheme.Terms terms(Scheme.Policy policy, int r, int a, int tolerance, Scheme.Caps caps) {
        return new Scheme.Terms(null, null, new Scheme.Equivalence(policy, r, a, tolerance, 0.9), caps, null);
    }

    static Level level(List<Finding> findings, String rule) {
        return findings.stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow().level();
    }

    @Test
    void oneForOneBreachesWhenAdmissionsOutrunReturns() {
        var t = terms(Scheme.Policy.ONE_FOR_ONE, 1, 1, 5, null);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(3, 2)), "ONE_FOR_ONE")).isEqualTo(Level.OK);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(3, 3)), "ONE_FOR_ONE")).isEqualTo(Level.NEAR_BREACH);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(0, 1)), "ONE_FOR_ONE")).isEqualTo(Level.BREACH);
    }

    @Test
    void oneForOneFlagsReturnsRunningAheadBeyondTheTolerance() {
        var t = terms(Scheme.Policy.ONE_FOR_ONE, 1, 1, 10, null);
        String rule = "ONE_FOR_ONE_RETURNS_AHEAD";
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(12, 4)), rule)).isEqualTo(Level.OK);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(13, 4)), rule)).isEqualTo(Level.NEAR_BREACH);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(15, 4)), rule)).isEqualTo(Level.BREACH);
        // with no tolerance, any return ahead is flagged
        var strict = terms(Scheme.Policy.ONE_FOR_ONE, 1, 1, 0, null);
        assertThat(level(EquivalencePolicy.assess(strict, new Counts(0, 0), new Counts(1, 0)), rule)).isEqualTo(Level.BREACH);
        assertThat(level(EquivalencePolicy.assess(strict, new Counts(0, 0), new Counts(1, 1)), rule)).isEqualTo(Level.OK);
    }

    @Test
    void fairShareIsAFloorOnAdmissions() {
        // at least 6 admissions for every 5 returns: 10 returns owe ceil(10 × 6 / 5) = 12
        var t = terms(Scheme.Policy.FAIR_SHARE, 5, 6, 0, null);
        Finding f = EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(10, 20)).get(0);
        assertThat(f.rule()).isEqualTo("FAIR_SHARE");
        assertThat(f.limit()).isEqualTo(12);
        assertThat(f.level()).isEqualTo(Level.OK);
        assertThat(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(10, 11)).get(0).level()).isEqualTo(Level.BREACH);
        assertThat(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(10, 13)).get(0).level()).isEqualTo(Level.NEAR_BREACH);
        // admitting far more than returning is what the policy asks for, never a breach
        assertThat(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(1, 500)).get(0).level()).isEqualTo(Level.OK);
    }

    @Test
    void capsApplyToReturnsAndAdmissionsEachAndCombineWithAPolicy() {
        var t = terms(Scheme.Policy.FAIR_SHARE, 1, 1, 0, new Scheme.Caps(50, 60, 800, 10_000));
        List<Finding> ok = EquivalencePolicy.assess(t, new Counts(44, 10), new Counts(500, 8_999));
        assertThat(ok).extracting(Finding::rule)
                .containsExactly("FAIR_SHARE", "WEEKLY_CAP", "ADMISSIONS_WEEKLY_CAP", "RETURNS_PERIOD_CAP", "PERIOD_CAP");
        assertThat(EquivalencePolicy.worst(ok)).isEqualTo(Level.OK);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(45, 0), new Counts(0, 0)), "WEEKLY_CAP")).isEqualTo(Level.NEAR_BREACH);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(51, 0), new Counts(0, 0)), "WEEKLY_CAP")).isEqualTo(Level.BREACH);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 61), new Counts(0, 61)), "ADMISSIONS_WEEKLY_CAP")).isEqualTo(Level.BREACH);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(801, 10_000)), "RETURNS_PERIOD_CAP")).isEqualTo(Level.BREACH);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(0, 9_000)), "PERIOD_CAP")).isEqualTo(Level.NEAR_BREACH);
        assertThat(level(EquivalencePolicy.assess(t, new Counts(0, 0), new Counts(0, 10_001)), "PERIOD_CAP")).isEqualTo(Level.BREACH);
    }

    @Test
    void weeklyCapAloneHasNoBalanceRule() {
        var t = terms(Scheme.Policy.WEEKLY_CAP, 1, 1, 0, new Scheme.Caps(50, null, null, null));
        assertThat(EquivalencePolicy.assess(t, new Counts(3, 0), new Counts(3, 0))).extracting(Finding::rule)
                .containsExactly("WEEKLY_CAP");
    }

    @Test
    void isoWeeksAndWeekParsingAgree() {
        assertThat(Ledger.isoWeek(java.time.LocalDate.of(2026, 3, 2))).isEqualTo("2026-W10");
        assertThat(LedgerController.parseWeek("2026-W10")).isEqualTo(java.time.LocalDate.of(2026, 3, 2));
        assertThat(Ledger.isoWeek(java.time.LocalDate.of(2027, 1, 1))).isEqualTo("2026-W53");
    }
}
