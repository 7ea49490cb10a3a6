package org.passerelle.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.cluster.RateWindows;
import org.passerelle.gateway.cluster.SharedDatabase;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;

class AccessRulesTest {

    private static final AuditAction QUERY = AuditAction.RECORDS_QUERY;
    private static final AuditAction VIEW = AuditAction.RECORD_VIEW;
    private static final AuditAction SEARCH = AuditAction.BIOMETRIC_SEARCH;

    final RecordingAuditTrail audit = new RecordingAuditTrail();
    @TempDir
    static Path database;
    static RateWindows rates;

    @BeforeAll
    static void database() {
        rates = new SharedDatabase(database).rateWindows(Clock.systemUTC());
    }
    static final String READMISSION = "GB-RA-2026-000001";
    static final String CLOSED_READMISSION = "GB-RA-2026-000002";
    static final String ADMISSION = "FR-AD-2026-000001";
    /** The cases this node holds, by reference and partner: what the case tables would answer. */
    static final Map<String, AccessRules.StatedCase> CASES = Map.of(
            READMISSION + "/FR", new AccessRules.StatedCase(AccessRules.StatedCase.Kind.READMISSION, true),
            CLOSED_READMISSION + "/FR", new AccessRules.StatedCase(AccessRules.StatedCase.Kind.READMISSION, false),
            ADMISSION + "/FR", new AccessRules.StatedCase(AccessRules.StatedCase.Kind.ADMISSION, true));
    final AccessRules rules = new AccessRules(audit.trail,
            List.of((ref, partner) -> Optional.ofNullable(CASES.get(ref + "/" + partner))));

    static Caller officer(String name, String partner) {
        return new Caller(name, Caller.Kind.PERSON, Set.of(Caller.Role.LIAISON_OFFICER), partner, null);
    }

    @Test
    void liaisonOfficerScopeIsForcedToTheirOwnPartnerWithPayloadAndStatedPurpose() {
        AccessRules.Scope scope = rules.forRecords(officer("lo-1", "FR"), QUERY, "records", "partner_liaison",
                READMISSION, null);

        assertThat(scope.partner()).isEqualTo("FR");
        assertThat(scope.purpose()).isEqualTo(Purpose.PARTNER_LIAISON);
        assertThat(scope.payload()).isTrue();
        assertThat(audit.entries).isEmpty();
    }

