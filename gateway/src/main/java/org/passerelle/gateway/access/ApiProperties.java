package org.passerelle.gateway.access;

import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the back-end API ({@code passerelle.api}).
 *
 * @param tokens bearer tokens accepted in the embedded default; production uses mutual-TLS client certificates
 */
@ConfigurationProperties("passerelle.api")
public record ApiProperties(@DefaultValue List<Token> tokens) {

    /**
     * One API token.
     *
     * @param name    who holds it (recorded as the actor of what it does)
     * @param sha256  the SHA-256 (hex) of the token; the token itself is never configured
     * @param roles   what it may do: {@code SYSTEM} (submit and read messages), {@code ADMIN} (replay parked messages),
     *                or a person's role; never ADMIN with AUDITOR or LIAISON_OFFICER
     * @param partner optional: the partner state its holder belongs to (for a {@code LIAISON_OFFICER} token)
     * @param team    optional: the casework team its holder belongs to (for a {@code CASEWORKER} token)
     */
    public record Token(String name, String sha256, @DefaultValue List<String> roles, String partner, String team) {

        public Token {
            if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("passerelle.api.tokens: token '" + name + "' needs a sha256 of 64 hex digits");
            }
            Set<Caller.Role> parsed;
            try {
                parsed = AccessProperties.roles(roles);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("passerelle.api.tokens: token '" + name + "': " + e.getMessage(), e);
            }
            String missing = AccessProperties.Attributes.missing(parsed, partner, team);
            if (missing == null) {
                missing = AccessRules.incompatible(parsed);
            }
            if (missing != null) {
                throw new IllegalArgumentException("passerelle.api.tokens: token '" + name + "': " + missing);
            }
        }

        /** The caller this token authenticates: a system if it holds SYSTEM, else a person. */
        Caller caller() {
            Set<Caller.Role> parsed = AccessProperties.roles(roles);
            Caller.Kind kind = parsed.contains(Caller.Role.SYSTEM) ? Caller.Kind.SYSTEM : Caller.Kind.PERSON;
            return new Caller(name, kind, parsed, partner, team);
        }
    }
}
