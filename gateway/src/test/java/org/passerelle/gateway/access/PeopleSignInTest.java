package org.passerelle.gateway.access;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.github.tomakehurst.wiremock.WireMockServer;
import jakarta.servlet.Filter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.MovableClock;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.security.testing.TestPki;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * People sign in to the API, each way through the node's real security filter chain: the embedded user store with
 * HTTP Basic (and its lock), OpenID Connect tokens from a test identity provider whose key set WireMock serves, officer
 * client certificates of the shared test PKI; systems keep their API tokens. Every outcome is checked on the answer
 * and in the audit log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class PeopleSignInTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String SYSTEM_TOKEN = "system-token-for-unit-tests";
    static final String OFFICER_TOKEN = "liaison-token-for-unit-tests";

    @TempDir
    static Path data;

    static final TestTokens idp = new TestTokens("idp-key");
    static final WireMockServer jwks = new WireMockServer(options().dynamicPort());

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        jwks.start();
        jwks.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/jwks"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(idp.jwkSet())));
        String hash = PasswordHash.encoder().encode(PASSWORD);
        user(r, 0, "lena", hash, "LIAISON_OFFICER", "FR", null);
        user(r, 1, "carl", hash, "CASEWORKER", null, "returns-north");
        user(r, 2, "locky", hash, "AUDITOR", null, null);
        user(r, 3, "resetty", hash, "AUDITOR", null, null);
        user(r, 4, "dormant", hash, "ADMIN", null, null);
        r.add("passerelle.access.users[4].enabled", () -> "false");
        user(r, 5, "lockedout", hash, "AUDITOR", null, null);
        r.add("passerelle.access.max-failed-attempts", () -> "3");
        r.add("passerelle.access.lock-duration", () -> "15m");
        r.add("passerelle.api.tokens[0].name", () -> "casework-system");
        r.add("passerelle.api.tokens[0].sha256", () -> sha256(SYSTEM_TOKEN));
        r.add("passerelle.api.tokens[0].roles[0]", () -> "SYSTEM");
        r.add("passerelle.api.tokens[1].name", () -> "liaison-desk");
        r.add("passerelle.api.tokens[1].sha256", () -> sha256(OFFICER_TOKEN));
        r.add("passerelle.api.tokens[1].roles[0]", () -> "LIAISON_OFFICER");
        r.add("passerelle.api.tokens[1].partner", () -> "FR");
        r.add("passerelle.access.oidc.issuer", () -> TestTokens.ISSUER);
        r.add("passerelle.access.oidc.audience", () -> TestTokens.AUDIENCE);
        r.add("passerelle.access.oidc.jwk-set-uri", () -> jwks.baseUrl() + "/jwks");
        r.add("passerelle.access.officer-certificates", () -> "true");
        r.add("passerelle.access.officers[gb-liaison-officer-1].partner", () -> "FR");
    }

    static void user(DynamicPropertyRegistry r, int i, String name, String hash, String role, String partner, String team) {
        String p = "passerelle.access.users[" + i + "].";
        r.add(p + "username", () -> name);
        r.add(p + "password-hash", () -> hash);
        r.add(p + "roles[0]", () -> role);
        if (partner != null) {
            r.add(p + "partner", () -> partner);
        }
        if (team != null) {
            r.add(p + "team", () -> team);
        }
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    @AfterAll
    static void stopIdp() {
        jwks.stop();
    }

    @Autowired
    WebApplicationContext context;

    @Autowired
    AuditTrail audit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MovableClock clock;

    MockMvc mvc;

    @BeforeEach
    void mvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context)
                .addFilters(context.getBean("springSecurityFilterChain", Filter.class)).build();
    }

    // --- the embedded user store ---

    @Test
    void embeddedUserSignsInWithBasicAndIsSeenWithRolePartnerAndTeam() throws Exception {
        MockHttpServletResponse lena = call(get("/api/v1/me").header("Authorization", basic("lena", PASSWORD)));
        MockHttpServletResponse carl = call(get("/api/v1/me").header("Authorization", basic("carl", PASSWORD)));

        assertThat(lena.getStatus()).isEqualTo(200);
        assertThat(lena.getContentAsString()).contains("\"name\":\"lena\"", "\"kind\":\"PERSON\"",
                "\"roles\":[\"LIAISON_OFFICER\"]", "\"partner\":\"FR\"", "\"team\":null");
        assertThat(carl.getContentAsString()).contains("\"roles\":[\"CASEWORKER\"]", "\"team\":\"returns-north\"");
        AuditEvent login = last("lena");
        assertThat(login.action()).isEqualTo("LOGIN");
        assertThat(login.outcome()).isEqualTo("GRANTED");
        assertThat(login.partner()).isEqualTo("FR");
        assertThat(roleAndResource(login)).containsExactly("LIAISON_OFFICER", "PASSWORD");
    }

    @Test
    void wrongPasswordUnknownUserAndLockedAccountGetTheSameAnswer() throws Exception {
        MockHttpServletResponse wrong = call(get("/api/v1/me").header("Authorization", basic("carl", "guess")));
        MockHttpServletResponse unknown = call(get("/api/v1/me").header("Authorization", basic("nobody", PASSWORD)));
        for (int i = 0; i < 3; i++) {
            call(get("/api/v1/me").header("Authorization", basic("lockedout", "guess")));
        }
        MockHttpServletResponse locked = call(get("/api/v1/me").header("Authorization", basic("lockedout", PASSWORD)));

        for (MockHttpServletResponse r : List.of(wrong, unknown, locked)) {
            assertThat(r.getStatus()).isEqualTo(401);
            assertThat(r.getContentAsString()).isEqualTo(Unauthenticated.BODY);
            assertThat(r.getHeaders("WWW-Authenticate")).anyMatch(h -> h.startsWith("Basic realm=\"passerelle\""))
                    .anyMatch(h -> h.startsWith("Bearer"));
        }
        assertThat(last("carl")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "REFUSED", "BAD_CREDENTIALS");
        assertThat(last("nobody")).extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "BAD_CREDENTIALS");
        assertThat(last("lockedout")).extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "ACCOUNT_LOCKED");
    }

    @Test
    void accountLocksAfterConsecutiveFailuresRefusesTheRightPasswordAndOpensAgainAfterTheLockTime() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertThat(call(get("/api/v1/me").header("Authorization", basic("locky", "guess-" + i))).getStatus()).isEqualTo(401);
        }
        assertThat(call(get("/api/v1/me").header("Authorization", basic("locky", "guess-2"))).getStatus()).isEqualTo(401);
        assertThat(actions("locky")).containsSubsequence("LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED", "ACCOUNT_LOCKED");

        MockHttpServletResponse whileLocked = call(get("/api/v1/me").header("Authorization", basic("locky", PASSWORD)));
        clock.advance(Duration.ofMinutes(14));
        MockHttpServletResponse stillLocked = call(get("/api/v1/me").header("Authorization", basic("locky", PASSWORD)));
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        MockHttpServletResponse afterLock = call(get("/api/v1/me").header("Authorization", basic("locky", PASSWORD)));

        assertThat(whileLocked.getStatus()).isEqualTo(401);
        assertThat(stillLocked.getStatus()).isEqualTo(401);
        assertThat(afterLock.getStatus()).isEqualTo(200);
        assertThat(jdbc.sql("select failed_attempts from api_user where username = 'locky'").query(Integer.class).single()).isZero();
        assertThat(last("locky")).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly("LOGIN", "GRANTED");
    }

    @Test
    void successResetsTheFailureCount() throws Exception {
        call(get("/api/v1/me").header("Authorization", basic("resetty", "guess")));
        call(get("/api/v1/me").header("Authorization", basic("resetty", "guess")));
        assertThat(call(get("/api/v1/me").header("Authorization", basic("resetty", PASSWORD))).getStatus()).isEqualTo(200);
        call(get("/api/v1/me").header("Authorization", basic("resetty", "guess")));
        call(get("/api/v1/me").header("Authorization", basic("resetty", "guess")));

        assertThat(call(get("/api/v1/me").header("Authorization", basic("resetty", PASSWORD))).getStatus()).isEqualTo(200);
        assertThat(actions("resetty")).doesNotContain("ACCOUNT_LOCKED");
    }

    @Test
    void disabledAccountIsRefusedEvenWithTheRightPassword() throws Exception {
        MockHttpServletResponse r = call(get("/api/v1/me").header("Authorization", basic("dormant", PASSWORD)));

        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(last("dormant")).extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "ACCOUNT_DISABLED");
    }

    @Test
    void configuredUsersAreProvisionedWithArgon2HashesAndAuditedAsAdministrativeChanges() {
        String hash = jdbc.sql("select password_hash from api_user where username = 'lena'").query(String.class).single();

        assertThat(hash).startsWith("{argon2}$argon2id$");
        audit.latest(1); // seals what is staged
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'USER_CREATED' and resource = 'user:lena'"
                + " and actor = 'configuration' and detail = 'roles LIAISON_OFFICER'").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void provisioningUpdatesAChangedUserOnlyOnceAndANewPasswordClearsItsLock() {
        UserStore users = context.getBean(UserStore.class);
        String newHash = PasswordHash.encoder().encode("another password");
        jdbc.sql("insert into api_user (username, password_hash, roles, enabled, failed_attempts, locked_until, created_at, updated_at)"
                + " values ('prov', '{noop}x', 'AUDITOR', true, 2, :until, :now, :now)")
                .param("until", clock.instant().plusSeconds(600).atOffset(java.time.ZoneOffset.UTC))
                .param("now", clock.instant().atOffset(java.time.ZoneOffset.UTC)).update();
        AccessProperties.User configured = new AccessProperties.User("prov", newHash, List.of("AUDITOR"), null, null, true);

        assertThat(users.provision(configured)).isEqualTo(AuditAction.USER_UPDATED);
        assertThat(users.provision(configured)).isNull();
        UserStore.StoredUser stored = users.find("prov").orElseThrow();
        assertThat(stored.passwordHash()).isEqualTo(newHash);
        assertThat(stored.failedAttempts()).isZero();
        assertThat(stored.lockedUntil()).isNull();
    }

    // --- API tokens ---

    @Test
    void apiTokenStillAuthenticatesASystemAndATokenMayCarryAPartner() throws Exception {
        MockHttpServletResponse system = call(get("/api/v1/me").header("Authorization", "Bearer " + SYSTEM_TOKEN));
        MockHttpServletResponse desk = call(get("/api/v1/me").header("Authorization", "Bearer " + OFFICER_TOKEN));

        assertThat(system.getStatus()).isEqualTo(200);
        assertThat(system.getContentAsString()).contains("\"name\":\"casework-system\"", "\"kind\":\"SYSTEM\"", "\"roles\":[\"SYSTEM\"]");
        assertThat(desk.getContentAsString()).contains("\"name\":\"liaison-desk\"", "\"partner\":\"FR\"");
    }

    @Test
    void unknownOpaqueTokenIsUnauthenticatedAndAuditedAsSuch() throws Exception {
        long before = maxId();
        MockHttpServletResponse r = call(get("/api/v1/me").header("Authorization", "Bearer not-a-token-we-know"));

        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(r.getContentAsString()).isEqualTo(Unauthenticated.BODY);
        assertThat(since(before)).extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("AUTHENTICATION", "UNAUTHENTICATED"));
    }

    @Test
    void nothingPresentedIsAnsweredWithTheChallengesAndAudited() throws Exception {
        long before = maxId();
        MockHttpServletResponse r = call(get("/api/v1/me"));

        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(r.getHeaders("WWW-Authenticate")).containsExactly("Bearer realm=\"passerelle\"",
                "Basic realm=\"passerelle\", charset=\"UTF-8\"");
        assertThat(since(before)).extracting(AuditEvent::actor, AuditEvent::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("anonymous", "AUTHENTICATION"));
    }

    // --- OpenID Connect tokens ---

    @Test
    void validOidcTokenSignsInWithTheRolesPartnerAndTeamOfItsClaims() throws Exception {
        String token = idp.sign(TestTokens.claims("olivia", clock.instant(),
                Map.of("roles", List.of("liaison-officer", "other-app-role"), "partner", "FR")));
        String spaced = idp.sign(TestTokens.claims("cathy", clock.instant(),
                Map.of("roles", "CASEWORKER AUDITOR", "team", "returns-south")));

        MockHttpServletResponse olivia = call(get("/api/v1/me").header("Authorization", "Bearer " + token));
        MockHttpServletResponse cathy = call(get("/api/v1/me").header("Authorization", "Bearer " + spaced));

        assertThat(olivia.getStatus()).isEqualTo(200);
        assertThat(olivia.getContentAsString()).contains("\"name\":\"olivia\"", "\"kind\":\"PERSON\"",
                "\"roles\":[\"LIAISON_OFFICER\"]", "\"partner\":\"FR\"");
        assertThat(cathy.getContentAsString()).contains("\"roles\":[\"CASEWORKER\",\"AUDITOR\"]", "\"team\":\"returns-south\"");
        assertThat(roleAndResource(last("olivia"))).containsExactly("LIAISON_OFFICER", "OIDC_TOKEN");
        assertThat(last("olivia")).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly("LOGIN", "GRANTED");
    }

    @Test
    void expiredTokenIsRefusedAndAuditedAsExpired() throws Exception {
        refusedToken("exp", idp.sign(TestTokens.claims("exp", clock.instant(), Map.of("roles", "AUDITOR")),
                c -> c.expirationTime(java.util.Date.from(clock.instant().minusSeconds(31)))), "TOKEN_EXPIRED");
    }

    @Test
    void tokenWithinTheSkewOfItsExpiryIsStillAccepted() throws Exception {
        String token = idp.sign(TestTokens.claims("skew", clock.instant(), Map.of("roles", "AUDITOR")),
                c -> c.expirationTime(java.util.Date.from(clock.instant().minusSeconds(20))));

        assertThat(call(get("/api/v1/me").header("Authorization", "Bearer " + token)).getStatus()).isEqualTo(200);
    }

    @Test
    void tokenNotYetValidIsRefused() throws Exception {
        refusedToken("early", idp.sign(TestTokens.claims("early", clock.instant(), Map.of("roles", "AUDITOR")),
                c -> c.notBeforeTime(java.util.Date.from(clock.instant().plusSeconds(120)))), "TOKEN_NOT_YET_VALID");
    }

    @Test
    void tokenWithoutExpiryIsRefused() throws Exception {
        refusedToken("forever", idp.sign(TestTokens.claims("forever", clock.instant(), Map.of("roles", "AUDITOR")),
                c -> c.expirationTime(null)), "TOKEN_INVALID");
    }

    @Test
    void tokenFromAnotherIssuerIsRefused() throws Exception {
        refusedToken("stranger", idp.sign(TestTokens.claims("stranger", clock.instant(), Map.of("roles", "AUDITOR")),
                c -> c.issuer("https://idp.test/realms/elsewhere")), "TOKEN_WRONG_ISSUER");
    }

    @Test
    void tokenForAnotherAudienceIsRefused() throws Exception {
        refusedToken("elsewhere", idp.sign(TestTokens.claims("elsewhere", clock.instant(), Map.of("roles", "AUDITOR")),
                c -> c.audience("passerelle-fr")), "TOKEN_WRONG_AUDIENCE");
    }

    @Test
    void tokenSignedByAnotherKeyWithTheProvidersKeyIdIsRefused() throws Exception {
        TestTokens forger = new TestTokens("idp-key");
        refusedToken("forged", forger.sign(TestTokens.claims("forged", clock.instant(), Map.of("roles", "ADMIN"))), "TOKEN_INVALID");
    }

    @Test
    void unsignedTokenWithAlgNoneIsRefused() throws Exception {
        refusedToken("nosig", TestTokens.unsigned(TestTokens.claims("nosig", clock.instant(), Map.of("roles", "ADMIN"))), "TOKEN_INVALID");
    }

    @Test
    void tokenWithAChangedClaimIsRefused() throws Exception {
        String[] parts = idp.sign(TestTokens.claims("tamper", clock.instant(), Map.of("roles", "AUDITOR"))).split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("AUDITOR", "ADMIN");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        refusedToken("tamper", tampered, "TOKEN_INVALID");
    }

    @Test
    void liaisonOfficerTokenWithoutAPartnerIsRefused() throws Exception {
        refusedToken("nopartner", idp.sign(TestTokens.claims("nopartner", clock.instant(), Map.of("roles", "LIAISON_OFFICER"))),
                "ATTRIBUTES_MISSING");
    }

    @Test
    void tokenClaimingTheSystemRoleIsRefusedAndAuditedForSystemsUseApiTokensOrCertificates() throws Exception {
        refusedToken("robot", idp.sign(TestTokens.claims("robot", clock.instant(), Map.of("roles", List.of("SYSTEM")))),
                "SYSTEM_ROLE_NOT_FOR_PEOPLE");
        refusedToken("robot-admin", idp.sign(TestTokens.claims("robot-admin", clock.instant(), Map.of("roles", "ADMIN system"))),
                "SYSTEM_ROLE_NOT_FOR_PEOPLE");
    }

    @Test
    void tokenClaimingRolesNeverHeldTogetherIsRefusedAndAudited() throws Exception {
        refusedToken("two-hats", idp.sign(TestTokens.claims("two-hats", clock.instant(), Map.of("roles", "ADMIN AUDITOR"))),
                "ROLES_INCOMPATIBLE");
        refusedToken("desk-admin", idp.sign(TestTokens.claims("desk-admin", clock.instant(),
                Map.of("roles", List.of("ADMIN", "LIAISON_OFFICER"), "partner", "FR"))), "ROLES_INCOMPATIBLE");
    }

    @Test
    void badJwtShapedTokenIsAnswered401EvenWhereAnonymousCallsAreAllowed() throws Exception {
        String forged = TestTokens.unsigned(TestTokens.claims("sneaky", clock.instant(), Map.of()));

        MockHttpServletResponse health = call(get("/actuator/health").header("Authorization", "Bearer " + forged));
        MockHttpServletResponse garbage = call(get("/api/v1/me").header("Authorization", "Bearer a.b.c"));

        assertThat(health.getStatus()).isEqualTo(401);
        assertThat(health.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(garbage.getStatus()).isEqualTo(401);
        assertThat(last("anonymous")).extracting(AuditEvent::action, AuditEvent::code).containsExactly("LOGIN_FAILED", "TOKEN_INVALID");
    }

    // --- officer certificates ---

    @Test
    void officerCertificateOfThisPartySignsInAPersonWithTheConfiguredPartner() throws Exception {
        MockHttpServletResponse r = call(get("/api/v1/me").requestAttr("jakarta.servlet.request.X509Certificate",
                chain("GB", "liaison-officer")));

        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getContentAsString()).contains("\"name\":\"gb-liaison-officer-1\"", "\"kind\":\"PERSON\"",
                "\"roles\":[\"LIAISON_OFFICER\"]", "\"partner\":\"FR\"");
        assertThat(roleAndResource(last("gb-liaison-officer-1"))).containsExactly("LIAISON_OFFICER", "OFFICER_CERTIFICATE");
    }

    @Test
    void officerCertificateWithoutItsConfiguredTeamIsRefused() throws Exception {
        MockHttpServletResponse r = call(get("/api/v1/me").requestAttr("jakarta.servlet.request.X509Certificate",
                chain("GB", "caseworker")));

        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(last("gb-caseworker-1")).extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "ATTRIBUTES_MISSING");
    }

    @Test
    void anotherPartysOfficerCertificateIsRefused() throws Exception {
        MockHttpServletResponse r = call(get("/api/v1/me").requestAttr("jakarta.servlet.request.X509Certificate",
                chain("FR", "auditor")));

        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(last("fr-auditor-1")).extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "CERTIFICATE_INVALID");
    }

    // --- helpers ---

    private void refusedToken(String user, String token, String reason) throws Exception {
        long before = maxId();
        MockHttpServletResponse r = call(get("/api/v1/me").header("Authorization", "Bearer " + token));

        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(r.getContentAsString()).isEqualTo(Unauthenticated.BODY);
        assertThat(r.getHeaders("WWW-Authenticate")).contains("Bearer realm=\"passerelle\", error=\"invalid_token\"");
        assertThat(since(before)).extracting(AuditEvent::actor, AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(user, "LOGIN_FAILED", "REFUSED", reason));
    }

    private MockHttpServletResponse call(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }

    private static X509Certificate[] chain(String party, String role) {
        return TestPki.shared().files().officer(party, role).load().chainWithoutRoots().toArray(X509Certificate[]::new);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(String text) {
        return java.util.HexFormat.of().formatHex(ApiTokenFilter.sha256(text));
    }

    private AuditEvent last(String actor) {
        return audit.latest(500).stream().filter(e -> actor.equals(e.actor())).findFirst().orElseThrow();
    }

    private List<String> actions(String actor) {
        return audit.latest(500).stream().filter(e -> actor.equals(e.actor())).map(AuditEvent::action).toList().reversed();
    }

    private List<Object> roleAndResource(AuditEvent e) {
        return jdbc.sql("select actor_role, resource from audit_event where id = :id").param("id", e.id())
                .query((rs, n) -> List.<Object>of(rs.getString(1), rs.getString(2))).single();
    }

    private long maxId() {
        audit.latest(1); // seals what is staged
        return jdbc.sql("select coalesce(max(id), 0) from audit_event").query(Long.class).single();
    }

    private List<AuditEvent> since(long id) {
        return audit.latest(500).stream().filter(e -> e.id() > id).toList().reversed();
    }
}
