package org.passerelle.gateway.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.MovableClock;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.records.RecordsAccessTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The records themselves are erased after {@code closed-case-records}: a closed case with its history and every message
 * of it, and a message in no case, each with its audit entry; an open case's messages and a message still owed to a
 * partner stay, and so do the ledger and the cap places. The node's clock is moved past the period.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class RecordsRetentionTest {

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        r.add("passerelle.retention.closed-case-payloads", () -> "1d");
        r.add("passerelle.retention.search-payloads", () -> "1d");
        r.add("passerelle.retention.closed-case-records", () -> "2d");
        r.add("passerelle.retention.check-interval", () -> "1h");
        r.add("passerelle.readmission.enabled", () -> true);
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    @Autowired
    IntakeService intake;
    @Autowired
    RecordsRetention retention;
    @Autowired
    AuditTrail audit;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MovableClock clock;

    @Test
    void aClosedCaseAndAMessageInNoCaseAreErasedWithTheirAuditEntriesAndNothingHeldOrOwedIs() {
        // given a search in no case, a readmission case that closes and one that stays open, all delivered
        int year = LocalDate.now(ZoneOffset.UTC).getYear();
        String search = intake.submit(RecordsAccessTest.envelope("BiometricSearchRequest", "FR"), "backend");
        String closedCase = "GB-RA-" + year + "-771001";
        String closedRequest = intake.submit(RecordsAccessTest.readmissionRequest(closedCase), "backend");
        String openCase = "GB-RA-" + year + "-771002";
        String openRequest = intake.submit(RecordsAccessTest.readmissionRequest(openCase), "backend");
        jdbc.update("update outbox set state = 'DONE' where message_id in (?, ?, ?)", search, closedRequest, openRequest);
        jdbc.update("update readmission_case set state = 'TRANSFERRED' where case_reference = ?", closedCase);
        jdbc.update("""
                insert into ledger_entry (partner, kind, case_reference, event_date, iso_week, source, message_id,
                  partner_has_it, recorded_by, recorded_at)
                values ('FR', 'RETURN', ?, current_date, '2026-W01', 'MANUAL', ?, true, 'test', current_timestamp)""",
                closedCase, closedRequest);
        // and a message still owed to the partner (never delivered)
        String owed = intake.submit(RecordsAccessTest.envelope("CaseStatusUpdate", "FR"), "backend");

        // when the records' period has run
        clock.advance(Duration.ofDays(3));
        int[] erased = retention.eraseDue();

        // then the closed case and its request are gone, and so is the search
        assertThat(erased[0]).isEqualTo(1);
        assertThat(count("select count(*) from readmission_case where case_reference = ?", closedCase)).isZero();
        assertThat(count("select count(*) from message where message_id = ?", closedRequest)).isZero();
        assertThat(count("select count(*) from message_status_history where message_id = ?", closedRequest)).isZero();
        assertThat(count("select count(*) from message where message_id = ?", search)).isZero();
        // what a held case or a partner is still owed stays, and so does the ledger's count
        assertThat(count("select count(*) from readmission_case where case_reference = ?", openCase)).isOne();
        assertThat(count("select count(*) from message where message_id = ?", openRequest)).isOne();
        assertThat(count("select count(*) from message where message_id = ?", owed)).isOne();
        assertThat(count("select count(*) from ledger_entry where case_reference = ?", closedCase)).isOne();
        // each erasure is audited: the case by reference, the message by id, type and digest
        assertThat(audit.latest(50)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("CASE_RECORD_ERASED");
            assertThat(e.caseReference()).isEqualTo(closedCase);
            assertThat(e.detail()).contains("TRANSFERRED", "1 messages' records erased");
        });
        assertThat(audit.latest(50)).filteredOn(e -> e.action().equals("MESSAGE_RECORD_ERASED"))
                .extracting(AuditEvent::messageId).contains(search).doesNotContain(openRequest, owed);
        // and a second pass has nothing more to erase
        assertThat(retention.eraseDue()).containsExactly(0, 0);
    }

    private long count(String sql, Object arg) {
        Long n = jdbc.queryForObject(sql, Long.class, arg);
        return n == null ? 0 : n;
    }
}
