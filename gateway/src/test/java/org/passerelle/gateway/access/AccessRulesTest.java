package org.passerelle.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.error.GatewayException;

class AccessRulesTest {

    final RecordingAuditTrail audit = new RecordingAuditTrail();
    final AccessRules rules = new AccessRules(audit.trail);

    static Caller officer(String name, String partner) {
        return new Caller(name, Caller.Kind.PERSON, Set.of(Caller.Role.LIAISON_OFFICER), partner, null);
    }

    @Test
    void liaisonOfficerScopeIsForcedToTheirOwnPartnerWithPayloadAndStatedPurpose() {
        AccessRules.Scope scope = rules.forRecords(officer("lo-1", "FR"), "Q", "records", "partner_liaison",
                "GB-RA-2026-000001", null);

        assertThat(scope.partner()).isEqualTo("FR");
        assertThat(scope.purpose()).isEqualTo(Purpose.PARTNER_LIAISON);
        assertThat(scope.payload()).isTrue();
        assertThat(audit.entries).isEmpty();
    }

    @Test
    void liaisonOfficerWithoutPurposeIsRefusedAndTheRefusalRecorded() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-2", "FR"), "Q", "records", null, "GB-RA-2026-000001", null))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo("PURPOSE_REQUIRED");
                    assertThat(e.status().value()).isEqualTo(403);
                });
        assertThat(audit.last().outcome()).isEqualTo("REFUSED");
        assertThat(audit.last().role()).isEqualTo("LIAISON_OFFICER");
        assertThat(audit.last().caseReference()).isEqualTo("GB-RA-2026-000001");
    }

    @Test
    void aPurposeTypedOutsideTheListIsNotCopiedIntoTheAuditLog() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-3", "FR"), "Q", "records", "looking for my neighbour",
                "GB-RA-2026-000001", null)).hasFieldOrPropertyWithValue("code", "PURPOSE_REQUIRED");

        assertThat(audit.last().purpose()).isNull();
    }

    @Test
    void aCaseReferenceOfAnUnexpectedShapeIsRefusedAndNotCopiedIntoTheAuditLog() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-8", "FR"), "Q", "records", "PARTNER_LIAISON",
                "GB-RA-2026-000001\nforged audit line", null)).hasFieldOrPropertyWithValue("code", "CASE_REFERENCE_REQUIRED");

        assertThat(audit.last().caseReference()).isNull();
    }

    @Test
    void liaisonOfficerAskingForAnotherPartnerIsRefused() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-4", "FR"), "Q", "records", "PARTNER_LIAISON",
                "GB-RA-2026-000001", "de")).hasFieldOrPropertyWithValue("code", "PARTNER_NOT_ALLOWED");
    }

    @Test
    void liaisonOfficerSearchesOnlyTheirOwnPartner() {
        assertThatThrownBy(() -> rules.forSearch(officer("lo-5", "FR"), "S", "searches", "IDENTITY_VERIFICATION",
                "GB-BS-2026-000001", "DE")).hasFieldOrPropertyWithValue("code", "PARTNER_NOT_ALLOWED");
        assertThat(rules.forSearch(officer("lo-5", "FR"), "S", "searches", "IDENTITY_VERIFICATION",
                "GB-BS-2026-000001", "fr").partner()).isEqualTo("FR");
    }

    @Test
    void auditorsAndAdministratorsNeverGetPayloadsAndSystemsDo() {
        Caller auditor = new Caller("a", Caller.Kind.PERSON, Set.of(Caller.Role.AUDITOR), null, null);
        Caller admin = new Caller("b", Caller.Kind.PERSON, Set.of(Caller.Role.ADMIN), null, null);
        Caller system = new Caller("c", Caller.Kind.SYSTEM, Set.of(Caller.Role.SYSTEM), null, null);

        assertThat(rules.forRecords(auditor, "Q", "records", null, null, null).payload()).isFalse();
        assertThat(rules.forRecords(admin, "Q", "records", null, null, null).payload()).isFalse();
        assertThat(rules.forRecords(system, "Q", "records", null, null, null).payload()).isTrue();
    }

    @Test
    void aRecordOfAnotherTeamIsRefusedToACaseworker() {
        Caller caseworker = new Caller("cw", Caller.Kind.PERSON, Set.of(Caller.Role.CASEWORKER), null, "returns");
        AccessRules.Scope scope = rules.forRecords(caseworker, "V", "record:x", null, null, null);

        assertThatThrownBy(() -> rules.checkRecord(scope, "V", "record:x", "FR", "legal-route"))
                .hasFieldOrPropertyWithValue("code", "TEAM_NOT_ALLOWED");
        assertThatThrownBy(() -> rules.checkRecord(scope, "V", "record:x", "FR", null))
                .hasFieldOrPropertyWithValue("code", "TEAM_NOT_ALLOWED");
        rules.checkRecord(scope, "V", "record:x", "FR", "returns");
    }

    @Test
    void theSearchLimitRefusesTheSearchAfterTheLastAllowedOneAndCountsEachPersonApart() {
        SearchRateLimiter limiter = new SearchRateLimiter(2, Duration.ofHours(1), rules);
        AccessRules.Scope first = rules.forRecords(officer("lo-6", "FR"), "Q", "records", "PARTNER_LIAISON", "X", null);
        AccessRules.Scope second = rules.forRecords(officer("lo-7", "FR"), "Q", "records", "PARTNER_LIAISON", "X", null);

        limiter.acquire(first, "Q", "records");
        limiter.acquire(first, "Q", "records");

        assertThatThrownBy(() -> limiter.acquire(first, "Q", "records")).isInstanceOfSatisfying(GatewayException.class,
                e -> {
                    assertThat(e.code()).isEqualTo("SEARCH_RATE_LIMITED");
                    assertThat(e.status().value()).isEqualTo(429);
                });
        assertThat(audit.last().code()).isEqualTo("SEARCH_RATE_LIMITED");
        limiter.acquire(second, "Q", "records");
    }
}
