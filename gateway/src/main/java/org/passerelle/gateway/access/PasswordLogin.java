package org.passerelle.gateway.access;

import java.time.Clock;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Signs people in from the embedded user store with a user name and password (HTTP Basic): locks an account after
 * the configured number of consecutive failures, for the configured time, and refuses it meanwhile even with the
 * right password. Every outcome is audited; every refusal is the same {@link BadCredentialsException} so that the
 * answer never tells an unknown user from a wrong password or a locked account.
 */
final class PasswordLogin implements AuthenticationProvider {

    private final UserStore users;
    private final PasswordEncoder encoder;
    private final AccessProperties properties;
    private final LoginAudit audit;
    private final Clock clock;
    /** Compared against when the user does not exist, so that an unknown name costs the same time as a known one. */
    private final String decoy;

    PasswordLogin(UserStore users, PasswordEncoder encoder, AccessProperties properties, LoginAudit audit, Clock clock) {
        this.users = users;
        this.encoder = encoder;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
        this.decoy = encoder.encode("no such user: the decoy hash for timing");
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String username = authentication.getName();
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
        Optional<UserStore.StoredUser> found = username == null || username.length() > 128
                ? Optional.empty() : users.find(username);
        if (found.isEmpty()) {
            encoder.matches(password, decoy);
            throw refused(username, LoginAudit.Reason.BAD_CREDENTIALS);
        }
        UserStore.StoredUser user = found.get();
        boolean matches = encoder.matches(password, user.passwordHash());
        if (user.lockedAt(clock.instant())) {
            throw refused(username, LoginAudit.Reason.ACCOUNT_LOCKED);
        }
        if (!matches) {
            if (user.enabled() && users.failed(username, properties.maxFailedAttempts(), properties.lockDuration())) {
                audit.failed(username, LoginAudit.Method.PASSWORD, LoginAudit.Reason.BAD_CREDENTIALS);
                audit.locked(username, properties.lockDuration());
                throw new BadCredentialsException("Bad credentials");
            }
            throw refused(username, LoginAudit.Reason.BAD_CREDENTIALS);
        }
        if (!user.enabled()) {
            throw refused(username, LoginAudit.Reason.ACCOUNT_DISABLED);
        }
        users.succeeded(user);
        Caller caller = user.caller();
        audit.granted(caller, LoginAudit.Method.PASSWORD);
        return new CallerAuthentication(caller);
    }

    private BadCredentialsException refused(String username, LoginAudit.Reason reason) {
        audit.failed(username, LoginAudit.Method.PASSWORD, reason);
        return new BadCredentialsException("Bad credentials");
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
