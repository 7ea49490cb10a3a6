package org.passerelle.gateway.access;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.passerelle.gateway.audit.AuditAction;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The embedded users ({@code api_user}): who they are, their password hash, and the count of failures that locks them. */
@Component
class UserStore {

    private final JdbcClient jdbc;
    private final Clock clock;

    UserStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** One stored user; never shown as is (it holds the password hash). */
    record StoredUser(String username, String passwordHash, Set<Caller.Role> roles, String partner, String team,
                      boolean enabled, int failedAttempts, Instant lockedUntil) {

        boolean lockedAt(Instant now) {
            return lockedUntil != null && now.isBefore(lockedUntil);
        }

        Caller caller() {
            return new Caller(username, Caller.Kind.PERSON, roles, partner, team);
        }

        @Override
        public String toString() {
            return "StoredUser[" + username + "]";
        }
    }

    Optional<StoredUser> find(String username) {
        return jdbc.sql("select * from api_user where username = :u").param("u", username)
                .query((rs, row) -> new StoredUser(rs.getString("username"), rs.getString("password_hash"),
                        AccessProperties.roles(Arrays.stream(rs.getString("roles").split(",")).filter(s -> !s.isBlank()).toList()),
                        rs.getString("partner"), rs.getString("team"), rs.getBoolean("enabled"),
                        rs.getInt("failed_attempts"),
                        Optional.ofNullable(rs.getObject("locked_until", OffsetDateTime.class)).map(OffsetDateTime::toInstant).orElse(null)))
                .optional();
    }

    /** Inserts or updates a user as configured; answers what changed (USER_CREATED or USER_UPDATED), or null. */
    @Transactional
    AuditAction provision(AccessProperties.User u) {
        String roles = String.join(",", u.parsedRoles().stream().map(Enum::name).toList());
        OffsetDateTime now = now();
        Optional<StoredUser> existing = find(u.username());
        if (existing.isEmpty()) {
            jdbc.sql("""
                    insert into api_user (username, password_hash, roles, partner, team, enabled, failed_attempts,
                      created_at, updated_at)
                    values (:u, :h, :r, :p, :t, :e, 0, :now, :now)""")
                    .param("u", u.username()).param("h", u.passwordHash()).param("r", roles).param("p", u.partner())
                    .param("t", u.team()).param("e", u.enabled()).param("now", now).update();
            return AuditAction.USER_CREATED;
        }
        StoredUser s = existing.get();
        String storedRoles = String.join(",", s.roles().stream().sorted().map(Enum::name).toList());
        if (s.passwordHash().equals(u.passwordHash()) && storedRoles.equals(roles)
                && java.util.Objects.equals(s.partner(), u.partner()) && java.util.Objects.equals(s.team(), u.team())
                && s.enabled() == u.enabled()) {
            return null;
        }
        boolean newPassword = !s.passwordHash().equals(u.passwordHash());
        jdbc.sql("""
                update api_user set password_hash = :h, roles = :r, partner = :p, team = :t, enabled = :e,
                  failed_attempts = case when :np then 0 else failed_attempts end,
                  locked_until = case when :np then null else locked_until end, updated_at = :now
                where username = :u""")
                .param("u", u.username()).param("h", u.passwordHash()).param("r", roles).param("p", u.partner())
                .param("t", u.team()).param("e", u.enabled()).param("np", newPassword).param("now", now).update();
        return AuditAction.USER_UPDATED;
    }

    /**
     * Counts a wrong password; locks the account until {@code lockFor} from now when it reaches {@code max}.
     * Answers whether this failure locked it. Runs in its own transaction: the refusal that follows must not undo it.
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    boolean failed(String username, int max, java.time.Duration lockFor) {
        OffsetDateTime now = now();
        jdbc.sql("update api_user set failed_attempts = failed_attempts + 1, updated_at = :now where username = :u")
                .param("u", username).param("now", now).update();
        int locked = jdbc.sql("""
                update api_user set failed_attempts = 0, locked_until = :until, updated_at = :now
                where username = :u and failed_attempts >= :max""")
                .param("u", username).param("max", max).param("until", now.plus(lockFor)).param("now", now).update();
        return locked > 0;
    }

    /** Clears the failure count and any expired lock after a successful sign-in. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void succeeded(StoredUser user) {
        if (user.failedAttempts() != 0 || user.lockedUntil() != null) {
            jdbc.sql("update api_user set failed_attempts = 0, locked_until = null, updated_at = :now where username = :u")
                    .param("u", user.username()).param("now", now()).update();
        }
    }

    /** Adds a user; false if the name is taken. */
    @Transactional
    boolean create(AccessProperties.User u) {
        if (find(u.username()).isPresent()) {
            return false;
        }
        provision(u);
        return true;
    }

    /** Clears a user's failures and lock; false if there is no such user. */
    @Transactional
    boolean unlock(String username) {
        return jdbc.sql("update api_user set failed_attempts = 0, locked_until = null, updated_at = :now where username = :u")
                .param("u", username).param("now", now()).update() > 0;
    }

    /** Every user, by name. */
    List<StoredUser> all() {
        return usernames().stream().map(this::find).flatMap(Optional::stream).toList();
    }

    List<String> usernames() {
        return jdbc.sql("select username from api_user order by username").query(String.class).list();
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }
}
