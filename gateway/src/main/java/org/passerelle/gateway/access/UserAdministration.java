package org.passerelle.gateway.access;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one service through which administrators manage embedded users, applying the separation of duties of
 * {@link AccessRules} to every change, and auditing each change and each refusal with who, what, whom and roles.
 *
 * <p>A create or change that would add ADMIN or AUDITOR is applied without those roles and leaves a pending
 * {@link RoleGrants.Grant}; a second administrator approves it (the roles are added then) or rejects it. The
 * requester may reject (withdraw) their own request, never approve it.
 */
@Service
class UserAdministration {

    static final int MIN_PASSWORD = 12;
    private static final AuditChannel CHANNEL = AuditChannel.API;
    /** The role an administrator acts in here, whatever else they hold: only ADMIN reaches these operations. */
    private static final String ACTING_ROLE = Caller.Role.ADMIN.name();

    private final UserStore users;
    private final RoleGrants grants;
    private final PasswordEncoder encoder;
    private final LoginAudit logins;
    private final AuditTrail audit;

    UserAdministration(UserStore users, RoleGrants grants, PasswordEncoder encoder, LoginAudit logins,
                       AuditTrail audit) {
        this.users = users;
        this.grants = grants;
        this.encoder = encoder;
        this.logins = logins;
        this.audit = audit;
    }

    /** What an administrator sends; {@code password} may be left out of a change to keep the current one. */
    record UserRequest(String username, String password, List<String> roles, String partner, String team,
                       Boolean enabled) {

        @Override
        public String toString() {
            return "UserRequest[" + username + "]";
        }
    }

    /** A create or change as applied: the user as now stored, and the grant left waiting for approval, if any. */
    record Outcome(UserStore.StoredUser user, RoleGrants.Grant pending) {
    }

    @Transactional
    Outcome create(Caller admin, UserRequest body) {
        String name = body == null ? null : body.username();
        AuditAction action = AuditAction.USER_CREATED;
        AccessProperties.User asked = valid(admin, body, name, null, action);
        Set<Caller.Role> roles = asked.parsedRoles();
        if (AccessRules.changesOwnRoles(admin, name, Set.of(), roles)) {
            // An administrator known by token or identity provider would otherwise give their own name roles here.
            throw refused(admin, name, action, GatewayErrorCode.SELF_ROLE_CHANGE,
                    "You cannot give yourself roles", "roles asked " + RoleGrants.names(roles));
        }
        Set<Caller.Role> awaiting = awaitingApproval(Set.of(), roles);
        if (!users.create(withRoles(asked, minus(roles, awaiting)))) {
            throw refused(admin, name, action, GatewayErrorCode.USER_EXISTS, "A user with this name exists", null);
        }
        UserStore.StoredUser created = users.find(name).orElseThrow();
        logins.userChanged(admin.name(), ACTING_ROLE, CHANNEL, name, AuditAction.USER_CREATED,
                rolesDetail(created.roles()));
        return new Outcome(created, requestGrant(admin, name, awaiting));
    }

    @Transactional
    Outcome change(Caller admin, String username, UserRequest body) {
        AuditAction action = AuditAction.USER_UPDATED;
        UserStore.StoredUser existing = users.find(username).orElseThrow(() ->
                refused(admin, username, action, GatewayErrorCode.USER_NOT_FOUND, "No such user", null));
        AccessProperties.User asked = valid(admin, body, username, existing, action);
        Set<Caller.Role> roles = asked.parsedRoles();
        if (AccessRules.changesOwnRoles(admin, username, existing.roles(), roles)) {
            throw refused(admin, username, action, GatewayErrorCode.SELF_ROLE_CHANGE,
                    "You cannot change your own roles; another administrator can",
                    "roles asked " + RoleGrants.names(roles) + " (held " + RoleGrants.names(existing.roles()) + ")");
        }
        Set<Caller.Role> awaiting = awaitingApproval(existing.roles(), roles);
        if (users.provision(withRoles(asked, minus(roles, awaiting))) != null) {
            UserStore.StoredUser now = users.find(username).orElseThrow();
            logins.userChanged(admin.name(), ACTING_ROLE, CHANNEL, username, AuditAction.USER_UPDATED,
                    rolesDetail(now.roles()) + " (were " + RoleGrants.names(existing.roles()) + ")");
        }
        return new Outcome(users.find(username).orElseThrow(), requestGrant(admin, username, awaiting));
    }

