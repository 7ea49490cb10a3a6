package org.passerelle.gateway.access;

import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.springframework.stereotype.Component;

/**
 * Records sign-ins in the audit log: {@code LOGIN} granted, {@code LOGIN_FAILED} refused with its reason, and
 * {@code ACCOUNT_LOCKED}. The actor is the name presented; passwords and tokens are never recorded.
 */
@Component
class LoginAudit {

    /** How someone signed in, recorded as the entry's resource. */
    enum Method { PASSWORD, OIDC_TOKEN, OFFICER_CERTIFICATE, OIDC_SIGN_IN }

    /** Why a sign-in was refused; recorded as the entry's code. Stable: auditors search by them. */
    enum Reason {
        /** Unknown user name or wrong password (the answer never says which). */
        BAD_CREDENTIALS,
        /** The account is locked after repeated failures; even the right password is refused until the lock ends. */
        ACCOUNT_LOCKED,
        /** The account is disabled in the configuration. */
        ACCOUNT_DISABLED,
        /** The token's expiry (plus the allowed skew) has passed. */
        TOKEN_EXPIRED,
        /** The token's not-before time (less the allowed skew) is still ahead. */
        TOKEN_NOT_YET_VALID,
        /** The token was issued by another issuer than the configured one. */
        TOKEN_WRONG_ISSUER,
        /** The token is not meant for this node (its audience does not name it). */
        TOKEN_WRONG_AUDIENCE,
        /** The token is malformed, unsigned, signed with an unaccepted algorithm or by a key the issuer does not publish. */
        TOKEN_INVALID,
        /** The identity provider's key set could not be fetched: the token could not be checked. */
        IDENTITY_PROVIDER_UNAVAILABLE,
        /** The person's roles need an attribute (partner, team) that their token or configuration does not give. */
        ATTRIBUTES_MISSING,
        /** The client certificate did not validate, or names another party. */
        CERTIFICATE_INVALID,
        /** An identity provider's token claims SYSTEM, which is for back-end systems (API tokens or certificates) only. */
        SYSTEM_ROLE_NOT_FOR_PEOPLE,
        /** The token or certificate claims roles never held together (ADMIN with AUDITOR or LIAISON_OFFICER). */
        ROLES_INCOMPATIBLE
    }

    private static final int MAX_ACTOR = 128;

    private final AuditTrail audit;

    LoginAudit(AuditTrail audit) {
        this.audit = audit;
    }

    void granted(Caller caller, Method method) {
        audit.record(AuditTrail.Entry.of(caller.name(), AuditChannel.API, AuditAction.LOGIN, AuditOutcome.GRANTED)
                .role(caller.auditRole()).partner(caller.partner()).resource(method.name()));
    }

    void failed(String presented, Method method, Reason reason) {
        audit.refused(AuditTrail.Entry.of(actor(presented), AuditChannel.API, AuditAction.LOGIN_FAILED,
                AuditOutcome.REFUSED)
                .resource(method.name()).code(reason.name(), null));
    }

    void locked(String username, java.time.Duration lockFor) {
        audit.refused(AuditTrail.Entry.of(actor(username),
                AuditChannel.API, AuditAction.ACCOUNT_LOCKED, AuditOutcome.REFUSED)
                .resource(Method.PASSWORD.name()).code(Reason.ACCOUNT_LOCKED.name(), "locked for " + lockFor));
    }

    /**
     * Records a change to a user made by configuration or an administrator: who (actor, and their role when a person
     * made it), what (the action), whom (the user as resource) and, in the detail, the roles the user now holds.
     */
    void userChanged(String actor, String actorRole, AuditChannel channel, String username, AuditAction change,
                     String detail) {
        audit.record(AuditTrail.Entry.of(actor(actor), channel, change, AuditOutcome.GRANTED)
                .role(actorRole).resource("user:" + actor(username)).detail(detail));
    }

    static String actor(String presented) {
        if (presented == null || presented.isBlank()) {
            return "anonymous";
        }
        String cleaned = presented.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() <= MAX_ACTOR ? cleaned : cleaned.substring(0, MAX_ACTOR);
    }
}
