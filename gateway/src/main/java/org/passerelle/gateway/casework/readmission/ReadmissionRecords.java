package org.passerelle.gateway.casework.readmission;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.passerelle.gateway.records.CaseRecords;
import org.passerelle.gateway.records.CaseTeams;
import org.passerelle.gateway.records.Records;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Readmission cases as records: each case (one per reference and partner) with its transitions, and its reply
 * deadline (running while acknowledged and unanswered) and whole-process deadline (running while open), the states
 * {@link DeadlineWatch} watches.
 */
@Component
class ReadmissionRecords implements CaseRecords {

    private static final Set<String> PROCESS_RUNNING = Set.of(
            "REQUESTED", "ACKNOWLEDGED", "MORE_INFORMATION_REQUESTED", "ACCEPTED", "TRANSFER_SCHEDULED");

    private final JdbcClient jdbc;

    ReadmissionRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public CaseTeams.Kind kind() {
        return CaseTeams.Kind.READMISSION;
    }

    @Override
    public String casesSql() {
        return """
                select 'CASE', r.case_reference, 'READMISSION', r.case_reference, r.conversation_id,
                  cast(null as varchar(40)), r.partner, cast(null as varchar(8)), r.state, r.created_at, r.updated_at, r.team
                from readmission_case r""";
    }

    @Override
    public String teamOfSql(String caseReference, String partner) {
        return "(select r.team from readmission_case r where r.case_reference = %s and r.partner = %s)"
                .formatted(caseReference, partner);
    }

    @Override
    public Optional<Optional<String>> teamOf(String caseReference) {
        return jdbc.sql("select team from readmission_case where case_reference = :ref")
                .param("ref", caseReference).query((rs, i) -> Optional.ofNullable(rs.getString(1))).list()
                .stream().findFirst();
    }

    @Override
    public List<Records.Step> history(String caseReference, String partner) {
        return jdbc.sql("""
                select t.from_state, t.to_state, t.event, t.message_id, t.actor, t.at from readmission_transition t
                  join readmission_case c on c.id = t.case_id
                where c.case_reference = :ref and c.partner = :partner order by t.id""")
                .param("ref", caseReference).param("partner", partner)
                .query((rs, i) -> new Records.Step(rs.getString("from_state"), rs.getString("to_state"),
                        rs.getString("event"), null, null, rs.getString("message_id"), rs.getString("actor"),
                        instant(rs.getObject("at", OffsetDateTime.class))))
                .list();
    }

    @Override
    public List<Records.Deadline> deadlines(String caseReference, String partner) {
        return jdbc.sql("select state, reply_due, process_due from readmission_case where case_reference = :ref and partner = :partner")
                .param("ref", caseReference).param("partner", partner)
                .query((rs, i) -> {
                    String state = rs.getString("state");
                    return List.of(
                            new Records.Deadline("REPLY", instant(rs.getObject("reply_due", OffsetDateTime.class)),
                                    "ACKNOWLEDGED".equals(state)),
                            new Records.Deadline("PROCESS", instant(rs.getObject("process_due", OffsetDateTime.class)),
                                    PROCESS_RUNNING.contains(state)));
                }).list().stream().flatMap(List::stream).filter(d -> d.dueAt() != null).toList();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
