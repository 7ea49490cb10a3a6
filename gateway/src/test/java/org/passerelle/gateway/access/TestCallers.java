package org.passerelle.gateway.access;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.test.web.servlet.request.AbstractMockHttpServletRequestBuilder;

/**
 * Callers for MockMvc tests of the access rules, each with a fresh name (so that "the caller's latest audit entry" is
 * theirs alone), and a request made as one of them, the {@link Caller} being the authentication's principal as every
 * real way in makes it.
 */
public final class TestCallers {

    private static final AtomicInteger PEOPLE = new AtomicInteger();

    private TestCallers() {
    }

    public static Caller officer(String partner) {
        return new Caller("lo-" + partner.toLowerCase() + "-" + PEOPLE.incrementAndGet(), Caller.Kind.PERSON,
                Set.of(Caller.Role.LIAISON_OFFICER), partner, null);
    }

    public static Caller caseworker(String team) {
        return new Caller("cw-" + team + "-" + PEOPLE.incrementAndGet(), Caller.Kind.PERSON,
                Set.of(Caller.Role.CASEWORKER), null, team);
    }

    /** A person with one role that needs no partner or team (auditor, administrator). */
    public static Caller person(String name, Caller.Role role) {
        return new Caller(name + "-" + PEOPLE.incrementAndGet(), Caller.Kind.PERSON, Set.of(role), null, null);
    }

    public static Caller person(Caller.Role role) {
        return person(role.name().toLowerCase(), role);
    }

    public static Caller system() {
        return new Caller("backend-" + PEOPLE.incrementAndGet(), Caller.Kind.SYSTEM, Set.of(Caller.Role.SYSTEM), null,
                null);
    }

    /** The request, made as {@code caller}. */
    public static <B extends AbstractMockHttpServletRequestBuilder<B>> B as(Caller caller, B request) {
        var authorities = caller.roles().stream().map(r -> new SimpleGrantedAuthority(r.authority())).toList();
        return request.with(authentication(UsernamePasswordAuthenticationToken.authenticated(caller, null, authorities)));
    }
}