    @Test
    void liaisonOfficerWithoutPurposeIsRefusedAndTheRefusalRecorded() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-2", "FR"), QUERY, "records", null, READMISSION, null))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code().name()).isEqualTo("PURPOSE_REQUIRED");
                    assertThat(e.status().value()).isEqualTo(403);
                });
        assertThat(audit.last().outcome()).isEqualTo(AuditOutcome.REFUSED);
        assertThat(audit.last().role()).isEqualTo("LIAISON_OFFICER");
        assertThat(audit.last().caseReference()).isEqualTo(READMISSION);
    }

    @Test
    void aCallerWithoutARoleThatSeesRecordsIsRefusedAndTheRefusalRecorded() {
        Caller nobody = new Caller("nobody", Caller.Kind.PERSON, Set.of(), null, null);

        assertThatThrownBy(() -> rules.forRecords(nobody, QUERY, "records", null, null, null))
                .hasFieldOrPropertyWithValue("code", GatewayErrorCode.RECORDS_NOT_ALLOWED);
        assertThat(audit.last().code()).isEqualTo("RECORDS_NOT_ALLOWED");
        assertThat(audit.last().outcome()).isEqualTo(AuditOutcome.REFUSED);
        assertThat(audit.last().channel()).isEqualTo(AuditChannel.API);
    }

    @Test
    void aPurposeTypedOutsideTheListIsNotCopiedIntoTheAuditLog() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-3", "FR"), QUERY, "records", "looking for my neighbour",
                READMISSION, null)).hasFieldOrPropertyWithValue("code", GatewayErrorCode.PURPOSE_REQUIRED);

        assertThat(audit.last().purpose()).isNull();
    }

    @Test
    void aCaseReferenceOfAnUnexpectedShapeIsRefusedAndNotCopiedIntoTheAuditLog() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-8", "FR"), QUERY, "records", "PARTNER_LIAISON",
                "GB-RA-2026-000001\nforged audit line", null)).hasFieldOrPropertyWithValue("code", GatewayErrorCode.CASE_REFERENCE_REQUIRED);

        assertThat(audit.last().caseReference()).isNull();
    }

    @Test
    void liaisonOfficerAskingForAnotherPartnerIsRefused() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-4", "FR"), QUERY, "records", "PARTNER_LIAISON",
                READMISSION, "de")).hasFieldOrPropertyWithValue("code", GatewayErrorCode.PARTNER_NOT_ALLOWED);
    }

    @Test
    void liaisonOfficerSearchesOnlyTheirOwnPartner() {
        assertThatThrownBy(() -> rules.forSearch(officer("lo-5", "FR"), SEARCH, "searches", "IDENTITY_VERIFICATION",
                READMISSION, "DE")).hasFieldOrPropertyWithValue("code", GatewayErrorCode.PARTNER_NOT_ALLOWED);
        assertThat(rules.forSearch(officer("lo-5", "FR"), SEARCH, "searches", "IDENTITY_VERIFICATION",
                READMISSION, "fr").partner()).isEqualTo("FR");
    }

    @Test
    void auditorsAndAdministratorsNeverGetPayloadsAndSystemsDo() {
        Caller auditor = new Caller("a", Caller.Kind.PERSON, Set.of(Caller.Role.AUDITOR), null, null);
        Caller admin = new Caller("b", Caller.Kind.PERSON, Set.of(Caller.Role.ADMIN), null, null);
        Caller system = new Caller("c", Caller.Kind.SYSTEM, Set.of(Caller.Role.SYSTEM), null, null);

        assertThat(rules.forRecords(auditor, QUERY, "records", null, null, null).payload()).isFalse();
        assertThat(rules.forRecords(admin, QUERY, "records", null, null, null).payload()).isFalse();
        assertThat(rules.forRecords(system, QUERY, "records", null, null, null).payload()).isTrue();
    }

    @Test
    void aRecordOfAnotherTeamIsRefusedToACaseworker() {
        Caller caseworker = new Caller("cw", Caller.Kind.PERSON, Set.of(Caller.Role.CASEWORKER), null, "returns");
        AccessRules.Scope scope = rules.forRecords(caseworker, VIEW, "record:x", null, null, null);

        assertThatThrownBy(() -> rules.checkRecord(scope, VIEW, "record:x", "FR", "legal-route", null))
                .hasFieldOrPropertyWithValue("code", GatewayErrorCode.TEAM_NOT_ALLOWED);
        assertThatThrownBy(() -> rules.checkRecord(scope, VIEW, "record:x", "FR", null, null))
                .hasFieldOrPropertyWithValue("code", GatewayErrorCode.TEAM_NOT_ALLOWED);
        rules.checkRecord(scope, VIEW, "record:x", "FR", "returns", null);
    }

    @Test
    void theSearchLimitRefusesTheSearchAfterTheLastAllowedOneAndCountsEachPersonApart() {
        SearchRateLimiter limiter = new SearchRateLimiter(2, Duration.ofHours(1), rules, rates);
        AccessRules.Scope first = rules.forRecords(officer("lo-6", "FR"), QUERY, "records", "PARTNER_LIAISON", READMISSION, null);
        AccessRules.Scope second = rules.forRecords(officer("lo-7", "FR"), QUERY, "records", "PARTNER_LIAISON", READMISSION, null);

        limiter.acquire(first, QUERY, "records");
        limiter.acquire(first, QUERY, "records");

        assertThatThrownBy(() -> limiter.acquire(first, QUERY, "records")).isInstanceOfSatisfying(GatewayException.class,
                e -> {
                    assertThat(e.code().name()).isEqualTo("SEARCH_RATE_LIMITED");
                    assertThat(e.status().value()).isEqualTo(429);
                });
        assertThat(audit.last().code()).isEqualTo("SEARCH_RATE_LIMITED");
        limiter.acquire(second, QUERY, "records");
    }

    @Test
    void anOfficersCaseThatDoesNotExistWithTheirPartnerIsRefusedAndTheRefusalRecorded() {
        // given no case GB-RA-2026-999999 at all, and READMISSION only with FR
        // when officers state them
        // then both are refused alike, so that an officer of DE learns nothing of FR's cases
        assertThatThrownBy(() -> rules.forRecords(officer("lo-9", "FR"), VIEW, "record:x", "READMISSION_CASE",
                "GB-RA-2026-999999", null)).isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code().name()).isEqualTo("CASE_NOT_FOUND_FOR_PURPOSE");
                    assertThat(e.status().value()).isEqualTo(403);
                });
        assertThat(audit.last().outcome()).isEqualTo(AuditOutcome.REFUSED);
        assertThat(audit.last().code()).isEqualTo("CASE_NOT_FOUND_FOR_PURPOSE");
        assertThat(audit.last().caseReference()).isEqualTo("GB-RA-2026-999999");
        assertThatThrownBy(() -> rules.forRecords(officer("lo-10", "DE"), VIEW, "record:x", "READMISSION_CASE",
                READMISSION, null)).hasFieldOrPropertyWithValue("code", GatewayErrorCode.CASE_NOT_FOUND_FOR_PURPOSE);
    }

    @Test
    void aPurposeForOneKindOfCaseIsRefusedWithACaseOfTheOtherKind() {
        assertThatThrownBy(() -> rules.forRecords(officer("lo-11", "FR"), VIEW, "record:x", "READMISSION_CASE",
                ADMISSION, null)).hasFieldOrPropertyWithValue("code", GatewayErrorCode.PURPOSE_CASE_MISMATCH);
        assertThatThrownBy(() -> rules.forRecords(officer("lo-11", "FR"), VIEW, "record:x", "ADMISSION_CASE",
                READMISSION, null)).hasFieldOrPropertyWithValue("code", GatewayErrorCode.PURPOSE_CASE_MISMATCH);
        assertThat(audit.last().code()).isEqualTo("PURPOSE_CASE_MISMATCH");
        assertThat(rules.forRecords(officer("lo-11", "FR"), VIEW, "record:x", "IDENTITY_VERIFICATION", ADMISSION, null)
                .caseReference()).isEqualTo(ADMISSION);
    }

    @Test
    void aClosedCaseIsRefusedForLiveCaseworkAndSeenForLookingBack() {
        for (String live : List.of("READMISSION_CASE", "IDENTITY_VERIFICATION")) {
            assertThatThrownBy(() -> rules.forRecords(officer("lo-12", "FR"), VIEW, "record:x", live,
                    CLOSED_READMISSION, null)).hasFieldOrPropertyWithValue("code", GatewayErrorCode.CASE_CLOSED_FOR_PURPOSE);
        }
        assertThat(audit.last().code()).isEqualTo("CASE_CLOSED_FOR_PURPOSE");
        for (String lookingBack : List.of("PARTNER_LIAISON", "COMPLIANCE_REVIEW")) {
            assertThat(rules.forRecords(officer("lo-12", "FR"), VIEW, "record:x", lookingBack, CLOSED_READMISSION,
                    null).partner()).isEqualTo("FR");
        }
    }

    @Test
    void anOfficersBiometricSearchForAnUnknownCaseIsRefused() {
        assertThatThrownBy(() -> rules.forSearch(officer("lo-13", "FR"), SEARCH, "searches", "IDENTITY_VERIFICATION",
                "GB-BS-2026-000001", "FR")).hasFieldOrPropertyWithValue("code", GatewayErrorCode.CASE_NOT_FOUND_FOR_PURPOSE);
        assertThat(audit.last().action()).isEqualTo(SEARCH);
    }

    @Test
    void aRecordOutsideTheOfficersStatedCaseIsRefusedAndOneInsideItIsNot() {
        AccessRules.Scope scope = rules.forRecords(officer("lo-14", "FR"), VIEW, "record:x", "READMISSION_CASE",
                READMISSION, null);

        assertThatThrownBy(() -> rules.checkRecord(scope, VIEW, "record:x", "FR", null, "GB-RA-2026-000077"))
                .hasFieldOrPropertyWithValue("code", GatewayErrorCode.RECORD_NOT_IN_CASE);
        assertThat(audit.last().caseReference()).isEqualTo(READMISSION);
        assertThatThrownBy(() -> rules.checkRecord(scope, VIEW, "record:x", "FR", null, null))
                .hasFieldOrPropertyWithValue("code", GatewayErrorCode.RECORD_NOT_IN_CASE);
        rules.checkRecord(scope, VIEW, "record:x", "FR", null, READMISSION);
    }

    @Test
    void theViewLimitRefusesTheViewAfterTheLastAllowedOneApartFromSearchesAndSystems() {
        ViewRateLimiter views = new ViewRateLimiter(2, Duration.ofHours(1), rules, rates);
        SearchRateLimiter searches = new SearchRateLimiter(2, Duration.ofHours(1), rules, rates);
        AccessRules.Scope officer = rules.forRecords(officer("lo-15", "FR"), VIEW, "record:x", "PARTNER_LIAISON",
                READMISSION, null);
        AccessRules.Scope system = rules.forRecords(new Caller("sys", Caller.Kind.SYSTEM, Set.of(Caller.Role.SYSTEM),
                null, null), VIEW, "record:x", null, null, null);

        views.acquire(officer, VIEW, "record:x");
        views.acquire(officer, VIEW, "record:x");

        assertThatThrownBy(() -> views.acquire(officer, VIEW, "record:x")).isInstanceOfSatisfying(GatewayException.class,
                e -> {
                    assertThat(e.code().name()).isEqualTo("VIEW_RATE_LIMITED");
                    assertThat(e.status().value()).isEqualTo(429);
                });
        assertThat(audit.last().code()).isEqualTo("VIEW_RATE_LIMITED");
        searches.acquire(officer, QUERY, "records");
        for (int i = 0; i < 3; i++) {
            views.acquire(system, VIEW, "record:x");
        }
    }
}
