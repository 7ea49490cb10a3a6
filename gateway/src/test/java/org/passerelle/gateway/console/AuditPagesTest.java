package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.gateway.console.OpsPagesTestSupport.newest;
import static org.passerelle.gateway.console.OpsPagesTestSupport.page;
import static org.passerelle.gateway.console.OpsPagesTestSupport.refused;
import static org.passerelle.gateway.console.OpsPagesTestSupport.signIn;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

/**
 * The audit pages through the real security chain: the chain's verification in words (verified, or the first break
 * after tampering), the search with its pages and invalid input, the export download — each audited as the API
 * audits it — and the refusal of every other role.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class AuditPagesTest {

    @TempDir
    static java.nio.file.Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        OpsPagesTestSupport.node(r, data);
    }

    @Autowired
    WebApplicationContext context;
    @Autowired
    AuditTrail audit;
    @Autowired
    JdbcTemplate jdbc;

    MockMvc mvc;

    @BeforeEach
    void mvc() {
        mvc = OpsPagesTestSupport.mvc(context);
    }

    @Test
    void anAuditorSeesTheChainVerifiedWithItsCountsAndTheVerificationIsAudited() throws Exception {
        MockHttpSession auditor = signIn(mvc, "auditor");

        MockHttpServletResponse page = page(mvc, auditor, "/console/audit");

        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("<h1 class=\"govuk-heading-l\">Audit log</h1>",
                "govuk-tag--green\">Verified</strong>", "id=\"chain-entries\"", "Entries not yet checkpointed",
                "<label class=\"govuk-label\" for=\"actor\">", "id=\"export-audit\"", "./passerelle audit-verify")
                .doesNotContain("The chain is broken");
        AuditEvent verify = newest(audit, "AUDIT_VERIFY");
        assertThat(verify.actor()).isEqualTo("auditor");
        assertThat(verify.channel()).isEqualTo("CONSOLE");
        assertThat(verify.detail()).startsWith("chain holds");
    }

    @Test
    void aTamperedEntryShowsWhereTheChainBreaks() throws Exception {
        MockHttpSession auditor = signIn(mvc, "auditor");
        page(mvc, auditor, "/console/audit");
        long seq = 1;
        String original = jdbc.queryForObject("select detail from audit_event where seq = ?", String.class, seq);
        jdbc.execute("drop trigger audit_event_append_only");
        try {
            jdbc.update("update audit_event set detail = 'rewritten by an intruder' where seq = ?", seq);

            MockHttpServletResponse page = page(mvc, auditor, "/console/audit");

            assertThat(page.getContentAsString()).contains("govuk-warning-text", "The chain is broken at entry 1",
                    "id=\"chain-verdict\">Broken</dd>").doesNotContain("govuk-tag--green\">Verified");
            assertThat(newest(audit, "AUDIT_VERIFY").detail()).startsWith("break at seq 1");
        } finally {
            jdbc.update("update audit_event set detail = ? where seq = ?", original, seq);
            jdbc.execute("create trigger audit_event_append_only before update, delete on audit_event"
                    + " for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger'");
        }
        assertThat(page(mvc, auditor, "/console/audit").getContentAsString()).contains("govuk-tag--green\">Verified");
    }

    @Test
    void theSearchListsMatchingEntriesPageByPageAndRecordsOnlyTheFilterNames() throws Exception {
        MockHttpSession auditor = signIn(mvc, "auditor");
        for (int i = 0; i < 25; i++) {
            audit.record(AuditTrail.Entry.of("svc-" + i, AuditChannel.API, AuditAction.DEADLINE_OVERDUE, AuditOutcome.OK)
                    .caseReference("GB-RA-2026-000001"));
        }

        MockHttpServletResponse first = page(mvc, auditor, "/console/audit/entries?action=DEADLINE_OVERDUE&outcome=OK");

        assertThat(first.getStatus()).isEqualTo(200);
        assertThat(first.getContentAsString()).contains("25 entries match", "page 1 of 2", "<th scope=\"col\" class=\"govuk-table__header\">Case reference</th>",
                "GB-RA-2026-000001", "svc-24", "govuk-pagination", "page=2").doesNotContain("svc-4<");
        AuditEvent search = newest(audit, "AUDIT_SEARCH");
        assertThat(search.detail()).startsWith("filters: action,outcome").doesNotContain("DEADLINE_OVERDUE");
        assertThat(search.channel()).isEqualTo("CONSOLE");

        MockHttpServletResponse second = page(mvc, auditor, "/console/audit/entries?action=DEADLINE_OVERDUE&outcome=OK&page=2");
        assertThat(second.getContentAsString()).contains("page 2 of 2", "svc-4<", "rel=\"prev\"");
    }

    @Test
    void anInvalidDateIsShownOnTheFormAndNothingIsSearched() throws Exception {
        MockHttpSession auditor = signIn(mvc, "auditor");

        MockHttpServletResponse page = page(mvc, auditor, "/console/audit/entries?from=yesterday");

        assertThat(page.getStatus()).isEqualTo(400);
        assertThat(page.getContentAsString()).contains("govuk-error-summary", "href=\"#from\"", "id=\"from-error\"",
                "Enter a date like 2026-11-26", "<title>Error: Audit log search results");
    }

    @Test
    void theExportDownloadsJsonLinesStartingWithItsHeaderAndIsAudited() throws Exception {
        MockHttpSession auditor = signIn(mvc, "auditor");

        MockHttpServletResponse export = mvc.perform(post("/console/audit/export").session(auditor).with(csrf())
                .param("fromSeq", "1").param("toSeq", "").param("from", "").param("to", "")).andReturn().getResponse();

        assertThat(export.getStatus()).isEqualTo(200);
        assertThat(export.getContentType()).startsWith("application/jsonl");
        assertThat(export.getHeader("Content-Disposition")).startsWith("attachment; filename=\"audit-GB-1-");
        String body = export.getContentAsString(StandardCharsets.UTF_8);
        List<String> lines = body.lines().toList();
        assertThat(lines.getFirst()).startsWith("{\"type\":\"header\",\"format\":\"passerelle-audit-export/1\",\"party\":\"GB\"");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("{\"type\":\"entry\",\"seq\":1,"));
        AuditEvent entry = newest(audit, "AUDIT_EXPORT");
        assertThat(entry.channel()).isEqualTo("CONSOLE");
        assertThat(entry.detail()).startsWith("seq 1 to ");
    }

    @Test
    void anExportGivenBothNumbersAndDatesIsRefusedOnTheForm() throws Exception {
        MockHttpSession auditor = signIn(mvc, "auditor");

        MockHttpServletResponse export = mvc.perform(post("/console/audit/export").session(auditor).with(csrf())
                .param("fromSeq", "1").param("from", "2026-01-01")).andReturn().getResponse();

        assertThat(export.getStatus()).isEqualTo(400);
        assertThat(export.getContentType()).startsWith("text/html");
        assertThat(export.getContentAsString()).contains("govuk-error-summary", "Give either entry numbers or dates, not both");
    }

    @Test
    void everyOtherRoleIsRefusedTheAuditPagesAndTheRefusalIsAudited() throws Exception {
        for (String who : List.of("admin", "officer", "caseworker")) {
            MockHttpSession session = signIn(mvc, who);
            refused(page(mvc, session, "/console/audit"), audit, who, "GET /console/audit");
            refused(page(mvc, session, "/console/audit/entries"), audit, who, "GET /console/audit/entries");
            MockHttpServletResponse export = mvc.perform(post("/console/audit/export").session(session).with(csrf()))
                    .andReturn().getResponse();
            refused(export, audit, who, "POST /console/audit/export");
        }
    }
}
