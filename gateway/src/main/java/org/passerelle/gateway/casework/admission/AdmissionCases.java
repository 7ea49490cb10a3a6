package org.passerelle.gateway.casework.admission;

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

/** The admission case tables: cases, their transition history, optimistic updates by version. */
@Repository
class AdmissionCases {

    /** One transition as the history shows it. */
    record Transition(AdmissionState from, AdmissionState to, AdmissionEvent event, String actor, String messageId,
                      String detail, Instant at) {
    }

    private final JdbcClient jdbc;
    private final CaseTeams teams;

    AdmissionCases(JdbcClient jdbc, CaseTeams teams) {
        this.jdbc = jdbc;
        this.teams = teams;
    }

    Optional<AdmissionCase> find(String caseReference) {
        return jdbc.sql("select * from admission_case where case_reference = :ref").param("ref", caseReference)
                .query(AdmissionCases::map).optional();
    }

    /** The team the case belongs to (set when it opened); empty when it has none or does not exist. */
    Optional<String> team(String caseReference) {
        return jdbc.sql("select team from admission_case where case_reference = :ref").param("ref", caseReference)
                .query((rs, i) -> Optional.ofNullable(rs.getString(1))).optional().flatMap(t -> t);
    }

    List<AdmissionCase> list(AdmissionState stateOrNull, int limit) {
        String where = stateOrNull == null ? "" : " where state = :state";
        var spec = jdbc.sql("select * from admission_case" + where + " order by opened_at desc fetch first :n rows only")
                .param("n", limit);
        if (stateOrNull != null) {
            spec = spec.param("state", stateOrNull.name());
        }
        return spec.query(AdmissionCases::map).list();
    }

    List<AdmissionCase> overduePresence(Instant now) {
        return jdbc.sql("""
                select * from admission_case where state = :state and role = :role and presence_due_at < :now
                order by presence_due_at""")
                .param("state", AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED.name())
                .param("role", AdmissionRole.DECIDING.name()).param("now", utc(now))
                .query(AdmissionCases::map).list();
    }

    void open(AdmissionCase c, String actor, String messageId) {
        jdbc.sql("""
                insert into admission_case (case_reference, partner, role, state, eoi_id, biometric_ref, opened_at,
                  presence_due_at, updated_at, version, team)
                values (:ref, :partner, :role, :state, :eoi, :bio, :opened, :due, :opened, 0, :team)""")
                .param("team", teams.teamFor(CaseTeams.Kind.ADMISSION, c.partner()))
                .param("ref", c.caseReference()).param("partner", c.partner()).param("role", c.role().name())
                .param("state", c.state().name()).param("eoi", c.eoiId()).param("bio", c.biometricRef())
                .param("opened", utc(c.openedAt())).param("due", utc(c.presenceDueAt())).update();
        history(c.caseReference(), null, c.state(), AdmissionEvent.REFERRAL, actor, messageId, null, c.openedAt());
    }

    /** Moves the case if it is still at the version read; false when someone else moved it first. */
    boolean move(AdmissionCase c, AdmissionState to, AdmissionEvent event, String actor, String messageId,
                 String detail, String securityOutcome, Instant at) {
        int updated = jdbc.sql("""
                update admission_case set state = :to, updated_at = :at, version = version + 1,
                  security_outcome = coalesce(:security, security_outcome)
                where case_reference = :ref and version = :version""")
                .param("to", to.name()).param("at", utc(at)).param("security", securityOutcome)
                .param("ref", c.caseReference()).param("version", c.version()).update();
        if (updated == 1) {
            history(c.caseReference(), c.state(), to, event, actor, messageId, detail, at);
        }
        return updated == 1;
    }

    List<Transition> history(String caseReference) {
        return jdbc.sql("select * from admission_case_history where case_reference = :ref order by id")
                .param("ref", caseReference)
                .query((rs, n) -> new Transition(
                        rs.getString("from_state") == null ? null : AdmissionState.valueOf(rs.getString("from_state")),
                        AdmissionState.valueOf(rs.getString("to_state")), AdmissionEvent.valueOf(rs.getString("event")),
                        rs.getString("actor"), rs.getString("message_id"), rs.getString("detail"),
                        rs.getObject("at", OffsetDateTime.class).toInstant()))
                .list();
    }

    private void history(String ref, AdmissionState from, AdmissionState to, AdmissionEvent event, String actor,
                         String messageId, String detail, Instant at) {
        jdbc.sql("""
                insert into admission_case_history (case_reference, from_state, to_state, event, actor, message_id, detail, at)
                values (:ref, :from, :to, :event, :actor, :mid, :detail, :at)""")
                .param("ref", ref).param("from", from == null ? null : from.name()).param("to", to.name())
                .param("event", event.name()).param("actor", actor).param("mid", messageId)
                .param("detail", detail).param("at", utc(at)).update();
    }

    private static AdmissionCase map(ResultSet rs, int row) throws SQLException {
        return new AdmissionCase(rs.getString("case_reference"), rs.getString("partner"),
                AdmissionRole.valueOf(rs.getString("role")), AdmissionState.valueOf(rs.getString("state")),
                rs.getString("eoi_id"), rs.getString("biometric_ref"), rs.getString("security_outcome"),
                rs.getObject("opened_at", OffsetDateTime.class).toInstant(),
                rs.getObject("presence_due_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(), rs.getInt("version"));
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
