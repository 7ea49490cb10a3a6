package org.passerelle.gateway.casework.readmission;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.passerelle.gateway.messagelog.MessageLogSql;
import org.passerelle.gateway.retention.ClosedCases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Readmission cases in a terminal state, with the messages of their conversation, for the retention purge. */
@Component
class ReadmissionClosedCases implements ClosedCases {

    private static final List<String> TERMINAL = Arrays.stream(ReadmissionState.values())
            .filter(ReadmissionState::terminal).map(Enum::name).toList();

    private final JdbcClient jdbc;

    ReadmissionClosedCases(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The case's messages: those of its conversation and those its transitions name. */
    private static final String MESSAGES_OF_CASE = """
            m.conversation_id = %s
            or m.message_id in (select t.message_id from readmission_transition t where t.case_id = %s)""";

    @Override
    public List<ClosedCase> closedBefore(Instant cutoff, int limit) {
        return closed(cutoff, limit, MessageLogSql.payloadLeftWhere(MESSAGES_OF_CASE.formatted("c.conversation_id", "c.id")));
    }

    @Override
    public List<ClosedCase> recordsClosedBefore(Instant cutoff, int limit) {
        return closed(cutoff, limit, "1 = 1");
    }

    /** Cases closed before the cutoff that also meet {@code which}, oldest first. */
    private List<ClosedCase> closed(Instant cutoff, int limit, String which) {
        return jdbc.sql("""
                        select c.id, c.case_reference, c.partner, c.state, c.updated_at, c.conversation_id
                        from readmission_case c
                        where c.state in (:terminal) and c.updated_at < :cutoff
                          and %s
                        order by c.updated_at
                        fetch first :limit rows only""".formatted(which))
                .param("terminal", TERMINAL).param("cutoff", cutoff.atOffset(ZoneOffset.UTC)).param("limit", limit)
                .query((rs, n) -> new ClosedCase("READMISSION", rs.getString("case_reference"), rs.getString("partner"),
                        rs.getString("state"), rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant(),
                        messages(rs.getLong("id"), rs.getString("conversation_id"))))
                .list();
    }

    @Override
    public void forget(ClosedCase closed) {
        Long id = jdbc.sql("select id from readmission_case where case_reference = :ref and partner = :p")
                .param("ref", closed.caseReference()).param("p", closed.partner()).query(Long.class).optional()
                .orElse(null);
        if (id == null) {
            return;
        }
        jdbc.sql("delete from readmission_deadline_alert where case_id = :id").param("id", id).update();
        jdbc.sql("delete from readmission_transition where case_id = :id").param("id", id).update();
        jdbc.sql("delete from readmission_case where id = :id").param("id", id).update();
    }

    @Override
    public String holdsMessage() {
        return """
                (exists (select 1 from readmission_case rc where rc.conversation_id = m.conversation_id)
                 or exists (select 1 from readmission_transition rt where rt.message_id = m.message_id)
                 or exists (select 1 from message_case rmc join readmission_case rc2
                            on rc2.case_reference = rmc.case_reference where rmc.message_id = m.message_id))""";
    }

    private List<String> messages(long caseId, String conversationId) {
        return jdbc.sql(MessageLogSql.messagesWhere(MESSAGES_OF_CASE.formatted(":conversation", ":id")))
                .param("conversation", conversationId).param("id", caseId).query(String.class).list();
    }
}
