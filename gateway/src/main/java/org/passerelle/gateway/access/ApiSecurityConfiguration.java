package org.passerelle.gateway.access;

import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.security.CertificateValidator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Access to the node's HTTP API: back-end systems by token or client certificate, roles checked per endpoint
 * with {@code @PreAuthorize}; health, metrics and the API description are open; anything unauthenticated is
 * refused with 401 and audited.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ApiSecurityConfiguration {

    /** No user names or passwords on the API: systems use tokens or certificates (people sign in to the console). */
    @Bean
    UserDetailsService noPasswordUsers() {
        return username -> {
            throw new UsernameNotFoundException("The API takes no passwords");
        };
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiProperties api, CertificateValidator validator,
                                    NodeProperties node, Clock clock, AuditTrail audit) throws Exception {
        http.securityMatcher("/api/**", "/actuator/**", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error")
                .csrf(csrf -> csrf.disable()) // token and certificate authentication only: no browser session to forge
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/prometheus",
                                "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error").permitAll()
                        .anyRequest().authenticated())
                .addFilterBefore(new SystemCertificateFilter(validator, node.party(), clock), AnonymousAuthenticationFilter.class)
                .addFilterBefore(new ApiTokenFilter(api), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> {
                    audit.refused(AuditTrail.Entry.of("anonymous", "API", "AUTHENTICATION", "REFUSED")
                            .code(GatewayErrorCode.UNAUTHENTICATED.name(), request.getMethod() + " " + request.getRequestURI()));
                    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                    response.getWriter().write("{\"status\":401,\"title\":\"Authentication required\",\"code\":\"UNAUTHENTICATED\",\"details\":[]}");
                }));
        return http.build();
    }
}
