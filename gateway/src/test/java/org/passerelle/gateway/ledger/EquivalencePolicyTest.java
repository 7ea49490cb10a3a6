package org.passerelle.gateway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.ledger.EquivalencePolicy.Counts;
import org.passerelle.gateway.ledger.EquivalencePolicy.Level;

class EquivalencePolicyTest {

    static LedgerProperties.Policy policy(LedgerProperties.Kind kind, int r, int a, int weeklyCap, int periodCap) {
        return new LedgerProperties.Policy(kind, r, a, weeklyCap, periodCap, 0.9);
    }

    @Test
    void oneForOneBreachesWhenAdmissionsOutrunReturns() {
        var p = policy(LedgerProperties.Kind.ONE_FOR_ONE, 1, 1, 50, 0);
        assertThat(EquivalencePolicy.assess(p, new Counts(0, 0), new Counts(3, 2))).extracting(EquivalencePolicy.Finding::level)
                .containsExactly(Level.OK);
        assertThat(EquivalencePolicy.assess(p, new Counts(0, 0), new Counts(3, 3))).extracting(EquivalencePolicy.Finding::level)
                .containsExactly(Level.NEAR_BREACH);
        assertThat(EquivalencePolicy.assess(p, new Counts(0, 0), new Counts(0, 1))).extracting(EquivalencePolicy.Finding::level)
                .containsExactly(Level.BREACH);
    }

    @Test
    void fairShareEarnsAdmissionsAtItsRatio() {
        var p = policy(LedgerProperties.Kind.FAIR_SHARE, 5, 4, 50, 0);
        // 10 returns earn floor(10 × 4 / 5) = 8 admissions
        EquivalencePolicy.Finding f = EquivalencePolicy.assess(p, new Counts(0, 0), new Counts(10, 6)).get(0);
        assertThat(f.limit()).isEqualTo(8);
        assertThat(f.level()).isEqualTo(Level.OK);
        assertThat(EquivalencePolicy.assess(p, new Counts(0, 0), new Counts(10, 9)).get(0).level()).isEqualTo(Level.BREACH);
        assertThat(EquivalencePolicy.assess(p, new Counts(0, 0), new Counts(10, 8)).get(0).level()).isEqualTo(Level.NEAR_BREACH);
    }

    @Test
    void weeklyCapCountsTheWeeksReturnsAndPeriodCapThePeriodsAdmissions() {
        var p = policy(LedgerProperties.Kind.WEEKLY_CAP, 1, 1, 50, 10_000);
        List<EquivalencePolicy.Finding> ok = EquivalencePolicy.assess(p, new Counts(44, 0), new Counts(500, 8_999));
        assertThat(ok).extracting(EquivalencePolicy.Finding::rule).containsExactly("WEEKLY_CAP", "PERIOD_CAP");
        assertThat(EquivalencePolicy.worst(ok)).isEqualTo(Level.OK);
        assertThat(EquivalencePolicy.assess(p, new Counts(45, 0), new Counts(0, 0)).get(0).level()).isEqualTo(Level.NEAR_BREACH);
        assertThat(EquivalencePolicy.assess(p, new Counts(51, 0), new Counts(0, 0)).get(0).level()).isEqualTo(Level.BREACH);
        assertThat(EquivalencePolicy.assess(p, new Counts(0, 0), new Counts(0, 9_000)).get(1).level()).isEqualTo(Level.NEAR_BREACH);
        assertThat(EquivalencePolicy.assess(p, new Counts(0, 0), new Counts(0, 10_001)).get(1).level()).isEqualTo(Level.BREACH);
    }

    @Test
    void isoWeeksAndWeekParsingAgree() {
        assertThat(Ledger.isoWeek(java.time.LocalDate.of(2026, 3, 2))).isEqualTo("2026-W10");
        assertThat(LedgerController.parseWeek("2026-W10")).isEqualTo(java.time.LocalDate.of(2026, 3, 2));
        assertThat(Ledger.isoWeek(java.time.LocalDate.of(2027, 1, 1))).isEqualTo("2026-W53");
    }
}
