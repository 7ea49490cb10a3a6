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
 * the node's audit log with its reason. The separation of duties holds over the same HTTP: no administrator changes
 * their own roles, ADMIN never comes with AUDITOR or LIAISON_OFFICER, ADMIN and AUDITOR are granted only on a second
 * administrator's approval, and an OpenID Connect token never carries SYSTEM.
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
        user(gbOnly, 3, "root", hash, "ADMIN", null, null);
        user(gbOnly, 4, "rita", hash, "ADMIN", null, null);
        gbOnly.put("passerelle.access.max-failed-attempts", "3");
        gbOnly.put("passerelle.access.lock-duration", LOCK);
        gbOnly.putAll(idp.apiSettings(""));
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

    @Test
    void oidcTokenClaimingTheSystemRoleIsRefusedAndAudited() {
        String token = idp.sign(IdentityProvider.claims("t-system", Instant.now()).claim("roles", List.of("SYSTEM")));

        HttpResponse<String> me = gb.get("/api/v1/me", token);

        assertThat(me.statusCode()).isEqualTo(401);
        assertThat(me.body()).contains("\"code\":\"UNAUTHENTICATED\"");
        assertThat(lastOf("t-system")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "REFUSED", "SYSTEM_ROLE_NOT_FOR_PEOPLE");
    }

    @Test
    void auditorRoleIsGrantedOverHttpOnlyOnASecondAdministratorsApproval() {
        // given root asks for a new auditor
        HttpResponse<String> created = json("POST", "/api/v1/users", "root",
                "{\"username\":\"vic\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"AUDITOR\"]}");
        String grant = grantId(created.body());

        // when root tries to approve it, then rita does
        HttpResponse<String> byRequester = json("POST", "/api/v1/users/role-grants/" + grant + "/approve", "root", null);
        AuditEvent refusal = lastOf("root");
        HttpResponse<String> approved = json("POST", "/api/v1/users/role-grants/" + grant + "/approve", "rita", null);

        // then the role waited for rita, and each step is in the audit log
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        assertThat(created.body()).contains("\"code\":\"APPROVAL_REQUIRED\"");
        assertThat(byRequester.statusCode()).isEqualTo(403);
        assertThat(byRequester.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(byRequester.body()).contains("\"code\":\"APPROVAL_BY_REQUESTER\"");
        assertThat(refusal).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code, AuditEvent::resource)
                .containsExactly("ROLE_GRANT_APPROVED", "REFUSED", "APPROVAL_BY_REQUESTER", "user:vic");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(lastOf("rita")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::resource, AuditEvent::detail)
                .containsExactly("ROLE_GRANT_APPROVED", "GRANTED", "user:vic",
                        "grant " + grant + ": AUDITOR, requested by root; roles AUDITOR");
        assertThat(gb.getAuthorized("/api/v1/me", Node.basic("vic", PASSWORD)).body()).contains("\"roles\":[\"AUDITOR\"]");
        assertThat(actionsOf("root")).contains("USER_CREATED", "ROLE_GRANT_REQUESTED");
    }

    @Test
    void ownRolesAndRolesNeverHeldTogetherAreRefusedOverHttpAndAudited() {
        HttpResponse<String> own = json("PUT", "/api/v1/users/rita", "rita", "{\"roles\":[\"ADMIN\",\"CASEWORKER\"],\"team\":\"t\"}");
        AuditEvent ownRefusal = lastOf("rita");
        HttpResponse<String> both = json("PUT", "/api/v1/users/ada", "rita", "{\"roles\":[\"AUDITOR\",\"ADMIN\"]}");

        assertThat(own.statusCode()).isEqualTo(403);
        assertThat(own.body()).contains("\"code\":\"SELF_ROLE_CHANGE\"");
        assertThat(ownRefusal).extracting(AuditEvent::action, AuditEvent::code).containsExactly("USER_UPDATED", "SELF_ROLE_CHANGE");
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(both.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(both.body()).contains("\"code\":\"ROLES_INCOMPATIBLE\"", "ADMIN and AUDITOR are never held together");
        assertThat(lastOf("rita")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code, AuditEvent::resource)
                .containsExactly("USER_UPDATED", "REFUSED", "ROLES_INCOMPATIBLE", "user:ada");
    }

    /** Sends JSON (or nothing) as an administrator of the embedded store. */
    private static HttpResponse<String> json(String method, String path, String admin, String body) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(gb.api(path))
                .header("Authorization", Node.basic(admin, PASSWORD)).header("Content-Type", "application/json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String grantId(String pending) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"grant\":\\{\"id\":(\\d+)").matcher(pending);
        assertThat(m.find()).as(pending).isTrue();
        return m.group(1);
    }

    private static AuditEvent lastOf(String actor) {
        return gb.bean(AuditTrail.class).latest(1000).stream().filter(e -> actor.equals(e.actor())).findFirst().orElseThrow();
    }

    private static List<String> actionsOf(String actor) {
        return gb.bean(AuditTrail.class).latest(1000).stream().filter(e -> actor.equals(e.actor()))
                .map(AuditEvent::action).toList().reversed();
    }
}
