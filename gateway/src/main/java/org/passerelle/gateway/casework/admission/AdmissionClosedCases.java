package org.passerelle.gateway.casework.admission;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.passerelle.gateway.messagelog.MessageLogSql;
import org.passerelle.gateway.retention.ClosedCases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Admission cases in a terminal state, for the retention purge, with every message of the conversations the case's
 * messages belong to (the referral, its receipt-driven status updates, the decision).
 */
@Component
class AdmissionClosedCases implements ClosedCases {

    private static final List<String> TERMINAL = Arrays.stream(AdmissionState.values())
            .filter(AdmissionState::terminal).map(Enum::name).toList();

    private static final String CONVERSATIONS = MessageLogSql.conversationsOf("""
            select h.message_id from admission_case_history h
            where h.case_reference = %s and h.message_id is not null""");

    private final JdbcClient jdbc;

    AdmissionClosedCases(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<ClosedCase> closedBefore(Instant cutoff, int limit) {
        return closed(cutoff, limit, MessageLogSql.payloadLeftWhere(
                "m.conversation_id in (" + CONVERSATIONS.formatted("c.case_reference") + ")"));
    }

    @Override
    public List<ClosedCase> recordsClosedBefore(Instant cutoff, int limit) {
        return closed(cutoff, limit, "1 = 1");
    }

    /** Cases closed before the cutoff that also meet {@code which}, oldest first. */
    private List<ClosedCase> closed(Instant cutoff, int limit, String which) {
        return jdbc.sql("""
                        select c.case_reference, c.partner, c.state, c.updated_at from admission_case c
                        where c.state in (:terminal) and c.updated_at < :cutoff
                          and %s
                        order by c.updated_at
                        fetch first :limit rows only""".formatted(which))
                .param("terminal", TERMINAL).param("cutoff", cutoff.atOffset(ZoneOffset.UTC)).param("limit", limit)
                .query((rs, n) -> new ClosedCase("ADMISSION", rs.getString("case_reference"), rs.getString("partner"),
                        rs.getString("state"), rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant(),
                        messages(rs.getString("case_reference"))))
                .list();
    }

    @Override
    public void forget(ClosedCase closed) {
        jdbc.sql("delete from admission_case_history where case_reference = :ref").param("ref", closed.caseReference())
                .update();
        jdbc.sql("delete from admission_case where case_reference = :ref").param("ref", closed.caseReference()).update();
    }

    @Override
    public String holdsMessage() {
        return """
                (exists (select 1 from admission_case_history ah join message am on am.message_id = ah.message_id
                         where am.conversation_id = m.conversation_id)
                 or exists (select 1 from message_case amc join admission_case ac
                            on ac.case_reference = amc.case_reference where amc.message_id = m.message_id))""";
    }

    private List<String> messages(String caseReference) {
        return jdbc.sql(MessageLogSql.messagesWhere("m.conversation_id in (" + CONVERSATIONS.formatted(":ref") + ")"))
                .param("ref", caseReference).query(String.class).list();
    }
}
