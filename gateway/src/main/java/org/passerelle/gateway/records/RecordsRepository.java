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
import java.util.stream.Collectors;
import org.passerelle.gateway.access.AccessRules;
import org.passerelle.gateway.messagelog.MessageLogSql;
import org.passerelle.gateway.messagelog.MessageStore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads messages and cases as records, over the message log ({@link MessageLogSql}, {@link MessageStore}) and each kind
 * of case ({@link CaseRecords}), always within an access scope: the scope's partner and team are conditions of the SQL
 * itself, so a record outside it is never read.
 */
@Repository
class RecordsRepository {

    /** One record as searches list it (no payload). {@code team} is the team of the record's case, if any. */
    record Row(String kind, String id, String caseKind, String caseReference, String conversationId,
               String messageType, String partner, String direction, String status, Instant at, Instant updatedAt,
               String team) {
    }

    private final JdbcClient jdbc;
    private final MessageStore store;
    private final List<CaseRecords> cases;
    /** Every message and case as one row shape. A message's partner is the other party; its team is its case's. */
    private final String records;

    RecordsRepository(JdbcClient jdbc, MessageStore store, List<CaseRecords> cases) {
        this.jdbc = jdbc;
        this.store = store;
        this.cases = List.copyOf(cases);
        this.records = """
                select 'MESSAGE' as kind, m.message_id as record_id, cast(null as varchar(12)) as case_kind,
                  mc.case_reference as case_reference, m.conversation_id as conversation_id,
                  m.message_type as message_type, m.partner as partner, m.direction as direction, m.status as status,
                  m.accepted_at as at, m.updated_at as updated_at, coalesce(%s) as team
                from (%s) m
                  left join message_case mc on mc.message_id = m.message_id""".formatted(
                this.cases.stream().map(c -> c.teamOfSql("mc.case_reference", "m.partner"))
                        .collect(Collectors.joining(", ")), MessageLogSql.MESSAGES)
                + this.cases.stream().map(c -> "\nunion all\n" + c.casesSql()).collect(Collectors.joining());
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
        String from = " from (" + records + ") rec" + where;
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
        List<Row> rows = jdbc.sql("select rec.* from (" + records + ") rec where rec.record_id = :id order by rec.kind desc")
                .param("id", id).query(RecordsRepository::map).list();
        return rows.stream().findFirst();
    }

    /** The team of the case with this reference, empty when no case has it (null inside when it has no team). */
    Optional<Optional<String>> teamOfCase(String caseReference) {
        return cases.stream().map(c -> c.teamOf(caseReference)).flatMap(Optional::stream).findFirst();
    }

    /** The ids of the messages that name this case and are with this partner state, oldest first. */
    List<String> messagesOfCase(String caseReference, String partner) {
        return jdbc.sql("""
                select m.message_id from (%s) m join message_case mc on mc.message_id = m.message_id
                where mc.case_reference = :ref and m.partner = :partner
                order by m.accepted_at, m.message_id""".formatted(MessageLogSql.MESSAGES))
                .param("ref", caseReference).param("partner", partner).query(String.class).list();
    }

    /** The ids of the messages of this conversation that came in from this partner state, oldest first. */
    List<String> inboundOfConversation(String conversationId, String partner) {
        return jdbc.sql("""
                select m.message_id from (%s) m where m.conversation_id = :conversation and m.direction = 'INBOUND'
                  and m.partner = :partner order by m.accepted_at, m.message_id""".formatted(MessageLogSql.MESSAGES))
                .param("conversation", conversationId).param("partner", partner).query(String.class).list();
    }

    List<Records.Step> history(Row row) {
        if ("MESSAGE".equals(row.kind())) {
            return store.history(row.id()).stream()
                    .map(c -> new Records.Step(null, c.status().name(), null, c.reason(), c.detail(), null, null, c.at()))
                    .toList();
        }
        return of(row).history(row.caseReference(), row.partner());
    }

    /** The legal deadlines of a case, as its kind keeps them. */
    List<Records.Deadline> deadlines(Row row) {
        return of(row).deadlines(row.caseReference(), row.partner());
    }

    private CaseRecords of(Row row) {
        return cases.stream().filter(c -> c.kind().name().equals(row.caseKind())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no records of case kind " + row.caseKind()));
    }

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


    /** What one records query returned, as its audit entry names it. */
    record QueryResult(long id, String actor, List<String> records, String sha256, Instant at) {
    }

    /** Keeps the list of records a query returned; the audit entry of the query names it and its digest. */
    QueryResult saveQueryResult(String actor, List<String> ids, Instant at) {
        String list = String.join(",", ids);
        String sha = org.passerelle.gateway.exchange.Digests.sha256Hex(list.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        org.springframework.jdbc.support.GeneratedKeyHolder key = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("insert into records_query_result (actor, record_ids, sha256, at) values (:a, :ids, :sha, :at)")
                .param("a", actor).param("ids", list).param("sha", sha)
                .param("at", at.atOffset(java.time.ZoneOffset.UTC)).update(key, "id");
        return new QueryResult(key.getKey().longValue(), actor, ids, sha, at);
    }

    java.util.Optional<QueryResult> queryResult(long id) {
        return jdbc.sql("select * from records_query_result where id = :id").param("id", id)
                .query((rs, n) -> new QueryResult(rs.getLong("id"), rs.getString("actor"),
                        rs.getString("record_ids").isEmpty() ? List.of() : List.of(rs.getString("record_ids").split(",")),
                        rs.getString("sha256"), rs.getObject("at", java.time.OffsetDateTime.class).toInstant()))
                .optional();
    }
}
