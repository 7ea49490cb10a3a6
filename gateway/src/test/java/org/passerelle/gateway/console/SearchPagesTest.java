package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.gateway.access.TestCallers.as;
import static org.passerelle.gateway.console.ConsoleRecordsSupport.assertNoBiometricBytes;
import static org.passerelle.gateway.console.ConsoleRecordsSupport.body;
import static org.passerelle.gateway.access.TestCallers.caseworker;
import static org.passerelle.gateway.access.TestCallers.officer;
import static org.passerelle.gateway.access.TestCallers.person;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * A liaison officer's biometric search in the console: the upload form (partner fixed to their own, purpose and case
 * from their working context), the search through the same service as the searches API (intake, audit), the
 * confirmation, the search's status and the partner's answer — and no page ever holding the transaction's bytes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchPagesTest {

    /** The open readmission case with FR the officers search for. */
    static final String CASE = "GB-RA-2026-000314";
    static final int SEARCH_LIMIT = 3;
    static final Path data = ConsoleRecordsSupport.folder("search-pages");

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        r.add("passerelle.casework.teams.default-team", () -> "general");
        r.add("passerelle.access.search-limit", () -> SEARCH_LIMIT);
        // No refill while the test runs: the limit is reached by count alone, never by timing.
        r.add("passerelle.access.search-limit-period", () -> "1h");
    }

    @Autowired
    WebApplicationContext context;
    @Autowired
    MessageStore store;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AuditTrail audit;

    MockMvc mvc;
    byte[] transaction;

    @BeforeAll
    void setUp() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(SecurityMockMvcConfigurers.springSecurity()).build();
        transaction = SampleMessages.biometricSample("type-4-14-slaps.an2");
        ConsoleRecordsSupport.readmissionCaseOf(jdbc, CASE, "FR", "ACKNOWLEDGED");
    }

    @Test
    void givenAnOfficerWithAWorkingContextWhenTheyOpenTheFormThenPartnerIsTheirsAndPurposeAndCaseArePrefilled()
            throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = new MockHttpSession();
        mvc.perform(as(officer, post("/console/records/context").with(csrf()).session(session)
                .param("purpose", "IDENTITY_VERIFICATION").param("caseReference", CASE)));

        String page = body(mvc.perform(as(officer, get("/console/searches")).session(session)).andReturn(), 200);

        assertThat(page).contains("Submit a biometric search", "enctype=\"multipart/form-data\"", "id=\"transaction\"",
                "id=\"search-partner\">FR<", "value=\"" + CASE + "\"", "name=\"_csrf\"")
                .containsPattern("value=\"IDENTITY_VERIFICATION\"\\s+checked")
                .doesNotContain("name=\"partner\"", "COMPLIANCE_REVIEW");
    }

    @Test
    void givenATransactionWhenTheOfficerSubmitsThenTheSearchIsQueuedConfirmedAuditedAndNoPageHoldsItsBytes()
            throws Exception {
        Caller officer = officer("FR");
        MockHttpSession session = new MockHttpSession();

        MockHttpServletResponse submitted = mvc.perform(as(officer, upload(transaction).session(session)
                .param("purpose", "IDENTITY_VERIFICATION").param("caseReference", CASE).param("urgency", "URGENT")))
                .andReturn().getResponse();

        assertThat(submitted.getStatus()).isEqualTo(302);
        String location = submitted.getRedirectedUrl();
        assertThat(location).matches("/console/searches/[0-9a-f-]{36}/submitted");
        String id = location.substring("/console/searches/".length(), location.length() - "/submitted".length());
        MessageRecord message = store.find(id).orElseThrow();
        assertThat(message.messageType()).isEqualTo("BiometricSearchRequest");
        assertThat(message.toParty()).isEqualTo("FR");
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, officer)).containsEntry("action", "BIOMETRIC_SEARCH")
                .containsEntry("outcome", "GRANTED").containsEntry("purpose", "IDENTITY_VERIFICATION")
                .containsEntry("case_reference", CASE).containsEntry("message_id", id);

        String confirmation = body(mvc.perform(as(officer, get(location)).session(session)).andReturn(), 200);
        assertThat(confirmation).contains("govuk-panel--confirmation", "Search submitted", id,
                "See the status of this search", "See the records of case " + CASE);
        assertNoBiometricBytes(confirmation, transaction);

        String status = body(mvc.perform(as(officer, get("/console/searches/" + id)).session(session)).andReturn(), 200);
        assertThat(status).contains("Search " + id, "No answer has arrived yet", "Case " + CASE);
        assertNoBiometricBytes(status, transaction);

        String request = body(mvc.perform(as(officer, get("/console/messages/" + id)).session(session)).andReturn(), 200);
        assertThat(request).contains("Biometric transaction (not shown)");
        assertNoBiometricBytes(request, transaction);

        // when the partner's answer arrives in the same conversation, the status page shows it as policy allows
        String xml = new String(ConsoleRecordsSupport.envelope("BiometricSearchResponse", "FR", "GB"),
                StandardCharsets.UTF_8);
        xml = ConsoleRecordsSupport.replace(xml, "cmn:ConversationId", message.conversationId());
        xml = ConsoleRecordsSupport.replace(xml, "bio:CaseReference", CASE);
        String answer = ConsoleRecordsSupport.storeDirectly(store, jdbc, xml.getBytes(StandardCharsets.UTF_8),
                Direction.INBOUND, "FR", "GB", CASE);
        String answered = body(mvc.perform(as(officer, get("/console/searches/" + id)).session(session)).andReturn(),
                200);
        assertThat(answered).contains("The answer arrived", "/console/messages/" + answer,
                "/Envelope/Body/BiometricSearchResponse/Outcome", "HIT").doesNotContain("No answer has arrived yet");
    }

    @Test
    void givenNoFileWhenTheOfficerSubmitsThenTheErrorIsSummarisedAndNothingIsSent() throws Exception {
        Caller officer = officer("FR");
        long before = messages();

        String page = body(mvc.perform(as(officer, upload(new byte[0]).param("purpose", "IDENTITY_VERIFICATION")
                .param("caseReference", CASE).param("urgency", "NORMAL"))).andReturn(), 200);

        assertThat(page).contains("govuk-error-summary", "href=\"#transaction\"",
                "Select the ANSI/NIST-ITL transaction file", "<title>Error: ");
        assertThat(messages()).isEqualTo(before);
    }

    @Test
    void givenMissingPurposeCaseAndUrgencyWhenSubmittedThenEachIsSummarisedAndNothingIsSent() throws Exception {
        Caller officer = officer("FR");
        long before = messages();

        String page = body(mvc.perform(as(officer, upload(transaction).param("purpose", "COMPLIANCE_REVIEW")))
                .andReturn(), 200);

        assertThat(page).contains("href=\"#purpose\"", "Select why you are searching", "href=\"#caseReference\"",
                "Enter the case reference", "href=\"#urgency\"", "Select how urgent the search is");
        assertNoBiometricBytes(page, transaction);
        assertThat(messages()).isEqualTo(before);
    }

    @Test
    void givenAFileThatIsNoTransactionWhenSubmittedThenTheRefusalIsSummarisedWithItsCodeAndNothingIsSent()
            throws Exception {
        Caller officer = officer("FR");
        long before = messages();

        String page = body(mvc.perform(as(officer, upload("not a transaction".getBytes(StandardCharsets.US_ASCII))
                .param("purpose", "IDENTITY_VERIFICATION").param("caseReference", CASE).param("urgency", "NORMAL")))
                .andReturn(), 200);

        assertThat(page).contains("govuk-error-summary", "href=\"#transaction\"", "The search was not accepted");
        assertThat(messages()).isEqualTo(before);
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, officer)).containsEntry("action", "BIOMETRIC_SEARCH")
                .containsEntry("outcome", "REFUSED");
    }

    @Test
    void givenSomeoneWhoIsNoLiaisonOfficerWhenTheyOpenOrPostTheSearchFormThenTheyAreRefused() throws Exception {
        for (Caller caller : new Caller[] {caseworker("general"), person(Caller.Role.AUDITOR),
                person(Caller.Role.ADMIN), org.passerelle.gateway.access.TestCallers.system()}) {
            long before = messages();

            MockHttpServletResponse form = mvc.perform(as(caller, get("/console/searches"))).andReturn().getResponse();
            MockHttpServletResponse sent = mvc.perform(as(caller, upload(transaction)
                    .param("purpose", "IDENTITY_VERIFICATION").param("caseReference", CASE).param("urgency", "NORMAL")))
                    .andReturn().getResponse();

            assertThat(form.getStatus()).as(caller.name()).isEqualTo(403);
            assertThat(sent.getStatus()).as(caller.name()).isEqualTo(403);
            assertThat(messages()).isEqualTo(before);
        }
    }

    @Test
    void givenAnOfficerPastTheSearchLimitWhenTheySubmitAgainThenTheErrorPageShowsTheCodeAndNothingIsSent()
            throws Exception {
        Caller officer = officer("FR");
        for (int i = 0; i < SEARCH_LIMIT; i++) {
            mvc.perform(as(officer, upload(transaction).param("purpose", "IDENTITY_VERIFICATION")
                    .param("caseReference", CASE).param("urgency", "NORMAL")));
        }
        long before = messages();

        String page = body(mvc.perform(as(officer, upload(transaction).param("purpose", "IDENTITY_VERIFICATION")
                .param("caseReference", CASE).param("urgency", "NORMAL"))).andReturn(), 429);

        assertThat(page).contains("SEARCH_RATE_LIMITED", "There is a problem");
        assertNoBiometricBytes(page, transaction);
        assertThat(messages()).isEqualTo(before);
        assertThat(ConsoleRecordsSupport.lastAudit(audit, jdbc, officer)).containsEntry("action", "BIOMETRIC_SEARCH")
                .containsEntry("outcome", "REFUSED").containsEntry("code", "SEARCH_RATE_LIMITED");
    }

    MockMultipartHttpServletRequestBuilder upload(byte[] file) {
        MockMultipartHttpServletRequestBuilder request = multipart("/console/searches");
        request.file(new MockMultipartFile("transaction", "person.an2", "application/octet-stream", file));
        request.with(csrf());
        return request;
    }

    long messages() {
        return jdbc.sql("select count(*) from message").query(Long.class).single();
    }
}
