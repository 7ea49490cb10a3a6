package org.passerelle.gateway.access;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Administrators manage the embedded users: list, create, change (roles, attributes, password, enabled) and unlock.
 * Every change is audited with the administrator as actor; a refused change is audited too. Passwords are hashed
 * here (Argon2id) and never shown, logged or audited. Users listed in configuration are brought back to their
 * configured values at the next start.
 */
@RestController
@RequestMapping("/api/v1/users")
class UsersController {

    static final int MIN_PASSWORD = 12;

    private final UserStore users;
    private final PasswordEncoder encoder;
    private final LoginAudit logins;
    private final AuditTrail audit;
    private final Clock clock;

    UsersController(UserStore users, PasswordEncoder encoder, LoginAudit logins, AuditTrail audit, Clock clock) {
        this.users = users;
        this.encoder = encoder;
        this.logins = logins;
        this.audit = audit;
        this.clock = clock;
    }

    /** A user as shown: never the password hash. */
    record UserView(String username, List<String> roles, String partner, String team, boolean enabled, boolean locked) {
    }

    /** What an administrator sends; {@code password} may be left out of a change to keep the current one. */
    record UserRequest(String username, String password, List<String> roles, String partner, String team, Boolean enabled) {

        @Override
        public String toString() {
            return "UserRequest[" + username + "]";
        }
    }

    @GetMapping
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "The embedded users, without their password hashes (ADMIN)")
    List<UserView> list() {
        return users.all().stream().map(this::view).toList();
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Create an embedded user; the password is hashed and never returned (ADMIN)")
    ResponseEntity<UserView> create(@RequestBody UserRequest body, Principal admin) {
        String name = body == null ? null : body.username();
        AccessProperties.User user = valid(body, name, null, admin, "USER_CREATED");
        if (!users.create(user)) {
            throw refused(admin, name, "USER_CREATED", GatewayErrorCode.USER_EXISTS, "A user with this name exists");
        }
        logins.userChanged(admin.getName(), "API", name, "created");
        return ResponseEntity.status(HttpStatus.CREATED).body(view(users.find(name).orElseThrow()));
    }

    @PutMapping("/{username}")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Change an embedded user's roles, partner, team, enabled flag or password (ADMIN)")
    UserView change(@PathVariable String username, @RequestBody UserRequest body, Principal admin) {
        UserStore.StoredUser existing = users.find(username).orElseThrow(() ->
                refused(admin, username, "USER_UPDATED", GatewayErrorCode.USER_NOT_FOUND, "No such user"));
        AccessProperties.User user = valid(body, username, existing, admin, "USER_UPDATED");
        if (users.provision(user) != null) {
            logins.userChanged(admin.getName(), "API", username, "updated");
        }
        return view(users.find(username).orElseThrow());
    }

    @PostMapping("/{username}/unlock")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Clear an embedded user's failed sign-ins and lock (ADMIN)")
    UserView unlock(@PathVariable String username, Principal admin) {
        if (!users.unlock(username)) {
            throw refused(admin, username, "USER_UNLOCKED", GatewayErrorCode.USER_NOT_FOUND, "No such user");
        }
        logins.userChanged(admin.getName(), "API", username, "unlocked");
        return view(users.find(username).orElseThrow());
    }

    private AccessProperties.User valid(UserRequest body, String username, UserStore.StoredUser existing,
                                        Principal admin, String action) {
        List<String> problems = new ArrayList<>();
        if (body == null) {
            problems.add("no user given");
        } else if (existing == null || body.password() != null) {
            if (body.password() == null || body.password().length() < MIN_PASSWORD) {
                problems.add("password must be at least " + MIN_PASSWORD + " characters");
            }
        }
        if (problems.isEmpty()) {
            String hash = body.password() != null ? encoder.encode(body.password()) : existing.passwordHash();
            AccessProperties.User user = new AccessProperties.User(username, hash,
                    body.roles() == null ? List.of() : body.roles(), blankToNull(body.partner()), blankToNull(body.team()),
                    body.enabled() == null || body.enabled());
            user.check("user", problems);
            if (problems.isEmpty()) {
                return user;
            }
        }
        throw refused(admin, username, action, GatewayErrorCode.USER_INVALID, "The user is invalid", problems);
    }

    private GatewayException refused(Principal admin, String username, String action, GatewayErrorCode code, String title) {
        return refused(admin, username, action, code, title, List.of());
    }

    private GatewayException refused(Principal admin, String username, String action, GatewayErrorCode code,
                                     String title, List<String> details) {
        audit.refused(AuditTrail.Entry.of(admin.getName(), "API", action, "REFUSED")
                .resource("user:" + LoginAudit.actor(username)).code(code.name(), null));
        return new GatewayException(code.name(), code.status(), title, details, null);
    }

    private UserView view(UserStore.StoredUser u) {
        return new UserView(u.username(), u.roles().stream().map(Enum::name).toList(), u.partner(), u.team(),
                u.enabled(), u.lockedAt(clock.instant()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
