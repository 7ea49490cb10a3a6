package org.passerelle.gateway.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.passerelle.gateway.access.TestCallers.as;
import static org.passerelle.gateway.access.TestCallers.caseworker;
import static org.passerelle.gateway.access.TestCallers.officer;
import static org.passerelle.gateway.access.TestCallers.person;
import static org.passerelle.gateway.access.TestCallers.system;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.NewMessage;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.messagelog.OutboxTarget;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who sees what through the records API, for each role, on a GB node whose records were stored through the real intake
 * (payloads encrypted at rest and decrypted for the view): liaison officers their partner state only and for a stated
 * purpose and case, caseworkers their team's cases, auditors and administrators metadata only, systems payload fields;
 * biometric bytes never. Every refusal is a 403 with its code, and every query, view and refusal is in the audit log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class RecordsAccessTest {

    static final int SEARCH_LIMIT = 5;
    static final int VIEW_LIMIT = 5;
    /** The open readmission case with FR the biometric searches are made for (an officer states a real case). */
    static final String SEARCH_CASE = "GB-RA-2026-000042";
    /** A readmission case with FR that is closed (the person was transferred). */
    static final String CLOSED_CASE = "GB-RA-2026-000043";
    /** A readmission case with DE: to an officer of FR, as if it did not exist. */
    static final String GERMAN_CASE = "GB-RA-2026-000044";
    static final String ADMISSION_CASE = "FR-AD-2026-000777";
    static final String PURPOSE = "IDENTITY_VERIFICATION";
    static final JsonMapper JSON = JsonMapper.builder().build();

    // Not a @TempDir: with one test instance per class, the context (and its properties) is made before JUnit
    // injects static temporary folders.
    static final Path data = folder();

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        r.add("passerelle.casework.teams.default-team", () -> "general");
        r.add("passerelle.records.subject-access-systems[0]", () -> "subject-access-unit");
        r.add("passerelle.casework.teams.readmission.FR", () -> "returns-fr");
        r.add("passerelle.access.search-limit", () -> SEARCH_LIMIT);
        // No refill while the test runs: the limit is reached by count alone, never by timing.
        r.add("passerelle.access.search-limit-period", () -> "1h");
        r.add("passerelle.access.view-limit", () -> VIEW_LIMIT);
        r.add("passerelle.access.view-limit-period", () -> "1h");
    }

    @Autowired
    WebApplicationContext context;
    @Autowired
    IntakeService intake;
    @Autowired
    MessageStore store;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AuditTrail auditTrail;

    MockMvc mvc;
    byte[] transaction;
    String bsToFrance;
    String bsToGermany;
    String readmissionRequest;
    String readmissionCase;
    String admissionMessage;

    @BeforeAll
    void seed() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(SecurityMockMvcConfigurers.springSecurity()).build();
        transaction = SampleMessages.biometricSample("type-4-14-slaps.an2");

        // The readmission cases officers state (opened directly: only their existence, partner and state matter here).
        readmissionCaseOf(SEARCH_CASE, "FR", "ACKNOWLEDGED");
        readmissionCaseOf(CLOSED_CASE, "FR", "TRANSFERRED");
        readmissionCaseOf(GERMAN_CASE, "DE", "ACKNOWLEDGED");

        // A biometric search to FR for that case and a readmission request to FR, through the real intake.
        bsToFrance = intake.submit(withCaseReference(envelope("BiometricSearchRequest", "FR"), "bio", SEARCH_CASE),
                "backend");
        readmissionCase = "GB-RA-" + LocalDate.now(ZoneOffset.UTC).getYear() + "-" + String.format("%06d", 4242);
        readmissionRequest = intake.submit(readmissionRequest(readmissionCase), "backend");

        // A search to another partner (DE) in the same case, and an admission case of another team, stored directly
        // (the unit node has FR as its only partner), with their payloads encrypted like any other.
        bsToGermany = storeDirectly(withCaseReference(envelope("BiometricSearchRequest", "DE"), "bio", SEARCH_CASE),
                "DE", SEARCH_CASE);
        Instant now = Instant.now();
        jdbc.sql("""
                insert into admission_case (case_reference, partner, role, state, eoi_id, opened_at, presence_due_at,
                  updated_at, version, team)
                values (:ref, 'FR', 'DECIDING', 'EXPRESSION_OF_INTEREST_RECEIVED', 'FR-EOI-2026-000777', :now, :now,
                  :now, 0, 'legal-route')""").param("ref", ADMISSION_CASE).param("now", now.atOffset(ZoneOffset.UTC))
                .update();
        admissionMessage = storeDirectly(withCaseReference(envelope("EligibilityResult", "FR"), "adm", ADMISSION_CASE),
                "FR", ADMISSION_CASE);
    }

    // ---- liaison officers -----------------------------------------------------------------------------------

    @Test
    void liaisonOfficerOfFranceSeesOnlyFranceRecordsOfTheCase() throws Exception {
        // given an officer of FR
        Caller officer = officer("FR");

        // when they search the biometric case stating a purpose
        JsonNode page = json(mvc.perform(as(officer, get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);

        // then they see the search to FR, never the search to DE of the same case
        assertThat(ids(page)).contains(bsToFrance).doesNotContain(bsToGermany);
        for (JsonNode item : page.get("items")) {
            assertThat(item.get("partner").asText()).isEqualTo("FR");
        }
        // and the query is audited as granted, with role, purpose, case reference and the partner it was limited to
        Map<String, Object> audit = lastAudit(officer);
        assertThat(audit).containsEntry("action", "RECORDS_QUERY").containsEntry("outcome", "GRANTED")
                .containsEntry("actor_role", "LIAISON_OFFICER").containsEntry("purpose", PURPOSE)
                .containsEntry("case_reference", SEARCH_CASE).containsEntry("resource", "records")
                .containsEntry("channel", "API")
                .containsEntry("partner", "FR");
    }

    @Test
    void theAuditOfAQueryNamesTheRecordsItReturnedForAnAuditorToRead() throws Exception {
        // given an officer's query of the case, audited
        Caller officer = officer("FR");
        JsonNode page = json(mvc.perform(as(officer, get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
        String detail = (String) lastAudit(officer).get("detail");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("query-result:(\\d+) \\(sha256 ([0-9a-f]{64})\\)")
                .matcher(detail);
        assertThat(m.find()).as(detail).isTrue();

        // when an auditor follows it, then it lists exactly the records the officer was shown, with the sealed digest
        Caller auditor = person("auditor", Caller.Role.AUDITOR);
        JsonNode result = json(mvc.perform(as(auditor, get("/api/v1/records/query-results/" + m.group(1)))).andReturn(), 200);
        List<String> listed = new java.util.ArrayList<>();
        result.get("records").forEach(r -> listed.add(r.asText().substring(r.asText().indexOf(':') + 1)));
        assertThat(listed).containsExactlyElementsOf(ids(page));
        assertThat(result.get("sha256").asText()).isEqualTo(m.group(2));
        assertThat(result.get("actor").asText()).isEqualTo(officer.name());
        assertThat(lastAudit(auditor)).containsEntry("action", "RECORD_VIEW")
                .containsEntry("resource", "query-result:" + m.group(1));

        // and an officer may not read it
        assertThat(mvc.perform(as(officer, get("/api/v1/records/query-results/" + m.group(1)))).andReturn()
                .getResponse().getStatus()).isEqualTo(403);
    }

    @Test
    void liaisonOfficerQueryWithoutPurposeIsRefusedAndAudited() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records").param("caseReference", SEARCH_CASE))).andReturn();

        assertRefused(result, 403, "PURPOSE_REQUIRED", officer, "RECORDS_QUERY");
    }

    @Test
    void liaisonOfficerQueryWithAPurposeNotOnTheListIsRefused() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records")
                .param("purpose", "CURIOSITY").param("caseReference", SEARCH_CASE))).andReturn();

        assertRefused(result, 403, "PURPOSE_REQUIRED", officer, "RECORDS_QUERY");
    }

    @Test
    void liaisonOfficerQueryWithoutCaseReferenceIsRefusedAndAudited() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records").param("purpose", PURPOSE))).andReturn();

        assertRefused(result, 403, "CASE_REFERENCE_REQUIRED", officer, "RECORDS_QUERY");
    }

    @Test
    void liaisonOfficerCannotAskForAnotherPartnersRecords() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE).param("partner", "DE"))).andReturn();

        assertRefused(result, 403, "PARTNER_NOT_ALLOWED", officer, "RECORDS_QUERY");
    }

    @Test
    void liaisonOfficerCannotViewAnotherPartnersMessage() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records/" + bsToGermany)
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn();

        assertRefused(result, 403, "PARTNER_NOT_ALLOWED", officer, "RECORD_VIEW");
        assertThat(lastAudit(officer)).containsEntry("resource", "record:" + bsToGermany);
    }

    @Test
    void liaisonOfficerViewWithoutPurposeIsRefused() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records/" + bsToFrance))).andReturn();

        assertRefused(result, 403, "PURPOSE_REQUIRED", officer, "RECORD_VIEW");
    }

    @Test
    void liaisonOfficerWithoutAPartnerStateSeesNothing() throws Exception {
        Caller officer = new Caller("lo-nowhere", Caller.Kind.PERSON, Set.of(Caller.Role.LIAISON_OFFICER), null, null);

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn();

        assertRefused(result, 403, "PARTNER_NOT_ALLOWED", officer, "RECORDS_QUERY");
    }

    @Test
    void liaisonOfficerSeesPayloadFieldsButNotVulnerabilityScreeningNorBiometricBytes() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records/" + readmissionRequest)
                .param("purpose", "READMISSION_CASE").param("caseReference", readmissionCase))).andReturn();

        JsonNode view = json(result, 200);
        JsonNode payload = view.get("payload");
        assertThat(payload.get("shown").asText()).isEqualTo("SHOWN");
        assertThat(field(payload, "/Envelope/Body/ReadmissionRequest/Person/FamilyName").get("value").asText())
                .isEqualTo("DOE");
        assertThat(field(payload, "/Envelope/Body/ReadmissionRequest/VulnerabilityScreening").get("withheld").asText())
                .isEqualTo("VULNERABILITY_SCREENING");
        assertThat(paths(payload)).noneMatch(p -> p.contains("/VulnerabilityScreening/"));
        assertNoBiometricBytes(result);
        assertThat(lastAudit(officer)).containsEntry("action", "RECORD_VIEW").containsEntry("outcome", "GRANTED")
                .containsEntry("purpose", "READMISSION_CASE").containsEntry("case_reference", readmissionCase)
                .containsEntry("message_id", readmissionRequest);
    }

    @Test
    void liaisonOfficerOverTheSearchLimitIsRefusedWith429AndAudited() throws Exception {
        // given an officer who has used up their searches
        Caller officer = officer("FR");
        for (int i = 0; i < SEARCH_LIMIT; i++) {
            json(mvc.perform(as(officer, get("/api/v1/records")
                    .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
        }

        // when they search once more
        MvcResult result = mvc.perform(as(officer, get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn();

        // then it is refused, and audited
        assertRefused(result, 429, "SEARCH_RATE_LIMITED", officer, "RECORDS_QUERY");
        // while another officer is not limited by the first one's searches
        json(mvc.perform(as(officer("FR"), get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
    }

    // ---- liaison officers: the stated case (issue 11) -------------------------------------------------------

    @Test
    void liaisonOfficerStatingAnInventedCaseIsRefusedAndSeesNothingOfTheRecord() throws Exception {
        // given an officer of FR who states a case reference no case has
        Caller officer = officer("FR");

        // when they ask for a record of their partner state under it
        MvcResult result = mvc.perform(as(officer, get("/api/v1/records/" + readmissionRequest)
                .param("purpose", "READMISSION_CASE").param("caseReference", "GB-RA-2026-999999"))).andReturn();

        // then it is refused, nothing of the record is in the answer, and the refusal is audited under that case
        assertRefused(result, 403, "CASE_NOT_FOUND_FOR_PURPOSE", officer, "RECORD_VIEW");
        assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(result.getResponse().getContentAsString()).doesNotContain("DOE").doesNotContain("payload");
        assertThat(lastAudit(officer)).containsEntry("case_reference", "GB-RA-2026-999999")
                .containsEntry("resource", "record:" + readmissionRequest);
    }

    @Test
    void liaisonOfficerStatingAnInventedCaseCannotSearchRecordsEither() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", "GB-RA-2026-999999"))).andReturn();

        assertRefused(result, 403, "CASE_NOT_FOUND_FOR_PURPOSE", officer, "RECORDS_QUERY");
    }

    @Test
    void liaisonOfficerStatingAnotherPartnersCaseIsRefusedAsIfItDidNotExist() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records/" + GERMAN_CASE)
                .param("purpose", "READMISSION_CASE").param("caseReference", GERMAN_CASE))).andReturn();

        assertRefused(result, 403, "CASE_NOT_FOUND_FOR_PURPOSE", officer, "RECORD_VIEW");
    }

    @Test
    void liaisonOfficerStatingOneCaseCannotViewAMessageOrCaseOfAnotherCaseOfTheSamePartner() throws Exception {
        // given an officer of FR working on the search case
        Caller officer = officer("FR");

        // when they ask for the readmission request, and the case, of another FR case
        MvcResult message = mvc.perform(as(officer, get("/api/v1/records/" + readmissionRequest)
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn();
        String messageAnswer = message.getResponse().getContentAsString();
        assertRefused(message, 403, "RECORD_NOT_IN_CASE", officer, "RECORD_VIEW");
        MvcResult theCase = mvc.perform(as(officer, get("/api/v1/records/" + readmissionCase)
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn();

        // then both are refused, audited under the case they stated, and nothing of either is returned
        assertRefused(theCase, 403, "RECORD_NOT_IN_CASE", officer, "RECORD_VIEW");
        assertThat(lastAudit(officer)).containsEntry("case_reference", SEARCH_CASE)
                .containsEntry("resource", "record:" + readmissionCase);
        assertThat(messageAnswer).doesNotContain("DOE").doesNotContain(readmissionCase);
    }

    @Test
    void liaisonOfficerStatingTheRightCaseSeesTheCaseAndItsMessages() throws Exception {
        Caller officer = officer("FR");

        JsonNode theCase = json(mvc.perform(as(officer, get("/api/v1/records/" + SEARCH_CASE)
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
        JsonNode message = json(mvc.perform(as(officer, get("/api/v1/records/" + bsToFrance)
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);

        assertThat(theCase.get("record").get("caseKind").asText()).isEqualTo("READMISSION");
        assertThat(theCase.get("messages").toString()).contains(bsToFrance).doesNotContain(bsToGermany);
        assertThat(message.get("record").get("id").asText()).isEqualTo(bsToFrance);
        assertThat(lastAudit(officer)).containsEntry("outcome", "GRANTED").containsEntry("case_reference", SEARCH_CASE);
    }

    @Test
    void liaisonOfficerWithAReadmissionPurposeForAnAdmissionCaseIsRefused() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, get("/api/v1/records/" + ADMISSION_CASE)
                .param("purpose", "READMISSION_CASE").param("caseReference", ADMISSION_CASE))).andReturn();

        assertRefused(result, 403, "PURPOSE_CASE_MISMATCH", officer, "RECORD_VIEW");
    }

    @Test
    void aClosedCaseIsRefusedForLiveCaseworkButSeenForAComplianceReview() throws Exception {
        Caller officer = officer("FR");

        MvcResult casework = mvc.perform(as(officer, get("/api/v1/records/" + CLOSED_CASE)
                .param("purpose", "READMISSION_CASE").param("caseReference", CLOSED_CASE))).andReturn();
        assertRefused(casework, 403, "CASE_CLOSED_FOR_PURPOSE", officer, "RECORD_VIEW");
        JsonNode review = json(mvc.perform(as(officer, get("/api/v1/records/" + CLOSED_CASE)
                .param("purpose", "COMPLIANCE_REVIEW").param("caseReference", CLOSED_CASE))).andReturn(), 200);

        assertThat(review.get("record").get("status").asText()).isEqualTo("TRANSFERRED");
    }

    @Test
    void liaisonOfficerOverTheViewLimitIsRefusedWith429AndAudited() throws Exception {
        // given an officer who has made as many views as the limit allows
        Caller officer = officer("FR");
        for (int i = 0; i < VIEW_LIMIT; i++) {
            json(mvc.perform(as(officer, get("/api/v1/records/" + bsToFrance)
                    .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
        }

        // when they view once more
        MvcResult result = mvc.perform(as(officer, get("/api/v1/records/" + bsToFrance)
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn();

        // then it is refused without the record, and audited; their searches and other people's views go on
        assertRefused(result, 429, "VIEW_RATE_LIMITED", officer, "RECORD_VIEW");
        assertThat(result.getResponse().getContentAsString()).doesNotContain("payloadSha256");
        json(mvc.perform(as(officer, get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
        json(mvc.perform(as(officer("FR"), get("/api/v1/records/" + bsToFrance)
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
    }

    // ---- caseworkers ----------------------------------------------------------------------------------------

    @Test
    void caseOpenedByARequestGetsTheTeamConfiguredForItsKindAndPartner() {
        String team = jdbc.sql("select team from readmission_case where case_reference = :ref")
                .param("ref", readmissionCase).query(String.class).single();

        assertThat(team).isEqualTo("returns-fr");
    }

    @Test
    void caseworkerSeesTheCasesOfTheirTeamAndTheirMessagesOnly() throws Exception {
        Caller caseworker = caseworker("returns-fr");

        JsonNode page = json(mvc.perform(as(caseworker, get("/api/v1/records").param("size", "100"))).andReturn(), 200);

        assertThat(ids(page)).contains(readmissionCase, readmissionRequest)
                .doesNotContain(ADMISSION_CASE, admissionMessage, bsToFrance, bsToGermany);
        for (JsonNode item : page.get("items")) {
            assertThat(item.get("team").asText()).isEqualTo("returns-fr");
        }
        assertThat(lastAudit(caseworker)).containsEntry("outcome", "GRANTED").containsEntry("actor_role", "CASEWORKER");
    }

    @Test
    void caseworkerCannotViewAnotherTeamsCase() throws Exception {
        Caller caseworker = caseworker("returns-fr");

        MvcResult result = mvc.perform(as(caseworker, get("/api/v1/records/" + ADMISSION_CASE))).andReturn();

        assertRefused(result, 403, "TEAM_NOT_ALLOWED", caseworker, "RECORD_VIEW");
    }

    @Test
    void caseworkerCannotViewAMessageOfAnotherTeamsCase() throws Exception {
        Caller caseworker = caseworker("returns-fr");

        MvcResult result = mvc.perform(as(caseworker, get("/api/v1/records/" + admissionMessage))).andReturn();

        assertRefused(result, 403, "TEAM_NOT_ALLOWED", caseworker, "RECORD_VIEW");
    }

    @Test
    void caseworkerSearchNamingAnotherTeamsCaseIsRefused() throws Exception {
        Caller caseworker = caseworker("returns-fr");

        MvcResult result = mvc.perform(as(caseworker, get("/api/v1/records").param("caseReference", ADMISSION_CASE)))
                .andReturn();

        assertRefused(result, 403, "TEAM_NOT_ALLOWED", caseworker, "RECORDS_QUERY");
    }

    @Test
    void caseworkerOfTheOtherTeamSeesThatCaseWithItsHistory() throws Exception {
        Caller caseworker = caseworker("legal-route");

        JsonNode view = json(mvc.perform(as(caseworker, get("/api/v1/records/" + ADMISSION_CASE))).andReturn(), 200);

        assertThat(view.get("record").get("kind").asText()).isEqualTo("CASE");
        assertThat(view.get("record").get("caseKind").asText()).isEqualTo("ADMISSION");
        assertThat(view.get("messages").toString()).contains(admissionMessage);
    }

    @Test
    void caseworkerCannotOpenAnotherTeamsAdmissionCaseThroughTheCaseworkApi() throws Exception {
        Caller other = caseworker("returns-fr");
        Caller own = caseworker("legal-route");

        MvcResult refused = mvc.perform(as(other, get("/api/v1/admissions/cases/" + ADMISSION_CASE))).andReturn();
        // (checked before the list below, which is audited as the caseworker's latest entry, API_VIEW)
        assertRefused(refused, 403, "TEAM_NOT_ALLOWED", other, "ADMISSION_CASE_VIEW");
        JsonNode listed = json(mvc.perform(as(other, get("/api/v1/admissions/cases"))).andReturn(), 200);
        JsonNode shown = json(mvc.perform(as(own, get("/api/v1/admissions/cases/" + ADMISSION_CASE))).andReturn(), 200);

        assertThat(listed.toString()).doesNotContain(ADMISSION_CASE);
        assertThat(shown.get("caseReference").asText()).isEqualTo(ADMISSION_CASE);
    }

    @Test
    void caseworkerWithoutATeamIsRefused() throws Exception {
        Caller caseworker = new Caller("cw-none", Caller.Kind.PERSON, Set.of(Caller.Role.CASEWORKER), null, null);

        MvcResult result = mvc.perform(as(caseworker, get("/api/v1/records"))).andReturn();

        assertRefused(result, 403, "TEAM_NOT_ALLOWED", caseworker, "RECORDS_QUERY");
    }

    @Test
    void caseworkerSeesPayloadFieldsIncludingScreeningButNoBiometricBytes() throws Exception {
        MvcResult result = mvc.perform(as(caseworker("returns-fr"), get("/api/v1/records/" + readmissionRequest)))
                .andReturn();

        JsonNode payload = json(result, 200).get("payload");
        assertThat(field(payload, "/Envelope/Body/ReadmissionRequest/VulnerabilityScreening/UnaccompaniedChild")
                .get("value").asText()).isEqualTo("false");
        assertNoBiometricBytes(result);
    }

    // ---- auditors and administrators ------------------------------------------------------------------------

    @Test
    void auditorSeesMetadataOfEveryPartnerButThePayloadIsWithheld() throws Exception {
        Caller auditor = person("auditor", Caller.Role.AUDITOR);

        JsonNode page = json(mvc.perform(as(auditor, get("/api/v1/records").param("size", "100"))).andReturn(), 200);
        MvcResult view = mvc.perform(as(auditor, get("/api/v1/records/" + readmissionRequest))).andReturn();

        assertThat(ids(page)).contains(bsToFrance, bsToGermany, readmissionCase, ADMISSION_CASE);
        JsonNode detail = json(view, 200);
        assertThat(detail.get("payload").get("shown").asText()).isEqualTo("WITHHELD");
        assertThat(detail.get("payload").get("reason").asText()).isEqualTo("withheld (AUDITOR)");
        assertThat(detail.get("payload").get("fields")).isEmpty();
        assertThat(detail.get("payloadSha256").asText()).hasSize(64);
        assertThat(view.getResponse().getContentAsString()).doesNotContain("DOE").doesNotContain("ER1234567");
        assertNoBiometricBytes(view);
        assertThat(lastAudit(auditor)).containsEntry("action", "RECORD_VIEW").containsEntry("actor_role", "AUDITOR");
    }

    @Test
    void administratorSeesMetadataButThePayloadIsWithheld() throws Exception {
        Caller admin = person("admin", Caller.Role.ADMIN);

        MvcResult view = mvc.perform(as(admin, get("/api/v1/records/" + bsToGermany))).andReturn();

        JsonNode detail = json(view, 200);
        assertThat(detail.get("record").get("partner").asText()).isEqualTo("DE");
        assertThat(detail.get("payload").get("reason").asText()).isEqualTo("withheld (ADMIN)");
        assertThat(detail.get("payload").get("biometrics")).isEmpty();
        assertNoBiometricBytes(view);
    }

    @Test
    void auditorCannotSubmitABiometricSearch() throws Exception {
        Caller auditor = person("auditor", Caller.Role.AUDITOR);

        MvcResult result = mvc.perform(as(auditor, post("/api/v1/searches")
                .param("partner", "FR").param("purpose", PURPOSE).param("caseReference", SEARCH_CASE)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(transaction))).andReturn();

        assertThat(result.getResponse().getStatus()).isEqualTo(403);
        assertThat(json(result, 403).get("code").asText()).isEqualTo("FORBIDDEN");
    }

    @Test
    void liaisonOfficerSearchWithoutATransactionIsRefusedAndAudited() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, post("/api/v1/searches")
                .param("partner", "FR").param("purpose", PURPOSE).param("caseReference", SEARCH_CASE)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(new byte[0]))).andReturn();

        assertRefused(result, 400, "SEARCH_REQUEST_INVALID", officer, "BIOMETRIC_SEARCH");
    }

    // ---- the gallery's gate on an admission decision ---------------------------------------------------------------

    @Test
    void anEligibleResultBeforeTheGallerySearchedTheApplicantIsRefused() {
        // given an admission case this node decides, whose applicant's fingerprints the gallery has not searched yet
        String unsearched = "FR-AD-2026-000555";
        Instant now = Instant.now();
        jdbc.sql("""
                insert into admission_case (case_reference, partner, role, state, eoi_id, opened_at, presence_due_at,
                  updated_at, version, team)
                values (:ref, 'FR', 'DECIDING', 'BIOMETRICS_CAPTURED', 'FR-EOI-2026-000555', :now, :now,
                  :now, 0, 'legal-route')""").param("ref", unsearched).param("now", now.atOffset(ZoneOffset.UTC))
                .update();
        String eligible = new String(withCaseReference(envelope("EligibilityResult", "FR"), "adm", unsearched),
                StandardCharsets.UTF_8).replace("<adm:Result>INELIGIBLE</adm:Result>", "<adm:Result>ELIGIBLE</adm:Result>")
                .replaceAll("\\s*<adm:ReasonCode>[A-Z_]+</adm:ReasonCode>", "");

        // when the back-end submits an ELIGIBLE result, then it is refused until the gallery has searched
        assertThatThrownBy(() -> intake.submit(eligible.getBytes(StandardCharsets.UTF_8), "backend"))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.code()).isEqualTo(GatewayErrorCode.GALLERY_SEARCH_PENDING));
    }

    // ---- subject access -----------------------------------------------------------------------------------------

    @Test
    void aSubjectAccessRequestFindsThePersonByIdentityExportsTheirRecordsAndIsRecorded() throws Exception {
        Caller system = new Caller("subject-access-unit", Caller.Kind.SYSTEM, java.util.Set.of(Caller.Role.SYSTEM), null,
                null);

        // when the subject-access unit's system asks about the person of the readmission request, by identity
        MvcResult result = mvc.perform(as(system, post("/api/v1/records/subject-access")
                .contentType(MediaType.APPLICATION_JSON).content("""
                        {"requestReference": "SAR-2026-0042", "familyName": "doe", "givenNames": "john",
                         "dateOfBirth": "1994-07-21"}"""))).andReturn();

        // then their case is found by identity and exported with its messages, the fingerprints described only
        JsonNode export = json(result, 200);
        List<String> found = new ArrayList<>();
        export.get("foundByIdentity").forEach(r -> found.add(r.asText()));
        assertThat(found).contains(readmissionCase);
        List<String> messages = new ArrayList<>();
        export.get("messages").forEach(m -> messages.add(m.get("record").get("id").asText()));
        assertThat(messages).contains(readmissionRequest);
        assertThat(result.getResponse().getContentAsString()).contains("DOE");
        assertNoBiometricBytes(result);
        // and the export is recorded with its reference
        assertThat(lastAudit(system)).containsEntry("action", "SUBJECT_ACCESS_EXPORTED")
                .containsEntry("outcome", "GRANTED").containsEntry("resource", "subject-access:SAR-2026-0042");

        // someone else is not found; a request naming nobody is refused; nobody but the system may ask
        JsonNode other = json(mvc.perform(as(system, post("/api/v1/records/subject-access")
                .contentType(MediaType.APPLICATION_JSON).content("""
                        {"requestReference": "SAR-2026-0043", "familyName": "ROE", "givenNames": "John",
                         "dateOfBirth": "1994-07-21"}""")))
                .andReturn(), 200);
        assertThat(other.get("cases")).isEmpty();
        MvcResult nobody = mvc.perform(as(system, post("/api/v1/records/subject-access")
                .contentType(MediaType.APPLICATION_JSON).content("{\"requestReference\": \"SAR-2026-0044\"}"))).andReturn();
        assertThat(json(nobody, 400).get("code").asText()).isEqualTo("SUBJECT_ACCESS_INVALID");
        // a family name and a date of birth without given names could be anybody's
        MvcResult vague = mvc.perform(as(system, post("/api/v1/records/subject-access")
                .contentType(MediaType.APPLICATION_JSON).content("""
                        {"requestReference": "SAR-2026-0045", "familyName": "DOE", "dateOfBirth": "1994-07-21"}""")))
                .andReturn();
        assertThat(json(vague, 400).get("code").asText()).isEqualTo("SUBJECT_ACCESS_INVALID");
        // a system that is not the subject-access unit's may not ask
        Caller otherSystem = new Caller("another-system", Caller.Kind.SYSTEM, java.util.Set.of(Caller.Role.SYSTEM), null, null);
        assertThat(mvc.perform(as(otherSystem, post("/api/v1/records/subject-access").contentType(MediaType.APPLICATION_JSON)
                .content("{\"requestReference\": \"SAR-2\", \"caseReferences\": [\"" + readmissionCase + "\"]}")))
                .andReturn().getResponse().getStatus()).isEqualTo(403);
        Caller auditor = person("auditor", Caller.Role.AUDITOR);
        assertThat(mvc.perform(as(auditor, post("/api/v1/records/subject-access").contentType(MediaType.APPLICATION_JSON)
                .content("{\"requestReference\": \"SAR-1\", \"caseReferences\": [\"" + readmissionCase + "\"]}")))
                .andReturn().getResponse().getStatus()).isEqualTo(403);
    }

    // ---- what no caller finds ----------------------------------------------------------------------------------

    @Test
    void aRecordThatDoesNotExistIsNotFoundAndAudited() throws Exception {
        Caller system = system();

        MvcResult result = mvc.perform(as(system, get("/api/v1/records/GB-RA-2026-999999"))).andReturn();

        assertRefused(result, 404, "RECORD_NOT_FOUND", system, "RECORD_VIEW");
    }

    @Test
    void anAdmissionCaseThatDoesNotExistIsNotFound() throws Exception {
        MvcResult result = mvc.perform(as(system(), get("/api/v1/admissions/cases/GB-AD-2026-999999"))).andReturn();

        assertThat(json(result, 404).get("code").asText()).isEqualTo("ADMISSION_CASE_NOT_FOUND");
    }

    @Test
    void anActionOnAReadmissionCaseThatDoesNotExistIsNotFound() throws Exception {
        MvcResult result = mvc.perform(as(system(), post("/api/v1/cases/readmission/GB-RA-2026-999998/actions")
                .contentType(MediaType.APPLICATION_JSON).content("{\"action\": \"SUSPEND\"}"))).andReturn();

        assertThat(json(result, 404).get("code").asText()).isEqualTo("READMISSION_CASE_NOT_FOUND");
    }

    @Test
    void anActionOnACaseHeldWithTwoPartnersMustNameThePartner() throws Exception {
        String twin = "GB-RA-2026-000888";
        readmissionCaseOf(twin, "FR", "ACKNOWLEDGED");
        readmissionCaseOf(twin, "DE", "ACKNOWLEDGED");

        MvcResult result = mvc.perform(as(system(), post("/api/v1/cases/readmission/" + twin + "/actions")
                .contentType(MediaType.APPLICATION_JSON).content("{\"action\": \"SUSPEND\"}"))).andReturn();

        assertThat(json(result, 409).get("code").asText()).isEqualTo("CASE_PARTNER_REQUIRED");
    }

    @Test
    void aRecordsQueryNoRepresentationOfWhichIsAcceptableIsRefused() throws Exception {
        MvcResult result = mvc.perform(as(system(), get("/api/v1/records").accept(MediaType.APPLICATION_PDF)))
                .andReturn();

        assertThat(json(result, 406).get("code").asText()).isEqualTo("NOT_ACCEPTABLE");
    }

    // ---- systems --------------------------------------------------------------------------------------------

    @Test
    void systemSeesEveryPayloadFieldButTheBiometricSetOnlyByDigestSizeAndCounts() throws Exception {
        MvcResult result = mvc.perform(as(system(), get("/api/v1/records/" + readmissionRequest))).andReturn();

        JsonNode detail = json(result, 200);
        JsonNode payload = detail.get("payload");
        assertThat(field(payload, "/Envelope/Body/ReadmissionRequest/Document[1]/Number").get("value").asText())
                .isEqualTo("ER1234567");
        assertThat(field(payload, "/Envelope/Body/ReadmissionRequest/BiometricSet").get("withheld").asText())
                .isEqualTo("BIOMETRICS");
        assertThat(paths(payload)).noneMatch(p -> p.contains("/BiometricSet/"));
        JsonNode biometrics = payload.get("biometrics").get(0);
        assertThat(biometrics.get("sha256").asText()).isEqualTo(Digests.sha256Hex(transaction));
        assertThat(biometrics.get("size").asInt()).isEqualTo(transaction.length);
        assertThat(biometrics.get("fingerprintRecords").get("type-4").asInt()).isEqualTo(2);
        assertThat(biometrics.get("fingerprintRecords").get("type-14").asInt()).isEqualTo(1);
        assertThat(detail.get("record").get("history").toString()).contains("RECEIVED", "VALIDATED");
        assertNoBiometricBytes(result);
    }

    @Test
    void eachResultCarriesItsStatusHistory() throws Exception {
        JsonNode page = json(mvc.perform(as(system(), get("/api/v1/records")
                .param("caseReference", readmissionCase))).andReturn(), 200);

        for (JsonNode item : page.get("items")) {
            assertThat(item.get("history")).isNotEmpty();
        }
        assertThat(ids(page)).containsExactlyInAnyOrder(readmissionCase, readmissionRequest);
    }

    @Test
    void searchesArePaginatedAndSortedOnAFixedListOfFields() throws Exception {
        JsonNode first = json(mvc.perform(as(system(), get("/api/v1/records")
                .param("kind", "MESSAGE").param("size", "1").param("sort", "messageType,asc"))).andReturn(), 200);
        JsonNode second = json(mvc.perform(as(system(), get("/api/v1/records")
                .param("kind", "MESSAGE").param("size", "1").param("page", "1").param("sort", "messageType,asc")))
                .andReturn(), 200);

        assertThat(first.get("items")).hasSize(1);
        assertThat(first.get("total").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(first.get("items").get(0).get("messageType").asText())
                .isLessThanOrEqualTo(second.get("items").get(0).get("messageType").asText());
        assertThat(ids(first)).doesNotContainAnyElementsOf(ids(second));

        MvcResult badSort = mvc.perform(as(system(), get("/api/v1/records").param("sort", "payload_sha256,asc"))).andReturn();
        assertThat(json(badSort, 400).get("code").asText()).isEqualTo("RECORD_QUERY_INVALID");
        MvcResult tooBig = mvc.perform(as(system(), get("/api/v1/records").param("size", "101"))).andReturn();
        assertThat(json(tooBig, 400).get("code").asText()).isEqualTo("RECORD_QUERY_INVALID");
    }

    @Test
    void searchesFilterByTypePartnerAndTimeRange() throws Exception {
        JsonNode toGermany = json(mvc.perform(as(system(), get("/api/v1/records")
                .param("partner", "DE").param("messageType", "BiometricSearchRequest"))).andReturn(), 200);
        JsonNode future = json(mvc.perform(as(system(), get("/api/v1/records")
                .param("from", Instant.now().plus(1, ChronoUnit.DAYS).toString()))).andReturn(), 200);

        assertThat(ids(toGermany)).containsExactly(bsToGermany);
        assertThat(future.get("total").asLong()).isZero();
    }

    // ---- officer biometric searches -------------------------------------------------------------------------

    @Test
    void liaisonOfficerSearchOfTheirPartnerIsSentWithAPseudonymAndAudited() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, post("/api/v1/searches")
                .param("partner", "FR").param("purpose", PURPOSE).param("caseReference", SEARCH_CASE)
                .param("urgency", "URGENT")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(transaction))).andReturn();

        String id = json(result, 202).get("messageId").asText();
        assertThat(store.find(id)).hasValueSatisfying(m -> {
            assertThat(m.messageType()).isEqualTo("BiometricSearchRequest");
            assertThat(m.toParty()).isEqualTo("FR");
            assertThat(m.status()).isEqualTo(MessageStatus.VALIDATED);
        });
        JsonNode payload = json(mvc.perform(as(system(), get("/api/v1/records/" + id))).andReturn(), 200).get("payload");
        assertThat(field(payload, "/Envelope/Body/BiometricSearchRequest/Purpose").get("value").asText())
                .isEqualTo("IDENTITY_ESTABLISHMENT");
        assertThat(field(payload, "/Envelope/Body/BiometricSearchRequest/OperatorId").get("value").asText())
                .startsWith("op-").doesNotContain(officer.name());
        assertThat(payload.get("biometrics").get(0).get("sha256").asText()).isEqualTo(Digests.sha256Hex(transaction));
        auditTrail.latest(1); // seals what is staged
        Map<String, Object> audit = jdbc.sql("""
                select * from audit_event where actor = :actor and action = 'BIOMETRIC_SEARCH' order by id desc
                fetch first 1 rows only""").param("actor", officer.name()).query().singleRow();
        assertThat(audit).containsEntry("outcome", "GRANTED").containsEntry("message_id", id)
                .containsEntry("purpose", PURPOSE).containsEntry("case_reference", SEARCH_CASE);
        // and the officer finds the search, and later its answer, among the records of the case
        JsonNode page = json(mvc.perform(as(officer("FR"), get("/api/v1/records")
                .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
        assertThat(ids(page)).contains(id);
    }

    @Test
    void liaisonOfficerSearchForAnUnknownCaseIsRefusedAndNothingIsSent() throws Exception {
        Caller officer = officer("FR");
        long before = messages();

        MvcResult result = mvc.perform(as(officer, post("/api/v1/searches")
                .param("partner", "FR").param("purpose", PURPOSE).param("caseReference", "GB-BS-2026-000099")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(transaction))).andReturn();

        assertRefused(result, 403, "CASE_NOT_FOUND_FOR_PURPOSE", officer, "BIOMETRIC_SEARCH");
        assertThat(messages()).isEqualTo(before);
    }

    @Test
    void liaisonOfficerCannotSearchAnotherPartnerState() throws Exception {
        Caller officer = officer("FR");
        long before = messages();

        MvcResult result = mvc.perform(as(officer, post("/api/v1/searches")
                .param("partner", "DE").param("purpose", PURPOSE).param("caseReference", "GB-BS-2026-000100")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(transaction))).andReturn();

        assertRefused(result, 403, "PARTNER_NOT_ALLOWED", officer, "BIOMETRIC_SEARCH");
        assertThat(messages()).isEqualTo(before);
    }

    @Test
    void liaisonOfficerSearchForACompliancePurposeIsRefused() throws Exception {
        Caller officer = officer("FR");

        MvcResult result = mvc.perform(as(officer, post("/api/v1/searches")
                .param("partner", "FR").param("purpose", "COMPLIANCE_REVIEW").param("caseReference", SEARCH_CASE)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(transaction))).andReturn();

        assertRefused(result, 403, "PURPOSE_REQUIRED", officer, "BIOMETRIC_SEARCH");
    }

    @Test
    void liaisonOfficerSearchesAreRateLimited() throws Exception {
        Caller officer = officer("FR");
        for (int i = 0; i < SEARCH_LIMIT; i++) {
            json(mvc.perform(as(officer, get("/api/v1/records")
                    .param("purpose", PURPOSE).param("caseReference", SEARCH_CASE))).andReturn(), 200);
        }
        long before = messages();

        MvcResult result = mvc.perform(as(officer, post("/api/v1/searches")
                .param("partner", "FR").param("purpose", PURPOSE).param("caseReference", SEARCH_CASE)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).content(transaction))).andReturn();

        assertRefused(result, 429, "SEARCH_RATE_LIMITED", officer, "BIOMETRIC_SEARCH");
        assertThat(messages()).isEqualTo(before);
    }

    // ---- nobody ---------------------------------------------------------------------------------------------

    @Test
    void noRoleEverReceivesBiometricBytesFromAListOrAView() throws Exception {
        List<MockHttpServletRequestBuilder> requests = new ArrayList<>();
        for (Caller caller : List.of(system(), person("auditor", Caller.Role.AUDITOR), person("admin", Caller.Role.ADMIN),
                caseworker("returns-fr"), officer("FR"))) {
            requests.add(as(caller, get("/api/v1/records").param("size", "100")
                    .param("purpose", "READMISSION_CASE").param("caseReference", readmissionCase)));
            for (String id : List.of(bsToFrance, bsToGermany, readmissionRequest, readmissionCase)) {
                requests.add(as(caller, get("/api/v1/records/" + id)
                        .param("purpose", "READMISSION_CASE").param("caseReference", readmissionCase)));
            }
        }
        int shown = 0;
        for (MockHttpServletRequestBuilder request : requests) {
            MvcResult result = mvc.perform(request).andReturn();
            assertNoBiometricBytes(result);
            shown += result.getResponse().getStatus() == 200 ? 1 : 0;
        }
        assertThat(shown).isGreaterThan(10);
    }

    // ---- the API description --------------------------------------------------------------------------------

    @Test
    void theApiDescriptionNamesTheRolesOfEveryRecordsEndpoint() throws Exception {
        MvcResult result = mvc.perform(get("/v3/api-docs")).andReturn();

        JsonNode paths = json(result, 200).get("paths");
        assertThat(paths.get("/api/v1/records").get("get").get("summary").asText())
                .contains("LIAISON_OFFICER", "CASEWORKER", "AUDITOR", "ADMIN", "SYSTEM");
        assertThat(paths.get("/api/v1/records/{id}").get("get").get("summary").asText())
                .contains("LIAISON_OFFICER", "CASEWORKER", "AUDITOR", "ADMIN", "SYSTEM");
        assertThat(paths.get("/api/v1/searches").get("post").get("summary").asText()).contains("LIAISON_OFFICER");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    static Path folder() {
        try {
            Path dir = java.nio.file.Files.createTempDirectory("records-access");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode json(MvcResult result, int status) throws Exception {
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(body).isEqualTo(status);
        return JSON.readTree(body);
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    static JsonNode field(JsonNode payload, String path) {
        for (JsonNode f : payload.get("fields")) {
            if (f.get("path").asText().equals(path)) {
                return f;
            }
        }
        throw new AssertionError("No field " + path + " in " + paths(payload));
    }

    static List<String> paths(JsonNode payload) {
        List<String> paths = new ArrayList<>();
        payload.get("fields").forEach(f -> paths.add(f.get("path").asText()));
        return paths;
    }

    void assertRefused(MvcResult result, int status, String code, Caller caller, String action) throws Exception {
        assertThat(json(result, status).get("code").asText()).isEqualTo(code);
        assertThat(lastAudit(caller)).containsEntry("action", action).containsEntry("outcome", "REFUSED")
                .containsEntry("code", code).containsEntry("actor_role", caller.auditRole());
    }

    /** The body holds neither the transaction (base64, hex or raw) nor any 48-byte stretch of it in base64. */
    void assertNoBiometricBytes(MvcResult result) throws Exception {
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        String base64 = Base64.getEncoder().encodeToString(transaction);
        assertThat(body).doesNotContain(base64.substring(0, 64));
        for (int offset = 0; offset + 48 <= transaction.length; offset += transaction.length / 16) {
            byte[] stretch = java.util.Arrays.copyOfRange(transaction, offset, offset + 48);
            assertThat(body).doesNotContain(Base64.getEncoder().encodeToString(stretch))
                    .doesNotContain(HexFormat.of().formatHex(stretch))
                    .doesNotContain(new String(stretch, StandardCharsets.ISO_8859_1));
        }
    }

    Map<String, Object> lastAudit(Caller caller) {
        auditTrail.latest(1); // seals what is staged
        return jdbc.sql("select * from audit_event where actor = :actor order by id desc fetch first 1 rows only")
                .param("actor", caller.name()).query().singleRow();
    }

    long messages() {
        return jdbc.sql("select count(*) from message").query(Long.class).single();
    }

    void readmissionCaseOf(String caseReference, String partner, String state) {
        Instant now = Instant.now();
        jdbc.sql("""
                insert into readmission_case (case_reference, partner, role, state, conversation_id, request_message_id,
                  arrived_at, requested_at, process_due, created_at, updated_at, team)
                values (:ref, :partner, 'REQUESTING', :state, :conversation, :request, :now, :now, :due, :now, :now,
                  'general')""").param("ref", caseReference).param("partner", partner).param("state", state)
                .param("conversation", UUID.randomUUID().toString()).param("request", UUID.randomUUID().toString())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .param("due", now.plus(90, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC)).update();
    }

    String storeDirectly(byte[] xml, String to, String caseReference) {
        String id = header(xml, "MessageId");
        Instant now = Instant.now();
        store.accept(new NewMessage(id, Direction.OUTBOUND, header(xml, "MessageType"), header(xml, "ConversationId"),
                        null, "GB", to, now, now.plus(7, ChronoUnit.DAYS), Digests.sha256Hex(xml), xml.length, false),
                xml, List.of(MessageStatus.RECEIVED, MessageStatus.VALIDATED), List.of(new OutboxTarget(OutboxKind.SEND, to)));
        jdbc.sql("insert into message_case (message_id, case_reference) values (:id, :ref)")
                .param("id", id).param("ref", caseReference).update();
        return id;
    }

    public static byte[] envelope(String type, String to) {
        String xml = new String(SampleMessages.load("/samples/valid/" + type + ".xml"), StandardCharsets.UTF_8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        xml = replace(xml, "cmn:MessageId", UUID.randomUUID().toString());
        xml = replace(xml, "cmn:ConversationId", UUID.randomUUID().toString());
        xml = replace(xml, "cmn:From", "GB");
        xml = replace(xml, "cmn:To", to);
        xml = replace(xml, "cmn:CreatedAt", now.toString());
        xml = replace(xml, "cmn:ExpiresAt", now.plus(7, ChronoUnit.DAYS).toString());
        xml = replace(xml, "cmn:TestIndicator", "false");   // live traffic (the samples are marked as tests)
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] readmissionRequest(String caseReference) {
        String xml = new String(envelope("ReadmissionRequest", "FR"), StandardCharsets.UTF_8);
        Instant arrived = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        LocalDate arrival = LocalDate.ofInstant(arrived, ZoneOffset.UTC);
        xml = replace(xml, "ra:CaseReference", caseReference);
        xml = replace(xml, "ra:ArrivedAt", arrived.toString());
        xml = replace(xml, "ra:ScreenedOn", arrival.toString());
        xml = replace(xml, "ra:ProposedTransferDate", arrival.plusDays(20).toString());
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] withCaseReference(byte[] xml, String prefix, String caseReference) {
        return replace(new String(xml, StandardCharsets.UTF_8), prefix + ":CaseReference", caseReference)
                .getBytes(StandardCharsets.UTF_8);
    }

    public static String header(byte[] xml, String name) {
        Matcher m = Pattern.compile("<cmn:" + name + ">([^<]*)</cmn:" + name + ">")
                .matcher(new String(xml, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalArgumentException("No " + name);
        }
        return m.group(1);
    }

    static String replace(String xml, String element, String value) {
        Matcher m = Pattern.compile("<" + element + ">[^<]*</" + element + ">").matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("No " + element + " in the sample");
        }
        return xml.substring(0, m.start()) + "<" + element + ">" + value + "</" + element + ">" + xml.substring(m.end());
    }
}