    @Transactional
    UserStore.StoredUser unlock(Caller admin, String username) {
        if (!users.unlock(username)) {
            throw refused(admin, username, AuditAction.USER_UNLOCKED, GatewayErrorCode.USER_NOT_FOUND, "No such user",
                    null);
        }
        UserStore.StoredUser user = users.find(username).orElseThrow();
        logins.userChanged(admin.name(), ACTING_ROLE, CHANNEL, username, AuditAction.USER_UNLOCKED,
                rolesDetail(user.roles()));
        return user;
    }

    /** The grants waiting for a second administrator. */
    List<RoleGrants.Grant> pending() {
        return grants.pending();
    }

    /**
     * A second administrator approves a pending grant: its roles are added to the user's current ones, unless that
     * would break a rule as things stand now (roles held meanwhile, or the approver being the user).
     */
    @Transactional
    RoleGrants.Grant approve(Caller admin, long id) {
        AuditAction action = AuditAction.ROLE_GRANT_APPROVED;
        RoleGrants.Grant grant = pendingGrant(admin, id, action);
        String what = grantDetail(grant);
        if (admin.name().equals(grant.requestedBy())) {
            throw refused(admin, grant.username(), action, GatewayErrorCode.APPROVAL_BY_REQUESTER,
                    "A second administrator must approve this grant", what);
        }
        UserStore.StoredUser user = users.find(grant.username()).orElseThrow(() ->
                refused(admin, grant.username(), action, GatewayErrorCode.USER_NOT_FOUND, "No such user", what));
        Set<Caller.Role> after = EnumSet.copyOf(grant.roles());
        after.addAll(user.roles());
        if (AccessRules.changesOwnRoles(admin, user.username(), user.roles(), after)) {
            throw refused(admin, user.username(), action, GatewayErrorCode.SELF_ROLE_CHANGE,
                    "You cannot approve a grant of roles to yourself", what);
        }
        String incompatible = AccessRules.incompatible(after);
        if (incompatible != null) {
            throw refused(admin, user.username(), action, GatewayErrorCode.ROLES_INCOMPATIBLE,
                    "The user's roles would be incompatible", what + "; " + incompatible, List.of(incompatible));
        }
        if (!grants.decide(id, RoleGrants.Status.APPROVED, admin.name())) {
            throw refused(admin, grant.username(), action, GatewayErrorCode.GRANT_NOT_FOUND,
                    "No pending role grant with this id", what);
        }
        users.provision(new AccessProperties.User(user.username(), user.passwordHash(),
                after.stream().map(Enum::name).toList(), user.partner(), user.team(), user.enabled()));
        audit.record(entry(admin, grant.username(), action, AuditOutcome.GRANTED)
                .detail(what + "; " + rolesDetail(after)));
        return grants.find(id).orElseThrow();
    }

    /** An administrator rejects a pending grant (the requester withdrawing their own included); no role changes. */
    @Transactional
    RoleGrants.Grant reject(Caller admin, long id) {
        AuditAction action = AuditAction.ROLE_GRANT_REJECTED;
        RoleGrants.Grant grant = pendingGrant(admin, id, action);
        if (!grants.decide(id, RoleGrants.Status.REJECTED, admin.name())) {
            throw refused(admin, grant.username(), action, GatewayErrorCode.GRANT_NOT_FOUND,
                    "No pending role grant with this id", grantDetail(grant));
        }
        audit.record(entry(admin, grant.username(), action, AuditOutcome.GRANTED).detail(grantDetail(grant)));
        return grants.find(id).orElseThrow();
    }

    /** The roles as recorded in an audit entry's detail. */
    static String rolesDetail(Set<Caller.Role> roles) {
        return "roles " + (roles.isEmpty() ? "none" : RoleGrants.names(roles));
    }

    private RoleGrants.Grant pendingGrant(Caller admin, long id, AuditAction action) {
        return grants.find(id).filter(g -> g.status() == RoleGrants.Status.PENDING).orElseThrow(() ->
                refused(admin, null, action, GatewayErrorCode.GRANT_NOT_FOUND, "No pending role grant with this id",
                        "grant " + id));
    }

    /** Records the grant of the roles that wait for approval, if any, and audits the request. */
    private RoleGrants.Grant requestGrant(Caller admin, String username, Set<Caller.Role> awaiting) {
        if (awaiting.isEmpty()) {
            return null;
        }
        RoleGrants.Grant grant = grants.request(username, awaiting, admin.name());
        audit.record(entry(admin, username, AuditAction.ROLE_GRANT_REQUESTED, AuditOutcome.PENDING)
                .code(GatewayErrorCode.APPROVAL_REQUIRED.name(), grantDetail(grant)));
        return grant;
    }

