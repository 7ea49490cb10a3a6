package org.passerelle.gateway.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.readmission.v1.ArrivalMode;
import tools.jackson.databind.json.JsonMapper;

class SchemeTest {

    static final Scheme.Terms FR = new Scheme.Terms(Set.of(ArrivalMode.SMALL_BOAT), null,
            new Scheme.Equivalence(Scheme.Policy.ONE_FOR_ONE, null, null, 50, null), new Scheme.Caps(50, 50, null, null), null);
    static final Scheme.Terms BE = new Scheme.Terms(null, null,
            new Scheme.Equivalence(Scheme.Policy.FAIR_SHARE, 1, 2, null, null), null, null);

    static Scheme scheme() {
        return Scheme.of("routes-for-returns", List.of(
                new Scheme.Phase("circuit-breaker", "2027-01-01", "2027-07-01", new Scheme.Caps(null, null, 16_000, 10_000),
                        Map.of("FR", FR, "BE", BE)),
                new Scheme.Phase("pilot", "2025-08-06", "2026-06-12T00:00:00Z", null, Map.of("FR", FR))));
    }

    @Test
    void thePhaseInForceIsTheOneCoveringTheMomentFromItsFirstInstantToTheNextOnesFirst() {
        Scheme s = scheme();
        assertThat(s.phases()).extracting(Scheme.Phase::name).containsExactly("pilot", "circuit-breaker");
        assertThat(s.phaseAt(Instant.parse("2025-08-05T23:59:59Z"))).isEmpty();
        assertThat(s.phaseAt(Instant.parse("2025-08-06T00:00:00Z"))).map(Scheme.Phase::name).contains("pilot");
        assertThat(s.phaseAt(Instant.parse("2026-06-12T00:00:00Z"))).isEmpty();
        assertThat(s.phaseAt(Instant.parse("2027-06-30T23:59:59Z"))).map(Scheme.Phase::name).contains("circuit-breaker");
        assertThat(s.phaseAt(Instant.parse("2027-07-01T00:00:00Z"))).isEmpty();
        // BE has an agreement in the circuit-breaker phase only
        assertThat(s.termsAt("BE", Instant.parse("2026-01-01T00:00:00Z"))).isEmpty();
        assertThat(s.termsAt("BE", Instant.parse("2027-02-01T00:00:00Z"))).contains(BE);
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void defaultsAreTheUkFranceTermsAndThreeMonthsIsThreeCalendarMonths() {
        Scheme.Terms t = Scheme.Terms.standard();
        assertThat(t.arrivalModes()).containsExactlyInAnyOrder(ArrivalMode.SMALL_BOAT, ArrivalMode.CONCEALED_IN_VEHICLE);
        assertThat(t.exclusions()).hasSize(5);
        assertThat(t.clocks().requestWithin()).isEqualTo(Duration.ofDays(14));
        assertThat(t.clocks().processWithin()).isEqualTo(Period.ofMonths(3));
        // 30 November + three calendar months is 28 February (not 92 days: 2 March)
        assertThat(t.clocks().processDue(Instant.parse("2026-11-30T10:00:00Z"))).isEqualTo(Instant.parse("2027-02-28T10:00:00Z"));
        assertThat(t.clocks().processDue(Instant.parse("2026-01-15T10:00:00Z"))).isEqualTo(Instant.parse("2026-04-15T10:00:00Z"));
    }

    @Test
    void overlappingPhasesBadCodesAndAWeeklyCapPolicyWithoutACapAreProblems() {
        Scheme bad = Scheme.of(null, List.of(
                new Scheme.Phase("a", "2027-01-01", "2027-07-01", null, Map.of("fr", Scheme.Terms.standard())),
                new Scheme.Phase("b", "2027-06-01", null, null, Map.of("BE", new Scheme.Terms(null, null,
                        new Scheme.Equivalence(Scheme.Policy.WEEKLY_CAP, null, null, null, null), null, null))),
                new Scheme.Phase("c", "2028-01-01", "2027-01-01", null, null)));
        assertThat(bad.problems()).anyMatch(p -> p.contains("'fr' is not an ISO 3166-1"))
                .anyMatch(p -> p.contains("phase b starts before phase a ends"))
                .anyMatch(p -> p.contains("WEEKLY_CAP needs caps.returns-per-week"))
                .anyMatch(p -> p.contains("phase c ends before it starts"));
        Scheme twice = Scheme.of(null, List.of(new Scheme.Phase("p", "2027-01-01", "2027-02-01", null, null),
                new Scheme.Phase("p", "2027-03-01", null, null, null),
                new Scheme.Phase("x".repeat(61), "2028-01-01", null, null, null)));
        assertThat(twice.problems()).contains("two phases are named p", "a phase's name is 1 to 60 characters");
        assertThatThrownBy(() -> new Scheme.Phase("x", "first of January", null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither a date");
    }

    @Test
    void aPartnerRefusedForAFullCapAcrossPartnersIsNotToldTheOthersCounts() {
        Agreements.CapUse scheme = new Agreements.CapUse("circuit-breaker", null, CaseKind.RETURN, null, 10_000, 10_000);
        Agreements.CapUse own = new Agreements.CapUse("circuit-breaker", "FR", CaseKind.RETURN, "2027-W03", 800, 800);
        assertThat(scheme.describe()).isEqualTo("returns across the scheme's partners in phase circuit-breaker: 10000 of 10000");
        assertThat(scheme.describeTo("FR")).isEqualTo("returns across the scheme's partners in phase circuit-breaker: full");
        assertThat(own.describeTo("FR")).isEqualTo("returns with FR in 2027-W03: 800 of 800");
    }

    @Test
    void theDocumentReadsBackAsItWasWritten() {
        JsonMapper json = JsonMapper.builder().build();
        Scheme s = scheme();
        assertThat(json.readValue(json.writeValueAsString(s), Scheme.class)).isEqualTo(s);
        // a document with only what differs from the defaults reads with the defaults filled in
        Scheme sparse = json.readValue("""
                {"phases":[{"name":"p","from":"2027-01-01","partners":{"FR":{}}}]}""", Scheme.class);
        assertThat(sparse.termsAt("FR", Instant.parse("2027-03-01T00:00:00Z"))).contains(Scheme.Terms.standard());
    }

    @Test
    void everyChangeNeedsASecondAdministratorAndSaysWhatItChangesInWords() {
        Scheme before = scheme();
        Scheme datesOnly = Scheme.of("routes-for-returns", List.of(
                new Scheme.Phase("circuit-breaker", "2027-01-15", "2027-07-15", new Scheme.Caps(null, null, 16_000, 10_000),
                        Map.of("FR", FR, "BE", BE)),
                before.phases().get(0)));
        AgreementVersions.Diff d = AgreementVersions.diff(before, datesOnly);
        // dates decide which phase's caps are in force: no less a change than the caps
        assertThat(d.needsApproval()).isTrue();
        assertThat(d.text()).contains("phase circuit-breaker dates 2027-01-01–2027-07-01 → 2027-01-15–2027-07-15");

        Scheme.Terms fewerExclusions = new Scheme.Terms(FR.arrivalModes(), Set.of(Exclusion.UNACCOMPANIED_CHILD),
                FR.equivalence(), FR.caps(), FR.clocks());
        Scheme relaxed = Scheme.of("routes-for-returns", List.of(before.phases().get(1),
                new Scheme.Phase("pilot", "2025-08-06", "2026-06-12T00:00:00Z", null, Map.of("FR", fewerExclusions))));
        d = AgreementVersions.diff(before, relaxed);
        assertThat(d.needsApproval()).isTrue();
        assertThat(d.text()).contains("phase pilot partner FR exclusions");

        Scheme lowerCap = Scheme.of("routes-for-returns", List.of(before.phases().get(0),
                new Scheme.Phase("circuit-breaker", "2027-01-01", "2027-07-01", new Scheme.Caps(null, null, 16_000, 9_000),
                        Map.of("FR", FR, "BE", BE))));
        assertThat(AgreementVersions.diff(before, lowerCap).needsApproval()).isTrue();
        assertThat(AgreementVersions.diff(before, lowerCap).text()).contains("caps across partners returns no cap a week,"
                + " 16000 a phase; admissions no cap a week, 10000 a phase → returns no cap a week, 16000 a phase;"
                + " admissions no cap a week, 9000 a phase");
        assertThat(AgreementVersions.diff(before, before).changes()).isEmpty();
    }
}
