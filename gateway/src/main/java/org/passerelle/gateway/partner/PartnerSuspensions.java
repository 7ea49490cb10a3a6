package org.passerelle.gateway.partner;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which partners an administrator has suspended, kept in the database so that every node of the party and every
 * restart sees the same answer. Suspending holds messages; it never drops one.
 */
@Component
public class PartnerSuspensions {

    private final JdbcClient jdbc;
    private final Clock clock;

    PartnerSuspensions(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<Suspension> of(String party) {
        return jdbc.sql("select * from partner_suspension where party = :party").param("party", party)
                .query((rs, i) -> new Suspension(rs.getString("party"), rs.getString("reason"),
                        rs.getString("suspended_by"), rs.getObject("suspended_at", OffsetDateTime.class).toInstant()))
                .optional();
    }

    public boolean suspended(String party) {
        return of(party).isPresent();
    }

    /** Suspends the partner; false when it already was. */
    @Transactional
    public boolean suspend(String party, String reason, String actor) {
        if (suspended(party)) {
            return false;
        }
        return jdbc.sql("insert into partner_suspension (party, reason, suspended_by, suspended_at) values (:p, :r, :a, :at)")
                .param("p", party).param("r", reason).param("a", actor)
                .param("at", clock.instant().atOffset(ZoneOffset.UTC)).update() == 1;
    }

    /** Resumes the exchange with the partner; false when it was not suspended. */
    @Transactional
    public boolean resume(String party) {
        return jdbc.sql("delete from partner_suspension where party = :p").param("p", party).update() == 1;
    }

    /** A suspension in force: why, by whom, since when. */
    public record Suspension(String party, String reason, String suspendedBy, Instant since) {
    }
}