    /** The roles asked for that the user does not hold and that only a second administrator's approval grants. */
    private static Set<Caller.Role> awaitingApproval(Set<Caller.Role> held, Set<Caller.Role> asked) {
        Set<Caller.Role> awaiting = EnumSet.noneOf(Caller.Role.class);
        for (Caller.Role r : asked) {
            if (!held.contains(r) && AccessRules.needsSecondApproval(r)) {
                awaiting.add(r);
            }
        }
        return awaiting;
    }

    private AccessProperties.User valid(Caller admin, UserRequest body, String username, UserStore.StoredUser existing,
                                        AuditAction action) {
        List<String> problems = new ArrayList<>();
        if (body == null) {
            problems.add("no user given");
        } else if (existing == null || body.password() != null) {
            if (body.password() == null || body.password().length() < MIN_PASSWORD) {
                problems.add("password must be at least " + MIN_PASSWORD + " characters");
            }
        }
        if (problems.isEmpty()) {
            List<String> roleNames = body.roles() == null ? List.of() : body.roles();
            dutiesOf(admin, username, roleNames, action);
            String hash = body.password() != null ? encoder.encode(body.password()) : existing.passwordHash();
            AccessProperties.User user = new AccessProperties.User(username, hash, roleNames,
                    blankToNull(body.partner()), blankToNull(body.team()), body.enabled() == null || body.enabled());
            user.check("user", problems);
            if (problems.isEmpty()) {
                return user;
            }
        }
        throw refused(admin, username, action, GatewayErrorCode.USER_INVALID, "The user is invalid", null, problems);
    }

    /** Refuses, with their own codes, roles no person holds or no one holds together (other problems are USER_INVALID). */
    private void dutiesOf(Caller admin, String username, List<String> roleNames, AuditAction action) {
        Set<Caller.Role> roles;
        try {
            roles = AccessProperties.roles(roleNames);
        } catch (IllegalArgumentException unknown) {
            return;
        }
        if (roles.contains(Caller.Role.SYSTEM)) {
            throw refused(admin, username, action, GatewayErrorCode.SYSTEM_ROLE_NOT_FOR_PEOPLE,
                    "SYSTEM is for back-end systems (API tokens or certificates), not people",
                    "roles asked " + RoleGrants.names(roles));
        }
        String incompatible = AccessRules.incompatible(roles);
        if (incompatible != null) {
            throw refused(admin, username, action, GatewayErrorCode.ROLES_INCOMPATIBLE,
                    "These roles cannot be held together", "roles asked " + RoleGrants.names(roles) + ": " + incompatible,
                    List.of(incompatible));
        }
    }

    private static AccessProperties.User withRoles(AccessProperties.User u, Set<Caller.Role> roles) {
        return new AccessProperties.User(u.username(), u.passwordHash(), roles.stream().map(Enum::name).toList(),
                u.partner(), u.team(), u.enabled());
    }

    private static Set<Caller.Role> minus(Set<Caller.Role> roles, Set<Caller.Role> without) {
        Set<Caller.Role> rest = EnumSet.noneOf(Caller.Role.class);
        rest.addAll(roles);
        rest.removeAll(without);
        return rest;
    }

    private static String grantDetail(RoleGrants.Grant grant) {
        return "grant " + grant.id() + ": " + RoleGrants.names(grant.roles()) + ", requested by "
                + LoginAudit.actor(grant.requestedBy());
    }

    private AuditTrail.Entry entry(Caller admin, String username, AuditAction action, AuditOutcome outcome) {
        return AuditTrail.Entry.of(admin.name(), CHANNEL, action, outcome).role(ACTING_ROLE)
                .resource(username == null ? "role-grants" : "user:" + LoginAudit.actor(username));
    }

    private GatewayException refused(Caller admin, String username, AuditAction action, GatewayErrorCode code,
                                     String title,
                                     String detail) {
        return refused(admin, username, action, code, title, detail, List.of());
    }

    /** Audits a refusal (in a transaction of its own, so it outlives the rollback) and returns the problem to throw. */
    private GatewayException refused(Caller admin, String username, AuditAction action, GatewayErrorCode code,
                                     String title,
                                     String detail, List<String> details) {
        audit.refused(entry(admin, username, action, AuditOutcome.REFUSED).code(code.name(), detail));
        return new GatewayException(code, title, details, null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
