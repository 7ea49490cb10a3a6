package org.passerelle.gateway.access;

import java.time.Clock;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.security.CertificateValidator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Access to the node's HTTP API: back-end systems by token or client certificate; people by user name and password
 * from the embedded store (HTTP Basic), by OpenID Connect bearer token when an identity provider is configured, or by
 * officer client certificate where switched on. Every way in ends in a {@link Caller}. Roles are checked per endpoint
 * with {@code @PreAuthorize}; the bare health status, the liveness and readiness probes and the API description are
 * open, health details and metrics need {@code ADMIN} or {@code AUDITOR} (they name every partner and its circuit);
 * anything unauthenticated is refused with 401 and audited. Stateless: no session, so every request proves who sends it.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ApiSecurityConfiguration {

    /**
     * Spring Security's own user lookup is not used (the embedded store signs people in through {@link PasswordLogin});
     * declared so that no generated default user ever exists.
     */
    @Bean
    UserDetailsService noDefaultUser() {
        return username -> {
            throw new UsernameNotFoundException("Users sign in through the embedded store");
        };
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiProperties api, AccessProperties access,
                                    CertificateValidator validator, NodeProperties node, Clock clock, AuditTrail audit,
                                    AccessRefusals refusals,
                                    UserStore users, PasswordEncoder encoder, LoginAudit logins) throws Exception {
        Unauthenticated unauthenticated = new Unauthenticated(refusals);
        JwtLogin jwt = access.oidc().enabled()
                ? new JwtLogin(JwtLogin.decoder(access.oidc(), clock), access.oidc(), logins) : null;
        PasswordLogin passwords = new PasswordLogin(users, encoder, access, logins, clock);
        http.securityMatcher("/api/**", "/actuator/**", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error")
                .csrf(csrf -> csrf.disable()) // no browser session to forge: every request carries its own credentials
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authenticationManager(new ProviderManager(passwords))
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthenticated))
                .authorizeHttpRequests(auth -> auth
                        // The status alone (details are shown by role: management.endpoint.health.roles) and the probes.
                        .requestMatchers("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                                "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error").permitAll()
                        .requestMatchers("/actuator/**").hasAnyRole(Caller.Role.ADMIN.name(), Caller.Role.AUDITOR.name())
                        .anyRequest().authenticated())
                .addFilterBefore(new SystemCertificateFilter(validator, node.party(), clock, access, logins),
                        AnonymousAuthenticationFilter.class)
                .addFilterBefore(new ApiTokenFilter(api, jwt, unauthenticated), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(ApiErrors.deniedHandler(refusals)));
        return http.build();
    }
}
