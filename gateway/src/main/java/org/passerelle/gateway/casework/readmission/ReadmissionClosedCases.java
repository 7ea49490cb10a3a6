package org.passerelle.gateway.casework.readmission;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
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

    @Override
    public List<ClosedCase> closedBefore(Instant cutoff, int limit) {
        return jdbc.sql("""
                        select c.id, c.case_reference, c.partner, c.state, c.updated_at, c.conversation_id
                        from readmission_case c
                        where c.state in (:terminal) and c.updated_at < :cutoff
                          and exists (select 1 from message m join message_payload p on p.message_id = m.message_id
                                      where p.purged_at is null
                                        and not exists (select 1 from outbox o where o.message_id = m.message_id
                                                        and o.state = 'PENDING')
                                        and (m.conversation_id = c.conversation_id
                                             or m.message_id in (select t.message_id from readmission_transition t
                                                                 where t.case_id = c.id)))
                        order by c.updated_at
                        fetch first :limit rows only""")
                .param("terminal", TERMINAL).param("cutoff", cutoff.atOffset(ZoneOffset.UTC)).param("limit", limit)
                .query((rs, n) -> new ClosedCase("READMISSION", rs.getString("case_reference"), rs.getString("partner"),
                        rs.getString("state"), rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant(),
                        messages(rs.getLong("id"), rs.getString("conversation_id"))))
                .list();
    }

    private List<String> messages(long caseId, String conversationId) {
        return jdbc.sql("""
                        select m.message_id from message m
                        where m.conversation_id = :conversation
                           or m.message_id in (select t.message_id from readmission_transition t where t.case_id = :id)
                        order by m.accepted_at""")
                .param("conversation", conversationId).param("id", caseId).query(String.class).list();
    }
}
