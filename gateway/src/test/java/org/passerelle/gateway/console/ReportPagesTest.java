package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.gateway.console.OpsPagesTestSupport.newest;
import static org.passerelle.gateway.console.OpsPagesTestSupport.page;
import static org.passerelle.gateway.console.OpsPagesTestSupport.signIn;

import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Collection;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.util.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * The reports page through the real security chain: auditors and administrators read the report for a period as
 * tables and download it as CSV and as CSV signed by the node; officers and caseworkers may not; a period that is none
 * is said so. Counts only, never a case reference.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class ReportPagesTest {

    static final LocalDate MONDAY = LocalDate.now(ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    static final String WEEK = String.format("%d-W%02d", MONDAY.get(IsoFields.WEEK_BASED_YEAR),
            MONDAY.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    static final String PERIOD = "?from=" + MONDAY + "&to=" + MONDAY.plusWeeks(1);

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
    static boolean seeded;

    @BeforeEach
    void seed() {
        mvc = OpsPagesTestSupport.mvc(context);
        if (seeded) {
            return;
        }
        seeded = true;
        for (int i = 1; i <= 3; i++) {
            jdbc.update("""
                    insert into ledger_entry (partner, kind, case_reference, event_date, iso_week, source, message_id,
                      partner_has_it, recorded_by, recorded_at)
                    values ('FR', ?, ?, ?, ?, 'MANUAL', null, true, 'test', ?)""",
                    i < 3 ? "RETURN" : "ADMISSION", "GB-RA-2026-60000" + i, MONDAY, WEEK, OffsetDateTime.now(ZoneOffset.UTC));
        }
        // a search each way with FR, answered: ours with a hit, theirs without
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String[][] searches = {{"s-out", "OUTBOUND", "GB", "FR"}, {"s-in", "INBOUND", "FR", "GB"}};
        for (String[] m : searches) {
            jdbc.update("""
                    insert into message (message_id, direction, message_type, conversation_id, from_party, to_party,
                      created_at, expires_at, accepted_at, payload_sha256, payload_size, status, test_indicator, updated_at)
                    values (?, ?, 'BiometricSearchRequest', ?, ?, ?, ?, ?, ?, ?, 1, 'DELIVERED', false, ?)""",
                    m[0], m[1], m[0], m[2], m[3], now, now.plusDays(1), now, "0".repeat(64), now);
        }
        jdbc.update("insert into search_outcome values ('r-in', 'FR', 'INBOUND', 'HIT', 1, false, ?)", now);
        jdbc.update("""
                insert into cap_place (partner, kind, case_reference, phase, iso_week, message_id, override_id, taken_at)
                values ('FR', 'RETURN', 'GB-RA-2026-600009', 'development', ?, 'm-place', 7, ?)""", WEEK, now);
        jdbc.update("insert into search_outcome values ('r-out', 'FR', 'OUTBOUND', 'NO_HIT', 0, false, ?)", now);
        audit.record(AuditTrail.Entry.of("casework-system", org.passerelle.gateway.audit.AuditChannel.API,
                org.passerelle.gateway.audit.AuditAction.MESSAGE_REFUSED, org.passerelle.gateway.audit.AuditOutcome.REFUSED)
                .partner("FR").code("EXCLUDED_FROM_READMISSION",
                        "The person may not be proposed for readmission: UNACCOMPANIED_CHILD, PENDING_HUMAN_RIGHTS_CLAIM"));
    }

    @Test
    void auditorsAndAdministratorsReadTheReportAsTablesAndDownloadItSigned() throws Exception {
        for (String who : new String[] {"auditor", "admin"}) {
            MockHttpSession session = signIn(mvc, who);

            MockHttpServletResponse page = page(mvc, session, "/console/reports" + PERIOD);

            assertThat(page.getStatus()).as(who).isEqualTo(200);
            assertThat(page.getContentAsString()).contains("<h1 class=\"govuk-heading-l\">Reports</h1>",
                    "Completed returns and admissions per partner and ISO week", "<td class=\"govuk-table__cell\">" + WEEK,
                    "Readmission requests stopped by an exclusion", "UNACCOMPANIED_CHILD", "PENDING_HUMAN_RIGHTS_CLAIM",
                    "Readmission timeliness against each legal clock", "Biometric liaison searches and hit rates",
                    "Admission cases: time spent at each stage", "id=\"download-signed\"")
                    .doesNotContain("GB-RA-2026-6");
            assertThat(newest(audit, "API_VIEW").resource()).startsWith("GET /console/reports");
        }

        // the CSV names the period and the counts, and the signed copy holds the very same bytes, signed by the node
        MockHttpSession auditor = signIn(mvc, "auditor");
        byte[] csv = page(mvc, auditor, "/console/reports/csv" + PERIOD).getContentAsByteArray();
        String text = new String(csv, StandardCharsets.UTF_8);
        assertThat(text).startsWith("report,scheme accountability,party,GB,from," + MONDAY)
                .contains("FR," + WEEK + ",2,1,ONE_FOR_ONE", "FR,UNACCOMPANIED_CHILD,1",
                        "FR,ours to partner,1,1,1,100.0", "FR,partner's to us,1,1,0,0.0",
                        "FR,development," + WEEK + ",RETURN,1,1");
        assertThat(page(mvc, auditor, "/console/reports/csv" + PERIOD).getContentAsByteArray())
                .as("the same period gives the same bytes").isEqualTo(csv);
        MockHttpServletResponse signed = page(mvc, auditor, "/console/reports/signed" + PERIOD);
        assertThat(signed.getHeader("Content-Disposition")).contains("passerelle-report-GB-" + MONDAY);
        CMSSignedData cms = new CMSSignedData(signed.getContentAsByteArray());
        assertThat((byte[]) cms.getSignedContent().getContent()).isEqualTo(csv);
        Store<X509CertificateHolder> certificates = cms.getCertificates();
        SignerInformation signer = cms.getSignerInfos().getSigners().iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> mine = certificates.getMatches(signer.getSID());
        X509CertificateHolder certificate = mine.iterator().next();
        assertThat(signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate))).isTrue();
        assertThat(certificate.getSubject().toString()).contains("GB");
    }

    @Test
    void officersAndCaseworkersMayNotAndAPeriodThatIsNoneIsSaidSo() throws Exception {
        for (String who : new String[] {"officer", "caseworker"}) {
            assertThat(page(mvc, signIn(mvc, who), "/console/reports").getStatus()).as(who).isEqualTo(403);
        }
        String html = page(mvc, signIn(mvc, "auditor"), "/console/reports?from=2026-12-01&to=2026-11-01")
                .getContentAsString();
        assertThat(html).contains("<title>Error: Reports", "There is a problem", "at most 366 days");
    }
}
