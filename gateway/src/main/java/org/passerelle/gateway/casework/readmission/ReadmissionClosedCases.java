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
        return jdbc.sql("""
                        select c.id, c.case_reference, c.partner, c.state, c.updated_at, c.conversation_id
                        from readmission_case c
                        where c.state in (:terminal) and c.updated_at < :cutoff
                          and %s
                        order by c.updated_at
                        fetch first :limit rows only""".formatted(MessageLogSql.payloadLeftWhere(
                        MESSAGES_OF_CASE.formatted("c.conversation_id", "c.id"))))
                .param("terminal", TERMINAL).param("cutoff", cutoff.atOffset(ZoneOffset.UTC)).param("limit", limit)
                .query((rs, n) -> new ClosedCase("READMISSION", rs.getString("case_reference"), rs.getString("partner"),
                        rs.getString("state"), rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant(),
                        messages(rs.getLong("id"), rs.getString("conversation_id"))))
                .list();
    }

    private List<String> messages(long caseId, String conversationId) {
        return jdbc.sql(MessageLogSql.messagesWhere(MESSAGES_OF_CASE.formatted(":conversation", ":id")))
                .param("conversation", conversationId).param("id", caseId).query(String.class).list();
    }
}
