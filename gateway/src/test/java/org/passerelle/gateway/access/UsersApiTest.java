package org.passerelle.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import jakarta.servlet.Filter;
import java.nio.file.Path;
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

/** Administrators manage embedded users over the API; nobody else may, every change and refusal is audited. */
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
                "{\"username\":\"kim\",\"password\":\"" + NEW_PASSWORD + "\",\"roles\":[\"AUDITOR\"]}");
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

    private MockHttpServletResponse call(MockHttpServletRequestBuilder request, String user, String password, String json)
            throws Exception {
        request.header("Authorization", PeopleSignInTest.basic(user, password));
        if (json != null) {
            request.contentType(MediaType.APPLICATION_JSON).content(json);
        }
        return mvc.perform(request).andReturn().getResponse();
    }

    private AuditEvent last(String actor) {
        return audit.latest(500).stream().filter(e -> actor.equals(e.actor()) && !e.action().startsWith("LOGIN"))
                .findFirst().orElseThrow();
    }
}
