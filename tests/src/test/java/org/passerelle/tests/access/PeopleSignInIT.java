package org.passerelle.tests.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.access.PasswordHash;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * People sign in to a whole GB node over real HTTP: embedded users with HTTP Basic (and the account lock, on a short
 * lock time), OpenID Connect tokens from a stand-in provider whose key set WireMock serves, side by side with the
 * back-end system's API token. Every refusal is a 401 with the same body, and every sign-in, granted or refused, is in
 * the node's audit log with its reason.
 */
class PeopleSignInIT {

    static final String PASSWORD = "a long passphrase for tests";
    static final String LOCK = "4s";

    @TempDir
    static Path dir;
    static IdentityProvider idp;
    static Exchange exchange;
    static Node gb;

    @BeforeAll
    static void startNodes() {
        idp = IdentityProvider.start();
        String hash = PasswordHash.encoder().encode(PASSWORD);
        Map<String, Object> gbOnly = new LinkedHashMap<>();
        user(gbOnly, 0, "lena", hash, "LIAISON_OFFICER", "partner", "FR");
        user(gbOnly, 1, "carl", hash, "CASEWORKER", "team", "returns-north");
        user(gbOnly, 2, "ada", hash, "AUDITOR", null, null);
        gbOnly.put("passerelle.access.max-failed-attempts", "3");
        gbOnly.put("passerelle.access.lock-duration", LOCK);
        gbOnly.put("passerelle.access.oidc.issuer", IdentityProvider.ISSUER);
        gbOnly.put("passerelle.access.oidc.audience", IdentityProvider.AUDIENCE);
        gbOnly.put("passerelle.access.oidc.jwk-set-uri", idp.jwkSetUri());
        Map<String, Object> extra = new LinkedHashMap<>();
        gbOnly.forEach((k, v) -> extra.put("GB:" + k, v));
        exchange = Exchange.start(dir, extra);
        gb = exchange.gb;
    }

    static void user(Map<String, Object> p, int i, String name, String hash, String role, String attribute, String value) {
        String prefix = "passerelle.access.users[" + i + "].";
        p.put(prefix + "username", name);
        p.put(prefix + "password-hash", hash);
        p.put(prefix + "roles[0]", role);
        if (attribute != null) {
            p.put(prefix + attribute, value);
        }
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
        idp.close();
    }

    @Test
    void embeddedUsersSignInWithBasicAndTheNodeKnowsTheirPartnerAndTeam() {
        HttpResponse<String> lena = gb.getAuthorized("/api/v1/me", Node.basic("lena", PASSWORD));
        HttpResponse<String> carl = gb.getAuthorized("/api/v1/me", Node.basic("carl", PASSWORD));

        assertThat(lena.statusCode()).as(lena.body()).isEqualTo(200);
        assertThat(lena.body()).contains("\"name\":\"lena\"", "\"kind\":\"PERSON\"", "\"roles\":[\"LIAISON_OFFICER\"]",
                "\"partner\":\"FR\"");
        assertThat(carl.body()).contains("\"roles\":[\"CASEWORKER\"]", "\"team\":\"returns-north\"");
        assertThat(lastOf("lena")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::partner)
                .containsExactly("LOGIN", "GRANTED", "FR");
    }

