package org.passerelle.gateway.access;

import com.nimbusds.jwt.JWTParser;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Signs people in with an OpenID Connect (JWT) bearer token from the configured identity provider: the signature
 * by one of the provider's published keys with an accepted algorithm, the issuer, the audience, and the expiry and
 * not-before times (with the configured skew) are all checked; the roles, partner and team come from the configured
 * claims. A token is a person's: one claiming SYSTEM, or roles never held together, is refused. Every outcome is
 * audited.
 */
final class JwtLogin {

    private static final String EXPIRED = "passerelle_token_expired";
    private static final String NOT_YET_VALID = "passerelle_token_not_yet_valid";
    private static final String WRONG_ISSUER = "passerelle_wrong_issuer";
    private static final String WRONG_AUDIENCE = "passerelle_wrong_audience";
    private static final String INVALID = "passerelle_token_invalid";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JwtLogin.class);

    private final JwtDecoder decoder;
    private final AccessProperties.Oidc oidc;
    private final LoginAudit audit;

    JwtLogin(JwtDecoder decoder, AccessProperties.Oidc oidc, LoginAudit audit) {
        this.decoder = decoder;
        this.oidc = oidc;
        this.audit = audit;
    }

    /** A decoder for the configured provider, with every check this node makes. */
    static JwtDecoder decoder(AccessProperties.Oidc oidc, Clock clock) {
        List<SignatureAlgorithm> algorithms = new ArrayList<>();
        for (String name : oidc.algorithms()) {
            SignatureAlgorithm a = SignatureAlgorithm.from(name);
            if (a == null) {
                throw new IllegalArgumentException("passerelle.access.oidc.algorithms: '" + name + "' is not a signature algorithm");
            }
            algorithms.add(a);
        }
        var requests = new org.springframework.http.client.SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(oidc.timeout());
        requests.setReadTimeout(oidc.timeout());
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(oidc.jwkSetUri())
                .restOperations(new org.springframework.web.client.RestTemplate(requests))
                .jwsAlgorithms(set -> {
                    set.clear();
                    set.addAll(algorithms);
                })
                .build();
        decoder.setJwtValidator(checks(oidc, clock));
        return decoder;
    }

    /** The checks a token must pass beyond its signature: issuer, audience, expiry and not-before with the skew. */
    static OAuth2TokenValidator<Jwt> checks(AccessProperties.Oidc oidc, Clock clock) {
        return new DelegatingOAuth2TokenValidator<>(issuer(oidc.issuer()), audience(oidc.audience()),
                times(clock, oidc.clockSkew()));
    }

    /** Whether a bearer value has the shape of a JWS compact serialisation (three parts), rather than an API token. */
    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    /** The caller the token names, audited; or a refusal, audited with its reason. */
    Caller authenticate(String token) {
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtValidationException e) {
            throw refused(token, reason(e.getErrors()));
        } catch (BadJwtException e) {
            log.debug("OpenID Connect token refused: {}", e.getMessage());
            throw refused(token, LoginAudit.Reason.TOKEN_INVALID);
        } catch (JwtException e) {
            log.warn("OpenID Connect token could not be checked: {}", e.getMessage());
            throw refused(token, LoginAudit.Reason.IDENTITY_PROVIDER_UNAVAILABLE);
        }
        String name = jwt.getClaimAsString(oidc.nameClaim());
        if (name == null || name.isBlank()) {
            name = jwt.getSubject();
        }
        if (name == null || name.isBlank()) {
            throw refused(token, LoginAudit.Reason.TOKEN_INVALID);
        }
        Set<Caller.Role> roles = roles(jwt.getClaim(oidc.rolesClaim()));
        String partner = jwt.getClaimAsString(oidc.partnerClaim());
        String team = jwt.getClaimAsString(oidc.teamClaim());
        if (roles.contains(Caller.Role.SYSTEM)) {
            // A provider signs people in; a system's identity is an API token or a certificate of this party, so a
            // token claiming SYSTEM is a provider misconfigured or a person reaching for a system's rights.
            throw refused(token, LoginAudit.Reason.SYSTEM_ROLE_NOT_FOR_PEOPLE);
        }
        if (AccessRules.incompatible(roles) != null) {
            throw refused(token, LoginAudit.Reason.ROLES_INCOMPATIBLE);
        }
        if (AccessProperties.Attributes.missing(roles, partner, team) != null) {
            throw refused(token, LoginAudit.Reason.ATTRIBUTES_MISSING);
        }
        Caller caller = new Caller(name, Caller.Kind.PERSON, roles,
                roles.contains(Caller.Role.LIAISON_OFFICER) ? partner : null,
                roles.contains(Caller.Role.CASEWORKER) ? team : null);
        audit.granted(caller, LoginAudit.Method.OIDC_TOKEN);
        return caller;
    }

    private LoginRefusedException refused(String token, LoginAudit.Reason reason) {
        audit.failed(presentedName(token), LoginAudit.Method.OIDC_TOKEN, reason);
        return new LoginRefusedException(reason, true);
    }

    /** The name a token claims, unverified (it is only what was presented, as a user name typed in would be). */
    private String presentedName(String token) {
        try {
            var claims = JWTParser.parse(token).getJWTClaimsSet();
            Object name = claims.getClaim(oidc.nameClaim());
            return name instanceof String s && !s.isBlank() ? s : claims.getSubject();
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }

    private static LoginAudit.Reason reason(Collection<OAuth2Error> errors) {
        for (OAuth2Error error : errors) {
            switch (error.getErrorCode()) {
                case WRONG_ISSUER -> { return LoginAudit.Reason.TOKEN_WRONG_ISSUER; }
                case WRONG_AUDIENCE -> { return LoginAudit.Reason.TOKEN_WRONG_AUDIENCE; }
                case EXPIRED -> { return LoginAudit.Reason.TOKEN_EXPIRED; }
                case NOT_YET_VALID -> { return LoginAudit.Reason.TOKEN_NOT_YET_VALID; }
                default -> { }
            }
        }
        return LoginAudit.Reason.TOKEN_INVALID;
    }

    private static Set<Caller.Role> roles(Object claim) {
        List<String> names = switch (claim) {
            case null -> List.of();
            case Collection<?> c -> c.stream().map(String::valueOf).toList();
            case String s -> Arrays.stream(s.split("[\\s,]+")).filter(n -> !n.isBlank()).toList();
            default -> List.of();
        };
        Set<Caller.Role> roles = EnumSet.noneOf(Caller.Role.class);
        for (String n : names) {
            Caller.Role r = AccessProperties.role(n);
            if (r != null) {
                roles.add(r); // the provider may know roles of other applications: those are not ours
            }
        }
        return roles;
    }

    private static OAuth2TokenValidator<Jwt> issuer(String issuer) {
        return jwt -> issuer.equals(jwt.getClaimAsString("iss")) ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error(WRONG_ISSUER, "The token has another issuer", null));
    }

    private static OAuth2TokenValidator<Jwt> audience(String audience) {
        return jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error(WRONG_AUDIENCE, "The token is not for this node", null));
    }

    private static OAuth2TokenValidator<Jwt> times(Clock clock, java.time.Duration skew) {
        return jwt -> {
            Instant now = clock.instant();
            if (jwt.getExpiresAt() == null) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(INVALID, "The token has no expiry", null));
            }
            if (now.minus(skew).isAfter(jwt.getExpiresAt())) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(EXPIRED, "The token has expired", null));
            }
            if (jwt.getNotBefore() != null && now.plus(skew).isBefore(jwt.getNotBefore())) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(NOT_YET_VALID, "The token is not valid yet", null));
            }
            return OAuth2TokenValidatorResult.success();
        };
    }
}
