package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.gateway.console.OpsPagesTestSupport.newest;
import static org.passerelle.gateway.console.OpsPagesTestSupport.page;
import static org.passerelle.gateway.console.OpsPagesTestSupport.signIn;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

/**
 * The equivalence page through the real security chain: every role that may see it gets the chart drawn on the
 * server (an accessible SVG with title and description) and the same numbers in a table, the policy, the alerts and
 * the last reconciliation's discrepancy in words — counts only, never a case reference.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class EquivalencePagesTest {

    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    static final String WEEK = String.format("%d-W%02d", TODAY.get(IsoFields.WEEK_BASED_YEAR),
            TODAY.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));

    @TempDir
    static java.nio.file.Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        OpsPagesTestSupport.node(r, data);
        r.add("passerelle.scheme.phases[0].partners.FR.equivalence.policy", () -> "ONE_FOR_ONE");
    }

    @Autowired
    ConsoleWords words;
    @Autowired
    WebApplicationContext context;
    @Autowired
    AuditTrail audit;
    @Autowired
    JdbcTemplate jdbc;

    MockMvc mvc;
    static boolean seeded;

    @BeforeEach
    void seed() {
        mvc = OpsPagesTestSupport.mvc(context);
        if (seeded) {
            return;
        }
        seeded = true;
        for (int i = 1; i <= 7; i++) {
            count("RETURN", "GB-RA-2026-90000" + i);
        }
        for (int i = 1; i <= 4; i++) {
            count("ADMISSION", "GB-AD-2026-80000" + i);
        }
        jdbc.update("""
                insert into ledger_entry (partner, kind, case_reference, event_date, iso_week, source, message_id,
                  partner_has_it, recorded_by, recorded_at)
                values ('BE', 'RETURN', 'GB-RA-2026-700001', ?, ?, 'MANUAL', null, true, 'test', ?)""",
                TODAY, WEEK, OffsetDateTime.now(ZoneOffset.UTC));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.update("""
                insert into ledger_statement (direction, partner, period_start, period_end, returns_count, admissions_count,
                  policy, message_id, our_returns, our_admissions, agreed, discrepancy, at)
                values ('INBOUND', 'FR', ?, ?, 8, 4, 'ONE_FOR_ONE', 'm-1', 7, 4, false, 'RETURN: GB-RA-2026-900001', ?)""",
                TODAY.minusDays(7), TODAY.minusDays(1), now);
        // GB's own statement to FR, which FR disputed, counting one return less; none to BE yet
        jdbc.update("""
                insert into ledger_statement (direction, partner, period_start, period_end, returns_count, admissions_count,
                  policy, message_id, at, reply_message_id, partner_outcome, partner_returns, partner_admissions,
                  disputed_cases, replied_at)
                values ('OUTBOUND', 'FR', ?, ?, 7, 4, 'ONE_FOR_ONE', 'm-2', ?, 'm-3', 'DISPUTED', 6, 4,
                  'RETURN: we stated 7, the partner counts 6; counted here only: GB-RA-2026-900007', ?)""",
                TODAY.minusDays(7), TODAY.minusDays(1), now, now);
        jdbc.update("insert into ledger_alert (partner, period_key, rule, level, at) values ('FR', ?, 'ONE_FOR_ONE', 'BREACH', ?)",
                "2026-01-01", now);
    }

    private void count(String kind, String caseReference) {
        jdbc.update("""
                insert into ledger_entry (partner, kind, case_reference, event_date, iso_week, source, message_id,
                  partner_has_it, recorded_by, recorded_at)
                values ('FR', ?, ?, ?, ?, 'MANUAL', null, true, 'test', ?)""",
                kind, caseReference, TODAY, WEEK, OffsetDateTime.now(ZoneOffset.UTC));
    }

    @Test
    void everyRoleThatMaySeeItGetsTheChartAndTheSameNumbersInATable() throws Exception {
        for (String who : List.of("officer", "caseworker", "auditor", "admin")) {
            MockHttpSession session = signIn(mvc, who);

            MockHttpServletResponse page = page(mvc, session, "/console/equivalence");

            assertThat(page.getStatus()).as(who).isEqualTo(200);
            String html = page.getContentAsString();
            assertThat(html).as(who).contains("<h1 class=\"govuk-heading-l\">Returns and admissions</h1>",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"passerelle-chart\" role=\"img\"",
                    "aria-labelledby=\"chart-FR-title chart-FR-desc\"",
                    "<title id=\"chart-FR-title\">Returns and admissions with FR per week",
                    "<desc id=\"chart-FR-desc\">", "7 returns and 4 admissions in all",
                    "class=\"returns\"", "class=\"admissions\"",
                    "<th scope=\"row\" class=\"govuk-table__header\">" + WEEK + "</th>",
                    "<td class=\"govuk-table__cell govuk-table__cell--numeric\">7</td>",
                    "<td class=\"govuk-table__cell govuk-table__cell--numeric\">4</td>")
                    .doesNotContain("style=", "GB-RA-2026-9", "GB-AD-2026-8");
            AuditEvent view = newest(audit, "API_VIEW");
            assertThat(view.actor()).isEqualTo(who);
            assertThat(view.resource()).isEqualTo("GET /console/equivalence");
        }
    }

    @Test
    void aLiaisonOfficerSeesOnlyTheirOwnPartnerStateAndTheOthersSeeEveryPartner() throws Exception {
        // the officer is FR's liaison officer: BE's balance is not theirs to see
        String officer = page(mvc, signIn(mvc, "officer"), "/console/equivalence").getContentAsString();
        assertThat(officer).contains("id=\"partner-FR\"").doesNotContain("id=\"partner-BE\"", "With BE");
        for (String who : List.of("caseworker", "auditor", "admin")) {
            String html = page(mvc, signIn(mvc, who), "/console/equivalence").getContentAsString();
            assertThat(html).as(who).contains("id=\"partner-FR\"", "id=\"partner-BE\"");
        }
    }

    @Test
    void thePolicyAlertsAndTheReconciliationsDiscrepancyAreStatedInWords() throws Exception {
        MockHttpSession officer = signIn(mvc, "officer");

        String html = page(mvc, officer, "/console/equivalence").getContentAsString();

        assertThat(html).contains("One admission for each return (ONE_FOR_ONE)", "No cap", "90% of a limit",
                "Breach</strong>", "One admission for each return in 2026-01-01",
                "FR counts 8 returns; this node counts 7 (1 more on FR&#39;s side).", "Discrepancy:");
        // the partner's answer to this node's statement: counts only, never the disputed cases' references
        assertThat(html).contains("Disputed</strong>", "FR disputed our statement for ", "it counts 6 returns and 4 admissions")
                .doesNotContain("GB-RA-2026-900007");
        String admin = page(mvc, signIn(mvc, "admin"), "/console/equivalence").getContentAsString();
        assertThat(admin).contains("No statement has been sent to BE yet.");
    }

    @Test
    void theChartIsDrawnFromTheWeeksNumbers() {
        var weeks = List.of(new org.passerelle.gateway.ledger.EquivalenceOverview.WeekCount("2026-W01", TODAY, 3, 0),
                new org.passerelle.gateway.ledger.EquivalenceOverview.WeekCount("2026-W02", TODAY, 1, 2));
        var balance = new org.passerelle.gateway.ledger.EquivalenceOverview.PartnerBalance("FR", null, "OK", List.of(),
                TODAY, TODAY, 4, 2, weeks, List.of(), null, null);

        LocaleContextHolder.setLocale(Locale.ENGLISH);
        String svg;
        try {
            svg = EquivalencePages.chart(balance, words);
        } finally {
            LocaleContextHolder.resetLocaleContext();
        }

        assertThat(svg).contains("2026-W01 to 2026-W02", "4 returns and 2 admissions in all", ">W01</text>", ">W02</text>")
                .containsPattern("<rect class=\"returns\" x=\"\\d+\" y=\"40\" width=\"14\" height=\"180\"/>")
                .containsPattern("<rect class=\"admissions\" x=\"\\d+\" y=\"100\" width=\"14\" height=\"120\"/>");
    }
}
