package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.gateway.access.TestCallers.as;
import static org.passerelle.gateway.console.ConsoleRecordsSupport.assertNoBiometricBytes;
import static org.passerelle.gateway.console.ConsoleRecordsSupport.body;
import static org.passerelle.gateway.access.TestCallers.caseworker;
import static org.passerelle.gateway.console.ConsoleRecordsSupport.envelope;
import static org.passerelle.gateway.access.TestCallers.officer;
import static org.passerelle.gateway.access.TestCallers.person;
import static org.passerelle.gateway.console.ConsoleRecordsSupport.storeDirectly;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The console's records pages for each role, through the real security chain and the records service the API uses:
 * what each person sees, what they are refused (the no-access page with the code, audited), a liaison officer's
 * working context, a case's deadlines and timeline, a message's payload as policy shows it — biometric bytes never.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordsPagesTest {

    /** The open readmission case the searches are made for, held with FR and (for the DE officer) with DE. */
    static final String BS_CASE = "GB-RA-2026-000042";
    static final String ADMISSION_CASE = "FR-AD-2026-000777";
    static final String LISTED_CASE = "GB-XX-2026-000001";
    static final Path data = ConsoleRecordsSupport.folder("records-pages");

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        r.add("passerelle.casework.teams.default-team", () -> "general");
        r.add("passerelle.casework.teams.readmission.FR", () -> "returns-fr");
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
    AuditTrail audit;

    MockMvc mvc;
    byte[] transaction;
    String bsToFrance;
    String bsToGermany;
    String readmissionCase;
    String readmissionRequest;

    @BeforeAll
    void seed() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(SecurityMockMvcConfigurers.springSecurity()).build();
        transaction = SampleMessages.biometricSample("type-4-14-slaps.an2");
        ConsoleRecordsSupport.readmissionCaseOf(jdbc, BS_CASE, "FR", "ACKNOWLEDGED");
        ConsoleRecordsSupport.readmissionCaseOf(jdbc, BS_CASE, "DE", "ACKNOWLEDGED");
        bsToFrance = intake.submit(ConsoleRecordsSupport.withCaseReference(envelope("BiometricSearchRequest", "GB",
                "FR"), "bio", BS_CASE), "backend");
        bsToGermany = storeDirectly(store, jdbc, ConsoleRecordsSupport.withCaseReference(
                envelope("BiometricSearchRequest", "GB", "DE"), "bio", BS_CASE), Direction.OUTBOUND, "GB", "DE", BS_CASE);

        // A readmission case of team returns-fr, acknowledged, its reply due three days (and an hour) ago.
        readmissionCase = "GB-RA-" + LocalDate.now(ZoneOffset.UTC).getYear() + "-" + String.format("%06d", 4343);
        readmissionRequest = intake.submit(ConsoleRecordsSupport.readmissionRequest(readmissionCase), "backend");
        jdbc.sql("update readmission_case set state = 'ACKNOWLEDGED', reply_due = :due where case_reference = :ref")
                .param("due", Instant.now().minus(73, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC))
                .param("ref", readmissionCase).update();

        // An admission case of team legal-route whose person was due to present themselves two days ago.
        Instant now = Instant.now();
        jdbc.sql("""
                insert into admission_case (case_reference, partner, role, state, eoi_id, opened_at, presence_due_at,
                  updated_at, version, team)
                values (:ref, 'FR', 'DECIDING', 'EXPRESSION_OF_INTEREST_RECEIVED', 'FR-EOI-2026-000777', :opened, :due,
                  :opened, 0, 'legal-route')""").param("ref", ADMISSION_CASE)
                .param("opened", now.minus(10, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC))
                .param("due", now.minus(49, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC)).update();

        // Enough messages of one case for more than one page.
        for (int i = 0; i < 21; i++) {
            storeDirectly(store, jdbc, envelope("EligibilityResult", "GB", "FR"), Direction.OUTBOUND, "GB", "FR",
                    LISTED_CASE);
        }
    }

    // ---- liaison officers ---------------------------------------------------------------------------------------

    @Test
    void givenNoWorkingContextWhenAnOfficerOpensRecordsThenTheyAreAskedForPurposeAndCaseFirst() throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = new MockHttpSession();

        MockHttpServletResponse records = mvc.perform(as(officer, get("/console/records")).session(session))
                .andReturn().getResponse();
        MockHttpServletResponse message = mvc.perform(as(officer, get("/console/messages/" + bsToFrance))
                .session(session)).andReturn().getResponse();

        assertThat(records.getRedirectedUrl()).isEqualTo("/console/records/context");
        assertThat(message.getRedirectedUrl()).isEqualTo("/console/records/context");
        String form = body(mvc.perform(as(officer, get("/console/records/context")).session(session)).andReturn(), 200);
        assertThat(form).contains("Why and for which case are you looking at records?", "id=\"purpose\"",
                "Confirming a person&#39;s identity against a biometric search result", "for=\"caseReference\"",
                "name=\"_csrf\"");
    }

    @Test
    void givenAnIncompleteContextFormWhenSubmittedThenErrorsAreSummarisedAndNoContextIsKept() throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = new MockHttpSession();

        String page = body(mvc.perform(as(officer, post("/console/records/context").with(csrf()).session(session)
                .param("caseReference", " "))).andReturn(), 200);

        assertThat(page).contains("govuk-error-summary", "href=\"#purpose\"", "Select why you are looking at records",
                "href=\"#caseReference\"", "Enter the case reference", "<title>Error: ");
        assertThat(session.getAttribute(WorkingContext.ATTRIBUTE)).isNull();
    }

    @Test
    void givenAWorkingContextWhenAnOfficerOfFranceSearchesThenOnlyFranceRecordsOfTheCaseAreListedAndAudited()
            throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = statedContext(officer, "IDENTITY_VERIFICATION", BS_CASE);

        String page = body(mvc.perform(as(officer, get("/console/records")).session(session)).andReturn(), 200);

        assertThat(page).contains(bsToFrance, "You are working on case", BS_CASE, "id=\"change-context\"")
                .doesNotContain(bsToGermany);
        Map<String, Object> entry = ConsoleRecordsSupport.lastAudit(audit, jdbc, officer);
        assertThat(entry).containsEntry("action", "RECORDS_QUERY").containsEntry("outcome", "GRANTED")
                .containsEntry("purpose", "IDENTITY_VERIFICATION").containsEntry("case_reference", BS_CASE)
                .containsEntry("partner", "FR").containsEntry("channel", "CONSOLE");
    }

    @Test
    void givenAnOfficerOfFranceWhenTheyOpenTheSearchMessageThenFieldsAndABiometricSummaryShowButNoBytes()
            throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = statedContext(officer, "IDENTITY_VERIFICATION", BS_CASE);

        String page = body(mvc.perform(as(officer, get("/console/messages/" + bsToFrance)).session(session))
                .andReturn(), 200);

        assertThat(page).contains("Message " + bsToFrance, "Status history", "/Envelope/Header/MessageType",
                "Biometric transaction (not shown)", Digests.sha256Hex(transaction), transaction.length + " bytes");
        assertNoBiometricBytes(page, transaction);
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, officer)).containsEntry("action", "RECORD_VIEW")
                .containsEntry("outcome", "GRANTED").containsEntry("resource", "record:" + bsToFrance)
                .containsEntry("channel", "CONSOLE");
    }

    @Test
    void givenAnOfficerOfAnotherPartnerWhenTheyOpenAFranceMessageThenTheNoAccessPageShowsTheCodeAndIsAudited()
            throws Exception {
        Caller officer = officer("DE");
        MockHttpSession session = statedContext(officer, "PARTNER_LIAISON", BS_CASE);

        String page = body(mvc.perform(as(officer, get("/console/messages/" + bsToFrance)).session(session))
                .andReturn(), 403);

        assertThat(page).contains("You do not have access to this page", "PARTNER_NOT_ALLOWED")
                .doesNotContain("/Envelope/Header");
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, officer)).containsEntry("action", "RECORD_VIEW")
                .containsEntry("outcome", "REFUSED").containsEntry("code", "PARTNER_NOT_ALLOWED");
    }

    @Test
    void givenAnInventedCaseInTheWorkingContextWhenTheOfficerOpensAFranceMessageThenTheNoAccessPageShowsTheCode()
            throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = statedContext(officer, "IDENTITY_VERIFICATION", "GB-RA-2026-999999");

        String page = body(mvc.perform(as(officer, get("/console/messages/" + bsToFrance)).session(session))
                .andReturn(), 403);

        assertThat(page).contains("You do not have access to this page", "CASE_NOT_FOUND_FOR_PURPOSE")
                .doesNotContain("/Envelope/Header");
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, officer)).containsEntry("action", "RECORD_VIEW")
                .containsEntry("outcome", "REFUSED").containsEntry("code", "CASE_NOT_FOUND_FOR_PURPOSE")
                .containsEntry("case_reference", "GB-RA-2026-999999");
    }

    @Test
    void givenAWorkingContextOfOneCaseWhenTheOfficerOpensAnotherCaseOfFranceThenItIsRefused() throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = statedContext(officer, "IDENTITY_VERIFICATION", BS_CASE);

        String page = body(mvc.perform(as(officer, get("/console/cases/" + readmissionCase)).session(session))
                .andReturn(), 403);

        assertThat(page).contains("RECORD_NOT_IN_CASE").doesNotContain("Reply due");
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, officer)).containsEntry("code", "RECORD_NOT_IN_CASE");
    }

    @Test
    void givenAWorkingContextWhenTheOfficerLooksThenTheContextIsNeverInALink() throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = statedContext(officer, "IDENTITY_VERIFICATION", BS_CASE);

        String page = body(mvc.perform(as(officer, get("/console/records")).session(session)).andReturn(), 200);

        assertThat(page).doesNotContain("purpose=", "IDENTITY_VERIFICATION");
    }

    // ---- caseworkers --------------------------------------------------------------------------------------------

    @Test
    void givenACaseworkerOfTheTeamWhenTheyOpenTheCaseThenStateDeadlinesAndTimelineShowWithTheOverdueReply()
            throws Exception {
        Caller caseworker = caseworker("returns-fr");

        String page = body(mvc.perform(as(caseworker, get("/console/cases/" + readmissionCase))).andReturn(), 200);

        assertThat(page).contains("Case " + readmissionCase, "Acknowledged", "returns-fr", "Reply due", "Process due",
                "govuk-warning-text", "Reply overdue by 3 days", "/console/messages/" + readmissionRequest,
                "ReadmissionRequest sent");
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, caseworker)).containsEntry("action", "RECORD_VIEW")
                .containsEntry("outcome", "GRANTED").containsEntry("case_reference", readmissionCase);
    }

    @Test
    void givenACaseworkerOfAnotherTeamWhenTheyOpenTheCaseThenTheyAreRefusedWithTheCode() throws Exception {
        Caller caseworker = caseworker("legal-route");

        String page = body(mvc.perform(as(caseworker, get("/console/cases/" + readmissionCase))).andReturn(), 403);
        String search = body(mvc.perform(as(caseworker, get("/console/records").param("caseReference", readmissionCase)))
                .andReturn(), 403);

        assertThat(page).contains("TEAM_NOT_ALLOWED").doesNotContain("Reply due");
        assertThat(search).contains("TEAM_NOT_ALLOWED");
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, caseworker)).containsEntry("outcome", "REFUSED")
                .containsEntry("code", "TEAM_NOT_ALLOWED").containsEntry("channel", "CONSOLE");
    }

    @Test
    void givenAnAdmissionCaseWhosePersonDidNotPresentThemselvesWhenOpenedThenThePresenceDeadlineIsOverdue()
            throws Exception {
        Caller caseworker = caseworker("legal-route");

        String page = body(mvc.perform(as(caseworker, get("/console/cases/" + ADMISSION_CASE))).andReturn(), 200);

        assertThat(page).contains("Admission case", "Presence due", "Presence overdue by 2 days",
                "Expression of interest received");
    }

    @Test
    void givenACaseworkerWhenTheyFilterByAnImpossibleDateThenTheErrorIsSummarised() throws Exception {
        Caller caseworker = caseworker("returns-fr");

        String page = body(mvc.perform(as(caseworker, get("/console/records").param("from", "31/02/2026")))
                .andReturn(), 200);

        assertThat(page).contains("govuk-error-summary", "href=\"#from\"", "Enter the first day as a date")
                .doesNotContain("id=\"results\"");
    }

    @Test
    void givenACaseworkerWhenTheySearchThenOnlyTheirTeamsRecordsAreListed() throws Exception {
        Caller caseworker = caseworker("returns-fr");

        String page = body(mvc.perform(as(caseworker, get("/console/records"))).andReturn(), 200);

        assertThat(page).contains(readmissionCase, readmissionRequest).doesNotContain(ADMISSION_CASE, bsToGermany);
    }

    // ---- auditors and administrators ----------------------------------------------------------------------------

    @Test
    void givenAnAuditorWhenTheyOpenAMessageThenTheySeeMetadataAndThePayloadWithheld() throws Exception {
        Caller auditor = person(Caller.Role.AUDITOR);

        String page = body(mvc.perform(as(auditor, get("/console/messages/" + bsToFrance))).andReturn(), 200);

        assertThat(page).contains("Message " + bsToFrance, "BiometricSearchRequest", "Payload SHA-256",
                "The payload is withheld").doesNotContain("/Envelope/Header", "Biometric transaction (not shown)");
        assertNoBiometricBytes(page, transaction);
    }

    @Test
    void givenAnAdministratorWhenTheyListMessagesThenEveryPartnersAreListedPageByPage() throws Exception {
        Caller admin = person(Caller.Role.ADMIN);

        String first = body(mvc.perform(as(admin, get("/console/records").param("caseReference", LISTED_CASE)))
                .andReturn(), 200);
        String second = body(mvc.perform(as(admin, get("/console/records").param("caseReference", LISTED_CASE)
                .param("page", "1"))).andReturn(), 200);
        String all = body(mvc.perform(as(admin, get("/console/records").param("caseReference", BS_CASE)))
                .andReturn(), 200);

        assertThat(first).contains("21 records", "govuk-pagination", "aria-current=\"page\"", "Next<span");
        assertThat(second).contains("Previous<span").doesNotContain("Next<span");
        assertThat(all).contains(bsToFrance, bsToGermany);
        String message = body(mvc.perform(as(admin, get("/console/messages/" + bsToGermany))).andReturn(), 200);
        assertThat(message).contains("The payload is withheld");
    }

    // ---- not console users --------------------------------------------------------------------------------------

    @Test
    void givenASystemWhenItAsksForAConsolePageThenItIsRefused() throws Exception {
        Caller system = org.passerelle.gateway.access.TestCallers.system();

        MvcResult records = mvc.perform(as(system, get("/console/records"))).andReturn();
        MvcResult message = mvc.perform(as(system, get("/console/messages/" + bsToFrance))).andReturn();

        assertThat(records.getResponse().getStatus()).isEqualTo(403);
        assertThat(message.getResponse().getStatus()).isEqualTo(403);
        assertThat(message.getResponse().getContentAsString()).doesNotContain("/Envelope");
    }

    @Test
    void givenACaseworkerWhenTheyAskForTheOfficersContextFormThenTheyAreRefused() throws Exception {
        Caller caseworker = caseworker("returns-fr");

        String page = body(mvc.perform(as(caseworker, get("/console/records/context"))).andReturn(), 403);

        assertThat(page).contains("You do not have access to this page");
    }

    MockHttpSession statedContext(Caller officer, String purpose, String caseReference) throws Exception {
        MockHttpSession session = new MockHttpSession();
        MockHttpServletResponse stated = mvc.perform(as(officer, post("/console/records/context").with(csrf())
                .session(session).param("purpose", purpose).param("caseReference", caseReference)))
                .andReturn().getResponse();
        assertThat(stated.getRedirectedUrl()).isEqualTo("/console/records");
        return session;
    }
}
