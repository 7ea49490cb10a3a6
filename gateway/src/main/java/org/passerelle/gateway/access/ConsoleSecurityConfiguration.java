package org.passerelle.gateway.access;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
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
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * Access to the web console: people sign in with the embedded store's user name and password on a form, and keep a
 * session (cookie {@code PASSERELLE_SESSION}: HttpOnly, Secure, SameSite=Lax (so that the identity provider's redirect back
 * keeps it), idle time-out
 * {@code server.servlet.session.timeout}). Every form carries a CSRF token; the pages forbid inline script and any
 * other origin (Content-Security-Policy), framing, and referrers. Sign-in, sign-out and every refusal are audited; a
 * refusal shows the "you do not have access" page with its stable code.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ConsoleSecurityConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsoleSecurityConfiguration.class);

    /** Scripts, styles, fonts and images from the node itself only; no inline script or style; no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Bean
    @Order(1)
    SecurityFilterChain consoleSecurity(HttpSecurity http, AccessProperties access, ConsoleOidcProperties oidc,
                                        UserStore users, PasswordEncoder encoder, LoginAudit logins, AuditTrail audit,
                                        AccessRefusals refusals,
                                        Clock clock) throws Exception {
        PasswordLogin passwords = new PasswordLogin(users, encoder, access, logins, clock);
        ProviderManager providers = new ProviderManager(passwords);
        if (oidc.enabled(access)) {
            signInWithOidc(http, access, oidc, logins, clock);
            providers = new ProviderManager(passwords, idTokenProvider(access, oidc, clock));
        }
        http.securityMatcher("/console", "/console/**", "/assets/**", "/")
                .authenticationManager(providers)
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
                                audit.record(AuditTrail.Entry.of(caller.name(),
                                        AuditChannel.CONSOLE, AuditAction.LOGOUT, AuditOutcome.OK)
                                        .role(caller.auditRole()));
                            }
                        })
                        .invalidateHttpSession(true).deleteCookies("PASSERELLE_SESSION"))
                .sessionManagement(session -> session.invalidSessionUrl("/console/timed-out")
                        .sessionFixation(fixation -> fixation.changeSessionId()))
                .exceptionHandling(e -> e.accessDeniedHandler(denied(refusals)))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
        return http.build();
    }

    /**
     * OpenID Connect sign-in: the authorization code flow with PKCE and a nonce (Spring Security's client checks the
     * ID token's signature, issuer, audience, times and nonce), then the same mapping to a {@link Caller} — and the same
     * audit — as a bearer token: roles, partner and team from the configured claims, refused without them.
     */
    private static void signInWithOidc(HttpSecurity http, AccessProperties access, ConsoleOidcProperties oidc,
                                       LoginAudit logins, Clock clock) throws Exception {
        AccessProperties.Oidc idTokens = oidc.forIdTokens(access.oidc());
        JwtLogin idTokenLogin = new JwtLogin(JwtLogin.decoder(idTokens, clock), idTokens, logins);
        ClientRegistration provider = ClientRegistration.withRegistrationId("oidc")
                .clientId(oidc.clientId()).clientSecret(oidc.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/console/oidc/callback/{registrationId}")
                .scope("openid", "profile")
                .authorizationUri(oidc.authorizationUri()).tokenUri(oidc.tokenUri())
                .jwkSetUri(access.oidc().jwkSetUri()).issuerUri(access.oidc().issuer())
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .build();
        InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(provider);
        DefaultOAuth2AuthorizationRequestResolver requests =
                new DefaultOAuth2AuthorizationRequestResolver(registrations, "/console/oidc/authorize");
        requests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
        http.securityContext(context -> context.securityContextRepository(contexts))
                .oauth2Login(login -> login.loginPage("/console/sign-in")
                .clientRegistrationRepository(registrations)
                .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(requests))
                .redirectionEndpoint(endpoint -> endpoint.baseUri("/console/oidc/callback/*"))
                .successHandler((request, response, authentication) -> {
                    OidcUser user = (OidcUser) authentication.getPrincipal();
                    try {
                        Caller caller = idTokenLogin.authenticate(user.getIdToken().getTokenValue());
                        SecurityContext context = SecurityContextHolder.createEmptyContext();
                        context.setAuthentication(new CallerAuthentication(caller));
                        SecurityContextHolder.setContext(context);
                        contexts.saveContext(context, request, response);
                        response.sendRedirect("/console");
                    } catch (LoginRefusedException refused) {
                        SecurityContextHolder.clearContext();
                        request.getSession().invalidate();
                        response.sendRedirect("/console/sign-in?error");
                    }
                })
                .failureHandler((request, response, failure) -> {
                    LOG.info("OpenID Connect sign-in refused: {}", failure instanceof OAuth2AuthenticationException o
                            ? o.getError().getErrorCode() + " " + o.getError().getDescription() : failure.getClass().getSimpleName());
                    logins.failed(null, LoginAudit.Method.OIDC_SIGN_IN,
                            failure instanceof OAuth2AuthenticationException o
                                    && "invalid_token_response".equals(o.getError().getErrorCode())
                                    ? LoginAudit.Reason.IDENTITY_PROVIDER_UNAVAILABLE : LoginAudit.Reason.TOKEN_INVALID);
                    response.sendRedirect("/console/sign-in?error");
                }));
    }

    /**
     * Exchanges the code for the ID token and checks it with the provider's configured algorithms (RS256 and ES256 by
     * default, never none), issuer, the client id as audience, times, and OpenID Connect's own rules; the nonce is
     * checked by Spring Security's provider.
     */
    private static OidcAuthorizationCodeAuthenticationProvider idTokenProvider(AccessProperties access,
                                                                               ConsoleOidcProperties oidc, Clock clock) {
        AccessProperties.Oidc idTokens = oidc.forIdTokens(access.oidc());
        OidcAuthorizationCodeAuthenticationProvider provider = new OidcAuthorizationCodeAuthenticationProvider(
                new RestClientAuthorizationCodeTokenResponseClient(), new OidcUserService());
        provider.setJwtDecoderFactory(registration -> {
            NimbusJwtDecoder decoder = (NimbusJwtDecoder) JwtLogin.decoder(idTokens, clock);
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtLogin.checks(idTokens, clock),
                    new OidcIdTokenValidator(registration)));
            return decoder;
        });
        return provider;
    }

    /** A refusal outside a page's own handling (e.g. a forged or expired CSRF token): audited, then the no-access page. */
    private static AccessDeniedHandler denied(AccessRefusals refusals) {
        return (request, response, denied) -> {
            GatewayErrorCode code = denied instanceof org.springframework.security.web.csrf.CsrfException
                    ? GatewayErrorCode.CSRF_TOKEN_INVALID : GatewayErrorCode.FORBIDDEN;
            refusals.denied(request, AuditChannel.CONSOLE, code);
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            request.setAttribute("code", code.name());
            request.getRequestDispatcher("/console/no-access").forward(request, response);
        };
    }
}
