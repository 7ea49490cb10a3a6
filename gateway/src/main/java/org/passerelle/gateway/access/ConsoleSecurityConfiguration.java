package org.passerelle.gateway.access;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Access to the web console: people sign in with the embedded store's user name and password on a form, and keep a
 * session (cookie {@code PASSERELLE_SESSION}: HttpOnly, Secure, SameSite=Strict, idle time-out
 * {@code server.servlet.session.timeout}). Every form carries a CSRF token; the pages forbid inline script and any
 * other origin (Content-Security-Policy), framing, and referrers. Sign-in, sign-out and every refusal are audited; a
 * refusal shows the "you do not have access" page with its stable code.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ConsoleSecurityConfiguration {

    /** Scripts, styles, fonts and images from the node itself only; no inline script or style; no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurity(HttpSecurity http, AccessProperties access, UserStore users,
                                        PasswordEncoder encoder, LoginAudit logins, AuditTrail audit, Clock clock)
            throws Exception {
        PasswordLogin passwords = new PasswordLogin(users, encoder, access, logins, clock);
        http.securityMatcher("/console", "/console/**", "/assets/**", "/")
                .authenticationManager(new ProviderManager(passwords))
                .authorizeHttpRequests(auth -> auth
                        .dispatcherTypeMatchers(DispatcherType.FORWARD, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/assets/**", "/console/sign-in", "/console/signed-out", "/console/timed-out",
                                "/console/no-access").permitAll()
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/console/sign-in").loginProcessingUrl("/console/sign-in")
                        .usernameParameter("username").passwordParameter("password")
                        .defaultSuccessUrl("/console", true).failureUrl("/console/sign-in?error"))
                .logout(logout -> logout.logoutUrl("/console/sign-out").logoutSuccessUrl("/console/signed-out")
                        .addLogoutHandler((request, response, authentication) -> {
                            Caller caller = Callers.of(authentication);
                            if (caller != null) {
                                audit.record(AuditTrail.Entry.of(caller.name(), "CONSOLE", "LOGOUT", "OK")
                                        .role(caller.auditRole()));
                            }
                        })
                        .invalidateHttpSession(true).deleteCookies("PASSERELLE_SESSION"))
                .sessionManagement(session -> session.invalidSessionUrl("/console/timed-out")
                        .sessionFixation(fixation -> fixation.changeSessionId()))
                .exceptionHandling(e -> e.accessDeniedHandler(denied(audit)))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        return http.build();
    }

    /** A refusal outside a page's own handling (e.g. a forged or expired CSRF token): audited, then the no-access page. */
    private static AccessDeniedHandler denied(AuditTrail audit) {
        return (request, response, denied) -> {
            Caller caller = Callers.current();
            String code = denied instanceof org.springframework.security.web.csrf.CsrfException
                    ? "CSRF_TOKEN_INVALID" : GatewayErrorCode.FORBIDDEN.name();
            audit.refused(AuditTrail.Entry.of(caller == null ? "anonymous" : caller.name(), "CONSOLE", "ACCESS_DENIED",
                    "REFUSED").role(caller == null ? null : caller.auditRole())
                    .resource(request.getMethod() + " " + request.getRequestURI()).code(code, null));
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            request.setAttribute("code", code);
            request.getRequestDispatcher("/console/no-access").forward(request, response);
        };
    }
}
