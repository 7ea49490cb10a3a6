package org.passerelle.gateway.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a bearer token: first as an API token (a back-end system's, compared by SHA-256 in constant time),
 * then, when an identity provider is configured and the value has the shape of a JWT, as an OpenID Connect token.
 * A token that is neither leaves the request unauthenticated; a JWT that fails a check is answered 401 at once,
 * never let through as anonymous.
 */
final class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final List<ApiProperties.Token> tokens;
    private final JwtLogin jwt;
    private final AuthenticationEntryPoint unauthenticated;

    /** With {@code jwt} null when no identity provider is configured. */
    ApiTokenFilter(ApiProperties properties, JwtLogin jwt, AuthenticationEntryPoint unauthenticated) {
        this.tokens = properties.tokens();
        this.jwt = jwt;
        this.unauthenticated = unauthenticated;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && SecurityContextHolder.getContext().getAuthentication() == null) {
            String value = header.substring(BEARER.length()).trim();
            ApiProperties.Token token = apiToken(value);
            if (token != null) {
                SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(token.caller()));
            } else if (jwt != null && JwtLogin.looksLikeJwt(value)) {
                try {
                    SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(jwt.authenticate(value)));
                } catch (LoginRefusedException refused) {
                    SecurityContextHolder.clearContext();
                    unauthenticated.commence(request, response, refused);
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    private ApiProperties.Token apiToken(String value) {
        byte[] presented = sha256(value);
        ApiProperties.Token found = null;
        for (ApiProperties.Token token : tokens) {
            if (MessageDigest.isEqual(presented, HexFormat.of().parseHex(token.sha256())) && found == null) {
                found = token;
            }
        }
        return found;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
