package org.passerelle.gateway.records;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.passerelle.gateway.access.AccessRules;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads messages and cases as records, over the message log and the case tables, always within an access scope: the
 * scope's partner and team are conditions of the SQL itself, so a record outside it is never read.
 */
@Repository
class RecordsRepository {

    /** One record as searches list it (no payload). {@code team} is the team of the record's case, if any. */
    record Row(String kind, String id, String caseKind, String caseReference, String conversationId,
               String messageType, String partner, String direction, String status, Instant at, Instant updatedAt,
               String team) {
    }


    // Every message and case as one row shape. A message's partner is the other party; its team is its case's.
    private static final String RECORDS = """
            select 'MESSAGE' as kind, m.message_id as record_id, cast(null as varchar(12)) as case_kind,
              mc.case_reference as case_reference, m.conversation_id as conversation_id, m.message_type as message_type,
              case when m.direction = 'OUTBOUND' then m.to_party else m.from_party end as partner,
              m.direction as direction, m.status as status, m.accepted_at as at, m.updated_at as updated_at,
              coalesce(r.team, a.team) as team
            from message m
              left join message_case mc on mc.message_id = m.message_id
              left join readmission_case r on r.case_reference = mc.case_reference
                and r.partner = case when m.direction = 'OUTBOUND' then m.to_party else m.from_party end
              left join admission_case a on a.case_reference = mc.case_reference
            union all
            select 'CASE', r.case_reference, 'READMISSION', r.case_reference, r.conversation_id,
              cast(null as varchar(40)), r.partner, cast(null as varchar(8)), r.state, r.created_at, r.updated_at, r.team
            from readmission_case r
            union all
            select 'CASE', a.case_reference, 'ADMISSION', a.case_reference, cast(null as varchar(36)),
              cast(null as varchar(40)), a.partner, cast(null as varchar(8)), a.state, a.opened_at, a.updated_at, a.team
            from admission_case a""";

    private final JdbcClient jdbc;

    RecordsRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A page of records matching the query within the scope, and how many match in all. */
    Page search(RecordQuery q, AccessRules.Scope scope) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        Map<String, Object> params = new HashMap<>();
        condition(where, params, "kind", q.kind() == RecordQuery.Kind.ALL ? null : q.kind().name(), "rec.kind = :kind");
        condition(where, params, "caseRef", q.caseReference(), "rec.case_reference = :caseRef");
        condition(where, params, "conversation", q.conversationId(), "rec.conversation_id = :conversation");
        condition(where, params, "type", q.messageType(), "rec.message_type = :type");
        condition(where, params, "partner", q.partner(), "rec.partner = :partner");
        condition(where, params, "status", q.status(), "rec.status = :status");
        condition(where, params, "from", utc(q.from()), "rec.at >= :from");
        condition(where, params, "to", utc(q.to()), "rec.at < :to");
        condition(where, params, "scopePartner", scope.partner(), "rec.partner = :scopePartner");
        condition(where, params, "scopeTeam", scope.team(), "rec.team = :scopeTeam");
        String from = " from (" + RECORDS + ") rec" + where;
        long total = jdbc.sql("select count(*)" + from).params(params).query(Long.class).single();
        // The sort column comes from RecordQuery.SORTS only; the record id keeps pages stable among equal values.
        String order = " order by rec." + q.sortColumn() + (q.ascending() ? " asc" : " desc") + ", rec.record_id asc";
        List<Row> rows = jdbc.sql("select rec.*" + from + order + " offset :offset rows fetch next :size rows only")
                .params(params).param("offset", (long) q.page() * q.size()).param("size", q.size())
                .query(RecordsRepository::map).list();
        return new Page(rows, total);
    }

    record Page(List<Row> rows, long total) {
    }

    /** The message with this id, or else the case with this reference, whatever the scope (the caller checks it). */
    Optional<Row> find(String id) {
        List<Row> rows = jdbc.sql("select rec.* from (" + RECORDS + ") rec where rec.record_id = :id order by rec.kind desc")
                .param("id", id).query(RecordsRepository::map).list();
        return rows.stream().findFirst();
    }

    /** The team of the case with this reference, empty when no case has it (null inside when it has no team). */
    Optional<Optional<String>> teamOfCase(String caseReference) {
        List<Optional<String>> teams = jdbc.sql("""
                select team from readmission_case where case_reference = :ref
                union all select team from admission_case where case_reference = :ref""")
                .param("ref", caseReference).query((rs, i) -> Optional.ofNullable(rs.getString(1))).list();
        return teams.stream().findFirst();
    }

    /** The ids of the messages that name this case and are with this partner state, oldest first. */
    List<String> messagesOfCase(String caseReference, String partner) {
        return jdbc.sql("""
                select m.message_id from message m join message_case mc on mc.message_id = m.message_id
                where mc.case_reference = :ref
                  and (case when m.direction = 'OUTBOUND' then m.to_party else m.from_party end) = :partner
                order by m.accepted_at, m.message_id""")
                .param("ref", caseReference).param("partner", partner).query(String.class).list();
    }

    /** The ids of the messages of this conversation that came in from this partner state, oldest first. */
    List<String> inboundOfConversation(String conversationId, String partner) {
        return jdbc.sql("""
                select message_id from message where conversation_id = :conversation and direction = 'INBOUND'
                  and from_party = :partner order by accepted_at, message_id""")
                .param("conversation", conversationId).param("partner", partner).query(String.class).list();
    }

    List<Records.Step> history(Row row) {
        if ("MESSAGE".equals(row.kind())) {
            return jdbc.sql("select status, reason, detail, at from message_status_history where message_id = :id order by id")
                    .param("id", row.id())
                    .query((rs, i) -> new Records.Step(null, rs.getString("status"), null, rs.getString("reason"),
                            rs.getString("detail"), null, null, instant(rs, "at")))
                    .list();
        }
        if ("READMISSION".equals(row.caseKind())) {
            return jdbc.sql("""
                    select t.from_state, t.to_state, t.event, t.message_id, t.actor, t.at from readmission_transition t
                      join readmission_case c on c.id = t.case_id
                    where c.case_reference = :ref and c.partner = :partner order by t.id""")
                    .param("ref", row.caseReference()).param("partner", row.partner())
                    .query((rs, i) -> new Records.Step(rs.getString("from_state"), rs.getString("to_state"), rs.getString("event"),
                            null, null, rs.getString("message_id"), rs.getString("actor"), instant(rs, "at")))
                    .list();
        }
        return jdbc.sql("""
                select from_state, to_state, event, message_id, actor, detail, at from admission_case_history
                where case_reference = :ref order by id""")
                .param("ref", row.caseReference())
                .query((rs, i) -> new Records.Step(rs.getString("from_state"), rs.getString("to_state"), rs.getString("event"),
                        null, rs.getString("detail"), rs.getString("message_id"), rs.getString("actor"),
                        instant(rs, "at")))
                .list();
    }

    /**
     * The legal deadlines of a case: a readmission's reply (running while acknowledged and unanswered) and whole
     * process (running while open), an admission's presence (running until presence is confirmed) — the states the
     * deadline watches use.
     */
    List<Records.Deadline> deadlines(Row row) {
        if ("READMISSION".equals(row.caseKind())) {
            return jdbc.sql("select state, reply_due, process_due from readmission_case where case_reference = :ref and partner = :partner")
                    .param("ref", row.caseReference()).param("partner", row.partner())
                    .query((rs, i) -> {
                        String state = rs.getString("state");
                        return List.of(
                                new Records.Deadline("REPLY", instant(rs, "reply_due"), "ACKNOWLEDGED".equals(state)),
                                new Records.Deadline("PROCESS", instant(rs, "process_due"), PROCESS_RUNNING.contains(state)));
                    }).list().stream().flatMap(List::stream).filter(d -> d.dueAt() != null).toList();
        }
        return jdbc.sql("select state, presence_due_at from admission_case where case_reference = :ref")
                .param("ref", row.caseReference())
                .query((rs, i) -> new Records.Deadline("PRESENCE", instant(rs, "presence_due_at"),
                        "EXPRESSION_OF_INTEREST_RECEIVED".equals(rs.getString("state"))))
                .list().stream().filter(d -> d.dueAt() != null).toList();
    }

    private static final java.util.Set<String> PROCESS_RUNNING = java.util.Set.of(
            "REQUESTED", "ACKNOWLEDGED", "MORE_INFORMATION_REQUESTED", "ACCEPTED", "TRANSFER_SCHEDULED");

    private static void condition(StringBuilder where, Map<String, Object> params, String name, Object value,
                                  String sql) {
        if (value != null) {
            where.append(" and ").append(sql);
            params.put(name, value);
        }
    }

    private static Row map(ResultSet rs, int row) throws SQLException {
        return new Row(rs.getString("kind"), rs.getString("record_id"), rs.getString("case_kind"),
                rs.getString("case_reference"), rs.getString("conversation_id"), rs.getString("message_type"),
                rs.getString("partner"), rs.getString("direction"), rs.getString("status"), instant(rs, "at"),
                instant(rs, "updated_at"), rs.getString("team"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

}
