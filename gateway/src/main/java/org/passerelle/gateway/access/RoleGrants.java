package org.passerelle.gateway.access;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;

/** The role grants that wait for a second administrator ({@code role_grant}), and what became of them. */
@Component
class RoleGrants {

    /** Where a grant stands; only a PENDING one is ever decided. */
    enum Status { PENDING, APPROVED, REJECTED }

    /** One grant: who asked that {@code username} be given {@code roles}, when, and who decided it. */
    record Grant(long id, String username, Set<Caller.Role> roles, String requestedBy, Instant requestedAt,
                 Status status, String decidedBy, Instant decidedAt) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    RoleGrants(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Records a pending grant and answers it. */
    Grant request(String username, Set<Caller.Role> roles, String requestedBy) {
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                insert into role_grant (username, roles, requested_by, requested_at, status)
                values (:u, :r, :by, :at, 'PENDING')""")
                .param("u", username).param("r", names(roles)).param("by", requestedBy).param("at", now())
                .update(key, "id");
        return find(key.getKey().longValue()).orElseThrow();
    }

    Optional<Grant> find(long id) {
        return jdbc.sql("select * from role_grant where id = :id").param("id", id).query(RoleGrants::map).optional();
    }

    /** The grants still waiting, oldest first. */
    List<Grant> pending() {
        return jdbc.sql("select * from role_grant where status = 'PENDING' order by id").query(RoleGrants::map).list();
    }

    /**
     * Decides a pending grant; false when it is not (or no longer) pending. The condition on the status makes two
     * administrators deciding at once see one decision win, never both.
     */
    boolean decide(long id, Status decision, String decidedBy) {
        return jdbc.sql("""
                update role_grant set status = :s, decided_by = :by, decided_at = :at
                where id = :id and status = 'PENDING'""")
                .param("s", decision.name()).param("by", decidedBy).param("at", now()).param("id", id).update() == 1;
    }

    static String names(Set<Caller.Role> roles) {
        return roles.stream().sorted().map(Enum::name).collect(Collectors.joining(","));
    }

    private static Grant map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Grant(rs.getLong("id"), rs.getString("username"),
                AccessProperties.roles(Arrays.stream(rs.getString("roles").split(",")).filter(s -> !s.isBlank()).toList()),
                rs.getString("requested_by"), instant(rs, "requested_at"), Status.valueOf(rs.getString("status")),
                rs.getString("decided_by"), instant(rs, "decided_at"));
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }
}
