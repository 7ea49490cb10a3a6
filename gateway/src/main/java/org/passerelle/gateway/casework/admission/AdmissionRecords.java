package org.passerelle.gateway.casework.admission;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.passerelle.gateway.records.CaseRecords;
import org.passerelle.gateway.records.CaseTeams;
import org.passerelle.gateway.records.Records;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Admission cases as records: each case with its history, and its presence deadline, running until presence is
 * confirmed (while the expression of interest is received), the state the lapse watch uses.
 */
@Component
class AdmissionRecords implements CaseRecords {

    private final JdbcClient jdbc;

    AdmissionRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public CaseTeams.Kind kind() {
        return CaseTeams.Kind.ADMISSION;
    }

    @Override
    public String casesSql() {
        return """
                select 'CASE', a.case_reference, 'ADMISSION', a.case_reference, cast(null as varchar(36)),
                  cast(null as varchar(40)), a.partner, cast(null as varchar(8)), a.state, a.opened_at, a.updated_at, a.team
                from admission_case a""";
    }

    @Override
    public String teamOfSql(String caseReference, String partner) {
        return "(select a.team from admission_case a where a.case_reference = %s)".formatted(caseReference);
    }

    @Override
    public Optional<Optional<String>> teamOf(String caseReference) {
        return jdbc.sql("select team from admission_case where case_reference = :ref")
                .param("ref", caseReference).query((rs, i) -> Optional.ofNullable(rs.getString(1))).list()
                .stream().findFirst();
    }

    @Override
    public List<Records.Step> history(String caseReference, String partner) {
        return jdbc.sql("""
                select from_state, to_state, event, message_id, actor, detail, at from admission_case_history
                where case_reference = :ref order by id""")
                .param("ref", caseReference)
                .query((rs, i) -> new Records.Step(rs.getString("from_state"), rs.getString("to_state"),
                        rs.getString("event"), null, rs.getString("detail"), rs.getString("message_id"),
                        rs.getString("actor"), instant(rs.getObject("at", OffsetDateTime.class))))
                .list();
    }

    @Override
    public List<Records.Deadline> deadlines(String caseReference, String partner) {
        return jdbc.sql("select state, presence_due_at from admission_case where case_reference = :ref")
                .param("ref", caseReference)
                .query((rs, i) -> new Records.Deadline("PRESENCE",
                        instant(rs.getObject("presence_due_at", OffsetDateTime.class)),
                        "EXPRESSION_OF_INTEREST_RECEIVED".equals(rs.getString("state"))))
                .list().stream().filter(d -> d.dueAt() != null).toList();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
