package org.passerelle.gateway.agreement;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Each partner's standing under the agreement ({@code partner_standing}), in the database so that every node of the
 * party and every restart see the same. Winding down is not a suspension: messages of open cases keep flowing.
 */
@Component
class PartnerStandings {

    /** ACTIVE, or WINDING_DOWN once the partner walked away. */
    enum Standing { ACTIVE, WINDING_DOWN }

    /** A partner's standing; {@code changedBy} is null when nobody ever changed it. */
    record PartnerStanding(String party, Standing standing, boolean admissionsOpen, String reason, String changedBy,
                           Instant changedAt) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    PartnerStandings(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    PartnerStanding of(String party) {
        return jdbc.sql("select * from partner_standing where party = :p").param("p", party)
                .query((rs, n) -> new PartnerStanding(party, Standing.valueOf(rs.getString("standing")),
                        rs.getBoolean("admissions_open"), rs.getString("reason"), rs.getString("changed_by"),
                        rs.getObject("changed_at", OffsetDateTime.class).toInstant()))
                .optional().orElse(new PartnerStanding(party, Standing.ACTIVE, true, null, null, null));
    }

    void set(String party, Standing standing, boolean admissionsOpen, String reason, String actor) {
        OffsetDateTime at = clock.instant().atOffset(ZoneOffset.UTC);
        int updated = jdbc.sql("""
                update partner_standing set standing = :s, admissions_open = :open, reason = :r, changed_by = :by,
                  changed_at = :at where party = :p""")
                .param("s", standing.name()).param("open", admissionsOpen).param("r", reason).param("by", actor)
                .param("at", at).param("p", party).update();
        if (updated == 0) {
            jdbc.sql("""
                    insert into partner_standing (party, standing, admissions_open, reason, changed_by, changed_at)
                    values (:p, :s, :open, :r, :by, :at)""")
                    .param("s", standing.name()).param("open", admissionsOpen).param("r", reason).param("by", actor)
                    .param("at", at).param("p", party).update();
        }
    }
}
