package org.passerelle.gateway.access;

import org.springframework.security.core.AuthenticationException;

/** A sign-in refused and already audited with its reason; its text is never shown to the caller. */
final class LoginRefusedException extends AuthenticationException {

    private final boolean bearer;

    LoginRefusedException(LoginAudit.Reason reason, boolean bearer) {
        super(reason.name());
        this.bearer = bearer;
    }

    /** Whether a bearer token was refused (the answer's challenge then says {@code invalid_token}). */
    boolean bearer() {
        return bearer;
    }
}
