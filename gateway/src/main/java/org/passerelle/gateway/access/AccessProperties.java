package org.passerelle.gateway.access;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How people prove who they are on the node's API ({@code passerelle.access}): the embedded user store (HTTP Basic),
 * OpenID Connect bearer tokens from an external identity provider, and officer client certificates. Back-end systems
 * keep their tokens ({@code passerelle.api.tokens}) and client certificates.
 *
 * @param users                the embedded users, provisioned at start-up (inserted, or updated when they differ);
 *                             a user removed from here stays in the store as it was
 * @param maxFailedAttempts    consecutive wrong passwords after which an account is locked (default 5)
 * @param lockDuration         how long a locked account stays locked (default 15 minutes); even the right password is
 *                             refused meanwhile
 * @param oidc                 the external identity provider whose JWT bearer tokens are accepted; off unless both
 *                             its issuer and its key set are configured
 * @param officerCertificates  whether officer client certificates of this party (mutual TLS on the API port) sign
 *                             people in (default false)
 * @param officers             per officer id (the {@code urn:passerelle:officer:<id>} of a certificate), the partner
 *                             and team a certificate cannot carry; a liaison officer's certificate without a partner
 *                             here, or a caseworker's without a team, is refused (write an id holding a dot in
 *                             brackets: {@code officers."[gb.officer-1]".partner})
 * @param viewLimit            single-record views (a message or a case, API and console) each person may make per
 *                             {@code viewLimitPeriod} (default 60); the next is refused with {@code 429
 *                             VIEW_RATE_LIMITED} and audited, at once and never queued; back-end systems are not
 *                             limited, and each node counts its own
 * @param viewLimitPeriod      the period {@code viewLimit} is counted over (default 1 minute)
 */