    @Test
    void wrongPasswordIsRefusedLikeAnUnknownUserAndAudited() {
        HttpResponse<String> wrong = gb.getAuthorized("/api/v1/me", Node.basic("carl", "not the password"));
        HttpResponse<String> unknown = gb.getAuthorized("/api/v1/me", Node.basic("nobody-here", PASSWORD));

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo(unknown.body()).contains("\"code\":\"UNAUTHENTICATED\"");
        assertThat(wrong.headers().allValues("WWW-Authenticate")).anyMatch(h -> h.startsWith("Basic"));
        assertThat(lastOf("carl")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "REFUSED", "BAD_CREDENTIALS");
        assertThat(lastOf("nobody-here")).extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "BAD_CREDENTIALS");
    }

    @Test
    void accountLocksAfterThreeFailuresRefusesTheRightPasswordThenOpensWhenTheLockEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(gb.getAuthorized("/api/v1/me", Node.basic("ada", "guess " + i)).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> whileLocked = gb.getAuthorized("/api/v1/me", Node.basic("ada", PASSWORD));

        assertThat(whileLocked.statusCode()).isEqualTo(401);
        assertThat(actionsOf("ada")).containsSubsequence("LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED", "ACCOUNT_LOCKED");
        assertThat(lastOf("ada")).extracting(AuditEvent::action, AuditEvent::code).containsExactly("LOGIN_FAILED", "ACCOUNT_LOCKED");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                gb.getAuthorized("/api/v1/me", Node.basic("ada", PASSWORD)).statusCode() == 200);
        assertThat(lastOf("ada")).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly("LOGIN", "GRANTED");
    }

    @Test
    void personsRoleStillDecidesWhatTheyMayDo() {
        HttpResponse<String> submit = gb.postAuthorized("/api/v1/messages",
                Envelopes.sample("BiometricSearchRequest", "GB", "FR"), Node.basic("lena", PASSWORD));

        assertThat(submit.statusCode()).isEqualTo(403);
        assertThat(submit.body()).contains("\"code\":\"FORBIDDEN\"");
        assertThat(lastOf("lena")).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly("ACCESS_DENIED", "REFUSED");
    }

    @Test
    void oidcTokenSignsInWithTheRolesPartnerAndTeamOfItsClaims() {
        String token = idp.sign(IdentityProvider.claims("olivia", Instant.now())
                .claim("roles", List.of("LIAISON_OFFICER")).claim("partner", "FR"));

        HttpResponse<String> me = gb.get("/api/v1/me", token);

        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(me.body()).contains("\"name\":\"olivia\"", "\"roles\":[\"LIAISON_OFFICER\"]", "\"partner\":\"FR\"");
        assertThat(lastOf("olivia")).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly("LOGIN", "GRANTED");
    }

    @Test
    void everyBadOidcTokenIsRefusedWith401AndAuditedWithItsReason() {
        Instant now = Instant.now();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("TOKEN_EXPIRED", idp.sign(IdentityProvider.claims("t-expired", now).claim("roles", "AUDITOR")
                .expirationTime(Date.from(now.minusSeconds(120)))));
        tokens.put("TOKEN_WRONG_ISSUER", idp.sign(IdentityProvider.claims("t-issuer", now).claim("roles", "AUDITOR")
                .issuer("https://idp.elsewhere.test")));
        tokens.put("TOKEN_WRONG_AUDIENCE", idp.sign(IdentityProvider.claims("t-audience", now).claim("roles", "AUDITOR")
                .audience("passerelle-fr")));
        tokens.put("TOKEN_INVALID", IdentityProvider.forge(IdentityProvider.claims("t-forged", now).claim("roles", "ADMIN")));
        Map<String, String> users = Map.of("TOKEN_EXPIRED", "t-expired", "TOKEN_WRONG_ISSUER", "t-issuer",
                "TOKEN_WRONG_AUDIENCE", "t-audience", "TOKEN_INVALID", "t-forged");

        tokens.forEach((reason, token) -> {
            HttpResponse<String> r = gb.get("/api/v1/me", token);

            assertThat(r.statusCode()).as(reason).isEqualTo(401);
            assertThat(r.body()).contains("\"code\":\"UNAUTHENTICATED\"");
            assertThat(r.headers().allValues("WWW-Authenticate")).contains("Bearer realm=\"passerelle\", error=\"invalid_token\"");
            assertThat(lastOf(users.get(reason))).as(reason).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                    .containsExactly("LOGIN_FAILED", "REFUSED", reason);
        });
    }

    @Test
    void unsignedTokenDoesNotFallThroughToAnonymousAccess() {
        String none = IdentityProvider.unsigned(IdentityProvider.claims("t-none", Instant.now()).claim("roles", "SYSTEM"));

        HttpResponse<String> me = gb.get("/api/v1/me", none);
        HttpResponse<String> health = gb.get("/actuator/health", none);

        assertThat(me.statusCode()).isEqualTo(401);
        assertThat(health.statusCode()).isEqualTo(401);
        assertThat(lastOf("t-none")).extracting(AuditEvent::action, AuditEvent::code).containsExactly("LOGIN_FAILED", "TOKEN_INVALID");
        assertThat(gb.get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theBackEndSystemsApiTokenStillWorksBesideOidcTokens() {
        HttpResponse<String> me = gb.get("/api/v1/me", Node.SYSTEM_TOKEN);
        HttpResponse<String> submit = gb.submit(Envelopes.sample("BiometricSearchRequest", "GB", "FR"));

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"name\":\"casework-system\"", "\"kind\":\"SYSTEM\"");
        assertThat(submit.statusCode()).as(submit.body()).isEqualTo(202);
    }

    private static AuditEvent lastOf(String actor) {
        return gb.bean(AuditTrail.class).latest(1000).stream().filter(e -> actor.equals(e.actor())).findFirst().orElseThrow();
    }

    private static List<String> actionsOf(String actor) {
        return gb.bean(AuditTrail.class).latest(1000).stream().filter(e -> actor.equals(e.actor()))
                .map(AuditEvent::action).toList().reversed();
    }
}
