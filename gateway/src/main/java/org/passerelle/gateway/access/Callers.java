package org.passerelle.gateway.access;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The {@link Caller} behind an authentication. Every way in (token, client certificate, embedded user, OpenID
 * Connect token) puts a {@code Caller} in the authentication's principal or details; anything else is read from its
 * authorities alone, with no partner and no team.
 */
public final class Callers {

    private Callers() {
    }

    /** The caller of the current request, or null when nobody is authenticated. */
    public static Caller current() {
        return of(SecurityContextHolder.getContext().getAuthentication());
    }

    public static Caller of(Authentication auth) {
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return null;
        }
        if (auth.getPrincipal() instanceof Caller c) {
            return c;
        }
        if (auth.getDetails() instanceof Caller c) {
            return c;
        }
        Set<Caller.Role> roles = EnumSet.noneOf(Caller.Role.class);
        for (GrantedAuthority a : auth.getAuthorities()) {
            for (Caller.Role r : Caller.Role.values()) {
                if (r.authority().equals(a.getAuthority())) {
                    roles.add(r);
                }
            }
        }
        Caller.Kind kind = roles.contains(Caller.Role.SYSTEM) ? Caller.Kind.SYSTEM : Caller.Kind.PERSON;
        return new Caller(auth.getName(), kind, roles, null, null);
    }
}
