package org.passerelle.gateway.casework.readmission;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.passerelle.gateway.records.CaseTeams;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The case tables: cases, their transition history and the deadline alerts raised. */
@Repository
class ReadmissionCases {

    private final JdbcClient jdbc;
    private final CaseTeams teams;

    ReadmissionCases(JdbcClient jdbc, CaseTeams teams) {
        this.jdbc = jdbc;
        this.teams = teams;
    }

    Optional<ReadmissionCase> find(String caseReference, String partner) {
        return jdbc.sql("select * from readmission_case where case_reference = :ref and partner = :partner")
                .param("ref", caseReference).param("partner", partner).query(ReadmissionCases::map).optional();
    }

    /** The case, locked until the end of the transaction, so that concurrent messages apply one after the other. */
    Optional<ReadmissionCase> lock(String caseReference, String partner) {
        return jdbc.sql("select * from readmission_case where case_reference = :ref and partner = :partner for update")
                .param("ref", caseReference).param("partner", partner).query(ReadmissionCases::map).optional();
    }

    Optional<ReadmissionCase> lock(long id) {
        return jdbc.sql("select * from readmission_case where id = :id for update").param("id", id)
                .query(ReadmissionCases::map).optional();
    }

    Optional<ReadmissionCase> byRequestMessage(String messageId) {
        return jdbc.sql("select * from readmission_case where request_message_id = :mid").param("mid", messageId)
                .query(ReadmissionCases::map).optional();
    }

    List<ReadmissionCase> byReference(String caseReference) {
        return jdbc.sql("select * from readmission_case where case_reference = :ref order by partner")
                .param("ref", caseReference).query(ReadmissionCases::map).list();
    }

    List<ReadmissionCase> all() {
        return jdbc.sql("select * from readmission_case order by id").query(ReadmissionCases::map).list();
    }

    /** Cases awaiting the partner's reply whose reply deadline is before {@code before}. */
    List<ReadmissionCase> replyDueBefore(Instant before) {
        return jdbc.sql("select * from readmission_case where state = 'ACKNOWLEDGED' and reply_due < :t order by reply_due")
                .param("t", utc(before)).query(ReadmissionCases::map).list();
    }

    /** Open cases whose whole-process deadline is before {@code before}. */
    List<ReadmissionCase> processDueBefore(Instant before) {
        return jdbc.sql("""
                select * from readmission_case where process_due < :t
                  and state in ('REQUESTED', 'ACKNOWLEDGED', 'MORE_INFORMATION_REQUESTED', 'ACCEPTED', 'TRANSFER_SCHEDULED')
                order by process_due""").param("t", utc(before)).query(ReadmissionCases::map).list();
    }

    long insert(ReadmissionCase c) {
        jdbc.sql("""
                insert into readmission_case (case_reference, partner, role, state, suspended_from, conversation_id,
                  request_message_id, arrived_at, requested_at, receipt_at, exceptional, reply_due, process_due,
                  created_at, updated_at, team)
                values (:ref, :partner, :role, :state, :suspendedFrom, :conversation, :request, :arrived, :requested,
                  :receipt, :exceptional, :replyDue, :processDue, :created, :updated, :team)""")
                .params(columns(c))
                // The team is set once, when the case opens; records access scopes caseworkers by it.
                .param("team", teams.teamFor(CaseTeams.Kind.READMISSION, c.partner())).update();
        return find(c.caseReference(), c.partner()).orElseThrow().id();
    }

    void update(ReadmissionCase c) {
        jdbc.sql("""
                update readmission_case set state = :state, suspended_from = :suspendedFrom,
                  conversation_id = :conversation, request_message_id = :request, requested_at = :requested,
                  receipt_at = :receipt, exceptional = :exceptional, reply_due = :replyDue, updated_at = :updated
                where id = :id""").params(columns(c)).param("id", c.id()).update();
    }

    void addTransition(long caseId, Transition t) {
        jdbc.sql("""
                insert into readmission_transition (case_id, from_state, to_state, event, message_id, actor, at)
                values (:case, :from, :to, :event, :mid, :actor, :at)""")
                .param("case", caseId).param("from", t.from().name()).param("to", t.to().name())
                .param("event", t.event().name()).param("mid", t.messageId()).param("actor", cut(t.actor()))
                .param("at", utc(t.at())).update();
    }

    List<Transition> history(long caseId) {
        return jdbc.sql("select * from readmission_transition where case_id = :case order by id").param("case", caseId)
                .query((rs, row) -> new Transition(ReadmissionState.valueOf(rs.getString("from_state")),
                        ReadmissionState.valueOf(rs.getString("to_state")), CaseEvent.valueOf(rs.getString("event")),
                        rs.getString("message_id"), rs.getString("actor"), instant(rs, "at")))
                .list();
    }

    /** Records an alert; false when it was already raised (by this or another node of the party). */
    void addAlert(long caseId, String deadline, Instant dueAt, Instant raisedAt) {
        jdbc.sql("insert into readmission_deadline_alert (case_id, deadline, due_at, raised_at) values (:c, :d, :due, :at)")
                .param("c", caseId).param("d", deadline).param("due", utc(dueAt)).param("at", utc(raisedAt)).update();
    }

    boolean alerted(long caseId, String deadline, Instant dueAt) {
        return jdbc.sql("select count(*) from readmission_deadline_alert where case_id = :c and deadline = :d and due_at = :due")
                .param("c", caseId).param("d", deadline).param("due", utc(dueAt)).query(Long.class).single() > 0;
    }

    private static java.util.Map<String, Object> columns(ReadmissionCase c) {
        java.util.Map<String, Object> p = new java.util.HashMap<>();
        p.put("ref", c.caseReference());
        p.put("partner", c.partner());
        p.put("role", c.role().name());
        p.put("state", c.state().name());
        p.put("suspendedFrom", c.suspendedFrom() == null ? null : c.suspendedFrom().name());
        p.put("conversation", c.conversationId());
        p.put("request", c.requestMessageId());
        p.put("arrived", utc(c.arrivedAt()));
        p.put("requested", utc(c.requestedAt()));
        p.put("receipt", utc(c.receiptAt()));
        p.put("exceptional", c.exceptional());
        p.put("replyDue", utc(c.replyDue()));
        p.put("processDue", utc(c.processDue()));
        p.put("created", utc(c.createdAt()));
        p.put("updated", utc(c.updatedAt()));
        return p;
    }

    private static ReadmissionCase map(ResultSet rs, int row) throws SQLException {
        String suspendedFrom = rs.getString("suspended_from");
        return new ReadmissionCase(rs.getLong("id"), rs.getString("case_reference"), rs.getString("partner"),
                ReadmissionCase.Role.valueOf(rs.getString("role")), ReadmissionState.valueOf(rs.getString("state")),
                suspendedFrom == null ? null : ReadmissionState.valueOf(suspendedFrom), rs.getString("conversation_id"),
                rs.getString("request_message_id"), instant(rs, "arrived_at"), instant(rs, "requested_at"),
                instant(rs, "receipt_at"), rs.getBoolean("exceptional"), instant(rs, "reply_due"),
                instant(rs, "process_due"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    private static String cut(String s) {
        return s == null || s.length() <= 128 ? s : s.substring(0, 128);
    }
}
