package org.passerelle.gateway.access;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Administrators manage the embedded users over HTTP: list, create, change (roles, attributes, password, enabled),
 * unlock, and approve or reject the role grants that wait for a second administrator. Every decision, and its audit,
 * is {@link UserAdministration}'s; this only maps it to answers. Passwords are never shown, logged or audited.
 */
@RestController
@RequestMapping("/api/v1/users")
class UsersController {

    private final UserStore users;
    private final UserAdministration administration;
    private final Clock clock;

    UsersController(UserStore users, UserAdministration administration, Clock clock) {
        this.users = users;
        this.administration = administration;
        this.clock = clock;
    }

    /** A user as shown: never the password hash. */
    record UserView(String username, List<String> roles, String partner, String team, boolean enabled, boolean locked) {
    }

    /** A role grant as shown. */
    record GrantView(long id, String username, List<String> roles, String requestedBy, Instant requestedAt,
                     String status, String decidedBy, Instant decidedAt) {
    }

    /**
     * The answer to a create or change that added ADMIN or AUDITOR: {@code 202} with the user as it now stands
     * (without those roles) and the grant waiting for a second administrator.
     */
    record PendingView(String code, UserView user, GrantView grant) {
    }

    @GetMapping
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "The embedded users, without their password hashes (ADMIN)")
    List<UserView> list() {
        return users.all().stream().map(this::view).toList();
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Create an embedded user; the password is hashed and never returned (ADMIN). "
            + "ADMIN or AUDITOR is granted only once a second administrator approves: 202 APPROVAL_REQUIRED")
    ResponseEntity<?> create(@RequestBody UserAdministration.UserRequest body) {
        return answer(administration.create(Callers.current(), body), HttpStatus.CREATED);
    }

    @PutMapping("/{username}")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Change another user's roles, partner, team, enabled flag or password (ADMIN); never your own "
            + "roles. ADMIN or AUDITOR is granted only once a second administrator approves: 202 APPROVAL_REQUIRED")
    ResponseEntity<?> change(@PathVariable String username, @RequestBody UserAdministration.UserRequest body) {
        return answer(administration.change(Callers.current(), username, body), HttpStatus.OK);
    }

    @PostMapping("/{username}/unlock")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Clear an embedded user's failed sign-ins and lock (ADMIN)")
    UserView unlock(@PathVariable String username) {
        return view(administration.unlock(Callers.current(), username));
    }

    @GetMapping("/role-grants")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "The role grants waiting for a second administrator, oldest first (ADMIN)")
    List<GrantView> pending() {
        return administration.pending().stream().map(UsersController::view).toList();
    }

    @PostMapping("/role-grants/{id}/approve")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Approve a pending role grant: its roles are added to the user (ADMIN, never the requester)")
    GrantView approve(@PathVariable long id) {
        return view(administration.approve(Callers.current(), id));
    }

    @PostMapping("/role-grants/{id}/reject")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Reject a pending role grant; the requester may withdraw their own (ADMIN)")
    GrantView reject(@PathVariable long id) {
        return view(administration.reject(Callers.current(), id));
    }

    private ResponseEntity<?> answer(UserAdministration.Outcome outcome, HttpStatus done) {
        UserView user = view(outcome.user());
        if (outcome.pending() == null) {
            return ResponseEntity.status(done).body(user);
        }
        GrantView grant = view(outcome.pending());
        return ResponseEntity.accepted().body(new PendingView(GatewayErrorCode.APPROVAL_REQUIRED.name(), user, grant));
    }

    private UserView view(UserStore.StoredUser u) {
        return new UserView(u.username(), u.roles().stream().map(Enum::name).toList(), u.partner(), u.team(),
                u.enabled(), u.lockedAt(clock.instant()));
    }

    private static GrantView view(RoleGrants.Grant g) {
        return new GrantView(g.id(), g.username(), g.roles().stream().map(Enum::name).toList(), g.requestedBy(),
                g.requestedAt(), g.status().name(), g.decidedBy(), g.decidedAt());
    }
}