@ConfigurationProperties("passerelle.access")
public record AccessProperties(@DefaultValue List<User> users,
                               @DefaultValue("5") int maxFailedAttempts,
                               @DefaultValue("15m") Duration lockDuration,
                               @DefaultValue Oidc oidc,
                               @DefaultValue("false") boolean officerCertificates,
                               @DefaultValue Map<String, Attributes> officers,
                               @DefaultValue("60") int viewLimit,
                               @DefaultValue("1m") Duration viewLimitPeriod) {

    public AccessProperties {
        if (maxFailedAttempts < 1) {
            throw new IllegalArgumentException("passerelle.access.max-failed-attempts must be at least 1");
        }
        if (lockDuration.isNegative() || lockDuration.isZero()) {
            throw new IllegalArgumentException("passerelle.access.lock-duration must be positive");
        }
        if (viewLimit < 1) {
            throw new IllegalArgumentException("passerelle.access.view-limit must be at least 1, was " + viewLimit);
        }
        if (viewLimitPeriod.isNegative() || viewLimitPeriod.isZero()) {
            throw new IllegalArgumentException("passerelle.access.view-limit-period must be positive");
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            users.get(i).check("passerelle.access.users[" + i + "]", problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid embedded users: " + String.join("; ", problems));
        }
        users = List.copyOf(users);
        officers = Map.copyOf(officers);
    }

    /**
     * One person of the embedded user store.
     *
     * @param username     the name they sign in with and that the audit log records (at most 128 characters)
     * @param passwordHash the password's hash with its encoder id, e.g. {@code {argon2}$argon2id$v=19$...}; never the
     *                     password itself (make one with {@code PasswordHash})
     * @param roles        LIAISON_OFFICER, CASEWORKER, AUDITOR, ADMIN; never ADMIN with AUDITOR or LIAISON_OFFICER
     * @param partner      the partner state (two letters) a liaison officer belongs to; required for LIAISON_OFFICER
     * @param team         the casework team a caseworker belongs to; required for CASEWORKER
     * @param enabled      false to keep the account but refuse it (default true)
     */
    public record User(String username, String passwordHash, @DefaultValue List<String> roles, String partner,
                       String team, @DefaultValue("true") boolean enabled) {

        void check(String where, List<String> problems) {
            if (username == null || username.isBlank() || username.length() > 128 || username.contains(":")) {
                problems.add(where + ".username must be 1 to 128 characters without ':'");
                return;
            }
            String who = where + " (" + username + ")";
            if (passwordHash == null || !passwordHash.startsWith("{") || passwordHash.indexOf('}') < 2) {
                problems.add(who + ": password-hash must be an encoded hash with its id, e.g. {argon2}...");
            }
            if (roles.isEmpty()) {
                problems.add(who + ": names no role");
            }
            Set<Caller.Role> parsed;
            try {
                parsed = AccessProperties.roles(roles);
            } catch (IllegalArgumentException e) {
                problems.add(who + ": " + e.getMessage());
                return;
            }
            if (parsed.contains(Caller.Role.SYSTEM)) {
                problems.add(who + ": SYSTEM is for back-end systems (tokens or certificates), not people");
            }
            String incompatible = AccessRules.incompatible(parsed);
            if (incompatible != null) {
                problems.add(who + ": " + incompatible);
            }
            String missing = Attributes.missing(parsed, partner, team);
            if (missing != null) {
                problems.add(who + ": " + missing);
            }
        }

        Set<Caller.Role> parsedRoles() {
            return AccessProperties.roles(roles);
        }
    }

    /**
     * The attributes of an officer known by certificate.
     *
     * @param partner the partner state (two letters) a liaison officer belongs to
     * @param team    the casework team a caseworker belongs to
     */
    public record Attributes(String partner, String team) {

        /** What is missing or malformed for someone with these roles, or null if nothing. */
        static String missing(Set<Caller.Role> roles, String partner, String team) {
            if (roles.contains(Caller.Role.LIAISON_OFFICER) && (partner == null || !partner.matches("[A-Z]{2}"))) {
                return "a LIAISON_OFFICER needs a partner (a two-letter party code)";
            }
            if (roles.contains(Caller.Role.CASEWORKER) && (team == null || team.isBlank())) {
                return "a CASEWORKER needs a team";
            }
            return null;
        }
    }

    /**
     * The external OpenID Connect identity provider.
     *
     * @param issuer        the issuer ({@code iss}) its tokens must carry
     * @param jwkSetUri     where its public keys are published (JWK set)
     * @param audience      the audience ({@code aud}) a token must name to be accepted here (required when enabled)
     * @param algorithms    the signature algorithms accepted (default RS256, ES256); {@code none} never is
     * @param clockSkew     the tolerance on expiry and not-before (default 30s)
     * @param nameClaim     the claim naming the person (default {@code preferred_username}, else {@code sub})
     * @param rolesClaim    the claim listing the roles (a list or a space- or comma-separated string; default {@code roles})
     * @param partnerClaim  the claim with a liaison officer's partner state (default {@code partner})
     * @param teamClaim     the claim with a caseworker's team (default {@code team})
     * @param timeout       how long to wait for the provider's key set when connecting and reading (default 5s)
     */
    public record Oidc(String issuer, String jwkSetUri, String audience,
                       @DefaultValue({"RS256", "ES256"}) List<String> algorithms,
                       @DefaultValue("30s") Duration clockSkew,
                       @DefaultValue("preferred_username") String nameClaim,
                       @DefaultValue("roles") String rolesClaim,
                       @DefaultValue("partner") String partnerClaim,
                       @DefaultValue("team") String teamClaim,
                       @DefaultValue("5s") Duration timeout) {

        public Oidc {
            if (enabled(issuer, jwkSetUri) && (audience == null || audience.isBlank())) {
                throw new IllegalArgumentException("passerelle.access.oidc.audience is required with an issuer and a key set");
            }
        }

        public boolean enabled() {
            return enabled(issuer, jwkSetUri);
        }

        private static boolean enabled(String issuer, String jwkSetUri) {
            return issuer != null && !issuer.isBlank() && jwkSetUri != null && !jwkSetUri.isBlank();
        }
    }

    /**
     * Roles from their configured or claimed names: {@code LIAISON_OFFICER}, {@code liaison-officer} and
     * {@code liaison_officer} are one role; {@code administrator} is {@code ADMIN}.
     */
    static Set<Caller.Role> roles(List<String> names) {
        java.util.EnumSet<Caller.Role> roles = java.util.EnumSet.noneOf(Caller.Role.class);
        for (String name : names) {
            Caller.Role role = role(name);
            if (role == null) {
                throw new IllegalArgumentException("unknown role '" + name + "'");
            }
            roles.add(role);
        }
        return roles;
    }

    /** The role of this name, or null. */
    static Caller.Role role(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if ("ADMINISTRATOR".equals(n)) {
            return Caller.Role.ADMIN;
        }
        for (Caller.Role r : Caller.Role.values()) {
            if (r.name().equals(n)) {
                return r;
            }
        }
        return null;
    }
}
