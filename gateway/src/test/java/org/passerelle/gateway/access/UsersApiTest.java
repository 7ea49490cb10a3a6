package org.passerelle.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import jakarta.servlet.Filter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * Administrators manage embedded users over the API; nobody else may, every change and refusal is audited. The
 * separation of duties holds there: no administrator changes their own roles, ADMIN is never held with AUDITOR or
 * LIAISON_OFFICER, and ADMIN or AUDITOR is granted only once a second administrator approves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class UsersApiTest {

    static final String PASSWORD = "administrator passphrase";
    static final String NEW_PASSWORD = "a brand new passphrase";

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        String hash = PasswordHash.encoder().encode(PASSWORD);
        PeopleSignInTest.user(r, 0, "root", hash, "ADMIN", null, null);
        PeopleSignInTest.user(r, 1, "audrey", hash, "AUDITOR", null, null);
        PeopleSignInTest.user(r, 2, "rita", hash, "ADMIN", null, null);
        r.add("passerelle.access.max-failed-attempts", () -> "2");
    }

    @Autowired
    WebApplicationContext context;

    @Autowired
    AuditTrail audit;

    @Autowired
    JdbcClient jdbc;

    MockMvc mvc;

    @BeforeEach
    void mvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context)
                .addFilters(context.getBean("springSecurityFilterChain", Filter.class)).build();
    }

    @Test
    void administratorCreatesAUserWhoCanThenSignInAndTheChangeIsAudited() throws Exception {
        MockHttpServletResponse created = call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"lou\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"LIAISON_OFFICER\"],\"partner\":\"FR\"}");
        MockHttpServletResponse me = call(get("/api/v1/me"), "lou", NEW_PASSWORD, null);

        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        assertThat(created.getContentAsString()).contains("\"username\":\"lou\"", "\"partner\":\"FR\"")
                .doesNotContain(NEW_PASSWORD, "argon2", "password");
        assertThat(me.getContentAsString()).contains("\"roles\":[\"LIAISON_OFFICER\"]", "\"partner\":\"FR\"");
        assertThat(last("root")).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly("USER_CREATED", "GRANTED");
        assertThat(jdbc.sql("select count(*) from audit_event where detail like :p or resource like :p")
                .param("p", "%" + NEW_PASSWORD + "%").query(Long.class).single()).isZero();
    }

    @Test
    void liaisonOfficerWithoutAPartnerIsRefusedWithItsCodeAndAudited() throws Exception {
        MockHttpServletResponse r = call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"lola\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"LIAISON_OFFICER\"]}");

        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.getContentAsString()).contains("\"code\":\"USER_INVALID\"", "a LIAISON_OFFICER needs a partner");
        assertThat(last("root")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly("USER_CREATED", "REFUSED", "USER_INVALID");
    }

    @Test
    void shortPasswordAndTakenNameAreRefused() throws Exception {
        MockHttpServletResponse shortPassword = call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"sam\",\"password\":\"short\",\"roles\":[\"AUDITOR\"]}");
        MockHttpServletResponse taken = call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"audrey\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"AUDITOR\"]}");

        assertThat(shortPassword.getContentAsString()).contains("\"code\":\"USER_INVALID\"", "at least 12 characters");
        assertThat(taken.getStatus()).isEqualTo(409);
        assertThat(taken.getContentAsString()).contains("\"code\":\"USER_EXISTS\"");
    }

    @Test
    void nobodyButAnAdministratorManagesUsers() throws Exception {
        MockHttpServletResponse r = call(post("/api/v1/users"), "audrey", PASSWORD,
                "{\"username\":\"eve\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"ADMIN\"]}");
        MockHttpServletResponse list = call(get("/api/v1/users"), "audrey", PASSWORD, null);

        assertThat(r.getStatus()).isEqualTo(403);
        assertThat(list.getStatus()).isEqualTo(403);
        assertThat(r.getContentAsString()).contains("\"code\":\"FORBIDDEN\"");
        assertThat(last("audrey")).extracting(AuditEvent::action, AuditEvent::outcome).containsExactly("ACCESS_DENIED", "REFUSED");
        assertThat(jdbc.sql("select count(*) from api_user where username = 'eve'").query(Long.class).single()).isZero();
    }

    @Test
    void aMalformedRequestIsForbiddenToACallerWithoutTheRoleBeforeItIsJudgedInvalid() throws Exception {
        // given a body that is not JSON
        String garbage = "{\"username\": not-json";

        // when an auditor, then an administrator, sends it
        MockHttpServletResponse byAuditor = call(post("/api/v1/users"), "audrey", PASSWORD, garbage);
        AuditEvent denied = last("audrey");
        MockHttpServletResponse byAdministrator = call(post("/api/v1/users"), "root", PASSWORD, garbage);

        // then the auditor learns only that they may not; the administrator that the request is invalid; both audited
        assertThat(byAuditor.getStatus()).isEqualTo(403);
        assertThat(byAuditor.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(byAuditor.getContentAsString()).contains("\"code\":\"FORBIDDEN\"");
        assertThat(denied).extracting(AuditEvent::action, AuditEvent::code).containsExactly("ACCESS_DENIED", "FORBIDDEN");
        assertThat(byAdministrator.getStatus()).isEqualTo(400);
        assertThat(byAdministrator.getContentType()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(byAdministrator.getContentAsString()).contains("\"code\":\"REQUEST_INVALID\"")
                .doesNotContain("not-json");
        assertThat(last("root")).extracting(AuditEvent::action, AuditEvent::code, AuditEvent::resource)
                .containsExactly("REQUEST_REFUSED", "REQUEST_INVALID", "POST /api/v1/users");
    }

    @Test
    void healthDetailsAreShownToAnAuditorAndOnlyTheStatusToAnyoneElse() throws Exception {
        // when an auditor and an anonymous caller read the health
        MockHttpServletResponse byAuditor = call(get("/actuator/health"), "audrey", PASSWORD, null);
        MockHttpServletResponse anonymous = mvc.perform(get("/actuator/health")).andReturn().getResponse();

        // then the auditor sees the components, the anonymous caller the status alone
        assertThat(byAuditor.getContentAsString()).contains("\"components\"");
        assertThat(anonymous.getStatus()).isEqualTo(200);
        assertThat(anonymous.getContentAsString()).contains("\"status\"").doesNotContain("components");
    }

    @Test
    void administratorChangesRolesAndUnlocksALockedUser() throws Exception {
        call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"kim\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"LIAISON_OFFICER\"],\"partner\":\"FR\"}");
        call(get("/api/v1/me"), "kim", "wrong", null);
        call(get("/api/v1/me"), "kim", "wrong", null);
        assertThat(call(get("/api/v1/me"), "kim", NEW_PASSWORD, null).getStatus()).isEqualTo(401);

        MockHttpServletResponse unlocked = call(post("/api/v1/users/kim/unlock"), "root", PASSWORD, null);
        MockHttpServletResponse changed = call(put("/api/v1/users/kim"), "root", PASSWORD,
                "{\"roles\":[\"CASEWORKER\"],\"team\":\"returns-west\"}");
        MockHttpServletResponse me = call(get("/api/v1/me"), "kim", NEW_PASSWORD, null);

        assertThat(unlocked.getContentAsString()).contains("\"locked\":false");
        assertThat(changed.getStatus()).as(changed.getContentAsString()).isEqualTo(200);
        assertThat(me.getStatus()).isEqualTo(200);
        assertThat(me.getContentAsString()).contains("\"roles\":[\"CASEWORKER\"]", "\"team\":\"returns-west\"");
        assertThat(call(get("/api/v1/users"), "root", PASSWORD, null).getContentAsString())
                .contains("\"username\":\"kim\"").doesNotContain("argon2");
    }

    // --- separation of duties (issue 11) ---

    @Test
    void administratorCannotChangeTheirOwnRolesAndTheRefusalIsAudited() throws Exception {
        // given root is an administrator and nothing else

        // when root gives themselves a second role, and then keeps their roles while changing something else
        MockHttpServletResponse grab = call(put("/api/v1/users/root"), "root", PASSWORD,
                "{\"roles\":[\"ADMIN\",\"CASEWORKER\"],\"team\":\"returns-west\"}");
        AuditEvent refusal = last("root");
        MockHttpServletResponse same = call(put("/api/v1/users/root"), "root", PASSWORD, "{\"roles\":[\"ADMIN\"]}");

        // then the first is refused and recorded, the second goes through
        assertThat(grab.getStatus()).isEqualTo(403);
        assertThat(grab.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(grab.getContentAsString()).contains("\"code\":\"SELF_ROLE_CHANGE\"");
        assertThat(refusal).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code, AuditEvent::resource)
                .containsExactly("USER_UPDATED", "REFUSED", "SELF_ROLE_CHANGE", "user:root");
        assertThat(refusal.detail()).isEqualTo("roles asked CASEWORKER,ADMIN (held ADMIN)");
        assertThat(same.getStatus()).as(same.getContentAsString()).isEqualTo(200);
        assertThat(roles("root")).isEqualTo("ADMIN");
    }

    @Test
    void rolesNeverHeldTogetherAreRefusedAtCreationAndChangeAndAudited() throws Exception {
        // given audrey is an auditor

        // when an administrator asks for ADMIN with AUDITOR, or with LIAISON_OFFICER
        MockHttpServletResponse created = call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"mix\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"ADMIN\",\"AUDITOR\"]}");
        AuditEvent createRefusal = last("root");
        MockHttpServletResponse changed = call(put("/api/v1/users/audrey"), "root", PASSWORD,
                "{\"roles\":[\"AUDITOR\",\"administrator\"]}");
        MockHttpServletResponse officer = call(post("/api/v1/users"), "rita", PASSWORD,
                "{\"username\":\"mix\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"LIAISON_OFFICER\",\"ADMIN\"],\"partner\":\"FR\"}");

        // then each is refused with its code and recorded with who, what, whom and the roles; nothing changed
        assertThat(created.getStatus()).isEqualTo(400);
        assertThat(created.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(created.getContentAsString()).contains("\"code\":\"ROLES_INCOMPATIBLE\"", "ADMIN and AUDITOR are never held together");
        assertThat(createRefusal).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code, AuditEvent::resource)
                .containsExactly("USER_CREATED", "REFUSED", "ROLES_INCOMPATIBLE", "user:mix");
        assertThat(createRefusal.detail()).startsWith("roles asked AUDITOR,ADMIN");
        assertThat(changed.getContentAsString()).contains("\"code\":\"ROLES_INCOMPATIBLE\"");
        assertThat(last("root")).extracting(AuditEvent::action, AuditEvent::code).containsExactly("USER_UPDATED", "ROLES_INCOMPATIBLE");
        assertThat(officer.getContentAsString()).contains("\"code\":\"ROLES_INCOMPATIBLE\"", "ADMIN and LIAISON_OFFICER");
        assertThat(last("rita")).extracting(AuditEvent::action, AuditEvent::code).containsExactly("USER_CREATED", "ROLES_INCOMPATIBLE");
        assertThat(roles("audrey")).isEqualTo("AUDITOR");
        assertThat(jdbc.sql("select count(*) from api_user where username = 'mix'").query(Long.class).single()).isZero();
    }

    @Test
    void systemRoleIsRefusedForAPersonWithItsOwnCode() throws Exception {
        MockHttpServletResponse r = call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"bot\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"SYSTEM\"]}");

        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.getContentAsString()).contains("\"code\":\"SYSTEM_ROLE_NOT_FOR_PEOPLE\"");
        assertThat(last("root")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly("USER_CREATED", "REFUSED", "SYSTEM_ROLE_NOT_FOR_PEOPLE");
    }

    @Test
    void auditorRoleIsGrantedOnlyWhenASecondAdministratorApprovesIt() throws Exception {
        // given root creates vera as an auditor
        MockHttpServletResponse created = call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"vera\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"AUDITOR\"]}");
        long grant = grantId(created);
        List<AuditEvent> requested = since("root", 2);
        MockHttpServletResponse before = call(get("/api/v1/audit/entries"), "vera", NEW_PASSWORD, null);

        // when root tries to approve their own request, then rita approves it
        MockHttpServletResponse byRequester = call(post("/api/v1/users/role-grants/" + grant + "/approve"), "root", PASSWORD, null);
        AuditEvent requesterRefusal = last("root");
        MockHttpServletResponse listed = call(get("/api/v1/users/role-grants"), "rita", PASSWORD, null);
        MockHttpServletResponse approved = call(post("/api/v1/users/role-grants/" + grant + "/approve"), "rita", PASSWORD, null);
        AuditEvent approval = last("rita");
        MockHttpServletResponse again = call(post("/api/v1/users/role-grants/" + grant + "/approve"), "rita", PASSWORD, null);

        // then vera was created without the role, pending; only the second administrator's approval gave it to her
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(202);
        assertThat(created.getContentAsString()).contains("\"code\":\"APPROVAL_REQUIRED\"", "\"status\":\"PENDING\"",
                "\"requestedBy\":\"root\"").doesNotContain(NEW_PASSWORD, "argon2");
        assertThat(requested).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code, AuditEvent::resource)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("USER_CREATED", "GRANTED", null, "user:vera"),
                        org.assertj.core.groups.Tuple.tuple("ROLE_GRANT_REQUESTED", "PENDING", "APPROVAL_REQUIRED", "user:vera"));
        assertThat(requested.get(0).detail()).isEqualTo("roles none");
        assertThat(requested.get(1).detail()).isEqualTo("grant " + grant + ": AUDITOR, requested by root");
        assertThat(before.getStatus()).isEqualTo(403);
        assertThat(byRequester.getStatus()).isEqualTo(403);
        assertThat(byRequester.getContentAsString()).contains("\"code\":\"APPROVAL_BY_REQUESTER\"");
        assertThat(requesterRefusal).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code, AuditEvent::resource)
                .containsExactly("ROLE_GRANT_APPROVED", "REFUSED", "APPROVAL_BY_REQUESTER", "user:vera");
        assertThat(listed.getContentAsString()).contains("\"id\":" + grant + ",\"username\":\"vera\"");
        assertThat(approved.getStatus()).as(approved.getContentAsString()).isEqualTo(200);
        assertThat(approved.getContentAsString()).contains("\"status\":\"APPROVED\"", "\"decidedBy\":\"rita\"");
        assertThat(approval).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::role, AuditEvent::resource)
                .containsExactly("ROLE_GRANT_APPROVED", "GRANTED", "ADMIN", "user:vera");
        assertThat(approval.detail()).isEqualTo("grant " + grant + ": AUDITOR, requested by root; roles AUDITOR");
        assertThat(roles("vera")).isEqualTo("AUDITOR");
        assertThat(call(get("/api/v1/me"), "vera", NEW_PASSWORD, null).getContentAsString()).contains("\"roles\":[\"AUDITOR\"]");
        assertThat(again.getStatus()).isEqualTo(404);
        assertThat(again.getContentAsString()).contains("\"code\":\"GRANT_NOT_FOUND\"");
        assertThat(last("rita")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly("ROLE_GRANT_APPROVED", "REFUSED", "GRANT_NOT_FOUND");
    }

    @Test
    void adminRoleAskedForAnExistingUserWaitsAndARejectionLeavesTheirRolesAsTheyWere() throws Exception {
        // given cole is a caseworker
        call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"cole\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"CASEWORKER\"],\"team\":\"returns-west\"}");

        // when root asks that cole also be an administrator, and rita rejects it
        MockHttpServletResponse asked = call(put("/api/v1/users/cole"), "root", PASSWORD,
                "{\"roles\":[\"CASEWORKER\",\"ADMIN\"],\"team\":\"returns-east\"}");
        long grant = grantId(asked);
        String whilePending = roles("cole");
        MockHttpServletResponse rejected = call(post("/api/v1/users/role-grants/" + grant + "/reject"), "rita", PASSWORD, null);
        AuditEvent rejection = last("rita");
        MockHttpServletResponse late = call(post("/api/v1/users/role-grants/" + grant + "/approve"), "rita", PASSWORD, null);

        // then the rest of the change was made at once, the ADMIN role never
        assertThat(asked.getStatus()).as(asked.getContentAsString()).isEqualTo(202);
        assertThat(asked.getContentAsString()).contains("\"team\":\"returns-east\"", "\"roles\":[\"CASEWORKER\"]");
        assertThat(whilePending).isEqualTo("CASEWORKER");
        assertThat(rejected.getContentAsString()).contains("\"status\":\"REJECTED\"", "\"decidedBy\":\"rita\"");
        assertThat(rejection).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::resource, AuditEvent::detail)
                .containsExactly("ROLE_GRANT_REJECTED", "GRANTED", "user:cole", "grant " + grant + ": ADMIN, requested by root");
        assertThat(late.getContentAsString()).contains("\"code\":\"GRANT_NOT_FOUND\"");
        assertThat(roles("cole")).isEqualTo("CASEWORKER");
    }

    @Test
    void approvalIsRefusedWhenTheUserHasMeanwhileTakenARoleIncompatibleWithIt() throws Exception {
        // given root asks that lia, a liaison officer, become an administrator instead
        call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"lia\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"LIAISON_OFFICER\"],\"partner\":\"FR\"}");
        long grant = grantId(call(put("/api/v1/users/lia"), "root", PASSWORD, "{\"roles\":[\"ADMIN\"],\"partner\":\"FR\"}"));
        // and meanwhile lia is made a liaison officer again
        call(put("/api/v1/users/lia"), "rita", PASSWORD, "{\"roles\":[\"LIAISON_OFFICER\"],\"partner\":\"FR\"}");

        // when rita approves the grant
        MockHttpServletResponse approved = call(post("/api/v1/users/role-grants/" + grant + "/approve"), "rita", PASSWORD, null);

        // then it is refused and recorded, and stays pending
        assertThat(approved.getStatus()).isEqualTo(400);
        assertThat(approved.getContentAsString()).contains("\"code\":\"ROLES_INCOMPATIBLE\"", "ADMIN and LIAISON_OFFICER");
        assertThat(last("rita")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly("ROLE_GRANT_APPROVED", "REFUSED", "ROLES_INCOMPATIBLE");
        assertThat(roles("lia")).isEqualTo("LIAISON_OFFICER");
        assertThat(call(get("/api/v1/users/role-grants"), "rita", PASSWORD, null).getContentAsString())
                .contains("\"id\":" + grant + ",");
    }

    @Test
    void anAdministratorCannotApproveARoleForThemselves() throws Exception {
        // given tess, a caseworker, has two grants pending from root: AUDITOR, then ADMIN, which rita approves
        call(post("/api/v1/users"), "root", PASSWORD,
                "{\"username\":\"tess\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"CASEWORKER\"],\"team\":\"returns-west\"}");
        long auditor = grantId(call(put("/api/v1/users/tess"), "root", PASSWORD,
                "{\"roles\":[\"CASEWORKER\",\"AUDITOR\"],\"team\":\"returns-west\"}"));
        long admin = grantId(call(put("/api/v1/users/tess"), "root", PASSWORD,
                "{\"roles\":[\"CASEWORKER\",\"ADMIN\"],\"team\":\"returns-west\"}"));
        assertThat(call(post("/api/v1/users/role-grants/" + admin + "/approve"), "rita", PASSWORD, null).getStatus()).isEqualTo(200);

        // when tess, now an administrator, approves the grant of AUDITOR to herself
        MockHttpServletResponse own = call(post("/api/v1/users/role-grants/" + auditor + "/approve"), "tess", NEW_PASSWORD, null);

        // then it is refused as a change of her own roles, and recorded
        assertThat(own.getStatus()).isEqualTo(403);
        assertThat(own.getContentAsString()).contains("\"code\":\"SELF_ROLE_CHANGE\"");
        assertThat(last("tess")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code, AuditEvent::resource)
                .containsExactly("ROLE_GRANT_APPROVED", "REFUSED", "SELF_ROLE_CHANGE", "user:tess");
        assertThat(roles("tess")).isEqualTo("CASEWORKER,ADMIN");
    }

    @Test
    void unlockingAUserWhoDoesNotExistIsNotFoundAndTheRefusalIsAudited() throws Exception {
        MockHttpServletResponse r = call(post("/api/v1/users/nobody-here/unlock"), "rita", PASSWORD, null);

        assertThat(r.getStatus()).isEqualTo(404);
        assertThat(r.getContentAsString()).contains("\"code\":\"USER_NOT_FOUND\"");
        assertThat(last("rita")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code)
                .containsExactly("USER_UNLOCKED", "REFUSED", "USER_NOT_FOUND");
    }

    @Test
    void unknownGrantIsNotFoundAndTheRefusalIsAudited() throws Exception {
        MockHttpServletResponse r = call(post("/api/v1/users/role-grants/999999/reject"), "rita", PASSWORD, null);

        assertThat(r.getStatus()).isEqualTo(404);
        assertThat(r.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(r.getContentAsString()).contains("\"code\":\"GRANT_NOT_FOUND\"");
        assertThat(last("rita")).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::code, AuditEvent::resource)
                .containsExactly("ROLE_GRANT_REJECTED", "REFUSED", "GRANT_NOT_FOUND", "role-grants");
    }

    private MockHttpServletResponse call(MockHttpServletRequestBuilder request, String user, String password, String json)
            throws Exception {
        request.header("Authorization", PeopleSignInTest.basic(user, password));
        if (json != null) {
            request.contentType(MediaType.APPLICATION_JSON).content(json);
        }
        return mvc.perform(request).andReturn().getResponse();
    }

    /** The roles stored for a user, as the store keeps them. */
    private String roles(String username) {
        return jdbc.sql("select roles from api_user where username = :u").param("u", username).query(String.class).single();
    }

    private static long grantId(MockHttpServletResponse pending) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"grant\":\\{\"id\":(\\d+)")
                .matcher(pending.getContentAsString());
        assertThat(m.find()).as(pending.getContentAsString()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** The last {@code n} entries of an actor other than sign-ins, oldest first. */
    private List<AuditEvent> since(String actor, int n) {
        return audit.latest(500).stream().filter(e -> actor.equals(e.actor()) && !e.action().startsWith("LOGIN"))
                .limit(n).toList().reversed();
    }

    private AuditEvent last(String actor) {
        return audit.latest(500).stream().filter(e -> actor.equals(e.actor()) && !e.action().startsWith("LOGIN"))
                .findFirst().orElseThrow();
    }
}
