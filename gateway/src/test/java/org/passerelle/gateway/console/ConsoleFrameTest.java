package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import jakarta.servlet.Filter;
import jakarta.servlet.http.Cookie;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.access.PasswordHash;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * The console's frame through the real security filter chain: signing in on the form (with its CSRF token) and out,
 * the headers every page carries, the GOV.UK Frontend assets, and refusals shown as the no-access page and audited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class ConsoleFrameTest {

    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        String hash = PasswordHash.encoder().encode(PASSWORD);
        r.add("passerelle.access.users[0].username", () -> "ada");
        r.add("passerelle.access.users[0].password-hash", () -> hash);
        r.add("passerelle.access.users[0].roles[0]", () -> "AUDITOR");
    }

    @Autowired
    WebApplicationContext context;
    @Autowired
    AuditTrail audit;

    MockMvc mvc;

    @BeforeEach
    void mvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context)
                .addFilters(context.getBean("springSecurityFilterChain", Filter.class)).build();
    }

    @Test
    void anonymousVisitorIsSentToSignIn() throws Exception {
        MockHttpServletResponse home = mvc.perform(get("/console")).andReturn().getResponse();

        assertThat(home.getStatus()).isEqualTo(302);
        assertThat(home.getRedirectedUrl()).endsWith("/console/sign-in");
        MockHttpServletResponse form = mvc.perform(get("/console/sign-in")).andReturn().getResponse();
        assertThat(form.getStatus()).as(form.getRedirectedUrl() + " " + form.getErrorMessage()).isEqualTo(200);
        assertThat(form.getContentAsString()).contains("name=\"_csrf\"", "id=\"username\"", "id=\"password\"");
    }

    @Test
    void signInWithoutTheFormsCsrfTokenIsRefusedAndAudited() throws Exception {
        MockHttpSession session = new MockHttpSession();
        mvc.perform(get("/console/sign-in").session(session));
        MockHttpServletResponse forged = mvc.perform(post("/console/sign-in").session(session).param("username", "ada")
                .param("password", PASSWORD).param("_csrf", "forged-by-another-site")).andReturn().getResponse();

        assertThat(forged.getStatus()).isEqualTo(403);
        assertThat(forged.getForwardedUrl()).isEqualTo("/console/no-access");
        assertThat(audit.latest(1)).singleElement().extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("ACCESS_DENIED", "CSRF_TOKEN_INVALID");
    }

    @Test
    void aPersonSignsInSeesTheirSectionsAndSignsOut() throws Exception {
        MockHttpSession session = new MockHttpSession();
        MockHttpServletResponse signedIn = mvc.perform(post("/console/sign-in").session(session).with(csrf())
                .param("username", "ada").param("password", PASSWORD)).andReturn().getResponse();
        assertThat(signedIn.getRedirectedUrl()).endsWith("/console");

        MockHttpServletResponse home = mvc.perform(get("/console").session(session)).andReturn().getResponse();
        assertThat(home.getStatus()).isEqualTo(200);
        assertThat(home.getContentAsString()).contains("Signed in as", "ada", "auditor", "/console/audit")
                .doesNotContain("/console/operations", "/console/searches");
        assertThat(home.getHeader("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(home.getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(home.getContentAsString()).doesNotContain("<script>").contains("<script type=\"module\" src=\"/assets/console.js\">");

        MockHttpServletResponse out = mvc.perform(post("/console/sign-out").session(session).with(csrf()))
                .andReturn().getResponse();
        assertThat(out.getRedirectedUrl()).endsWith("/console/signed-out");
        assertThat(audit.latest(5)).extracting(AuditEvent::action).contains("LOGOUT", "LOGIN");
    }

    @Test
    void wrongPasswordShowsTheFormAgainWithAnError() throws Exception {
        MockHttpServletResponse wrong = mvc.perform(post("/console/sign-in").with(csrf()).param("username", "ada")
                .param("password", "nope")).andReturn().getResponse();

        assertThat(wrong.getRedirectedUrl()).endsWith("/console/sign-in?error");
        assertThat(mvc.perform(get("/console/sign-in?error")).andReturn().getResponse().getContentAsString())
                .contains("There is a problem");
        assertThat(audit.latest(1)).singleElement().extracting(AuditEvent::action).isEqualTo("LOGIN_FAILED");
    }

    @Test
    void servesGovukFrontendAndTheConsolesOwnScript() throws Exception {
        assertThat(mvc.perform(get("/assets/govuk-frontend.min.css")).andReturn().getResponse().getStatus()).isEqualTo(200);
        assertThat(mvc.perform(get("/assets/govuk-frontend.min.js")).andReturn().getResponse().getStatus()).isEqualTo(200);
        assertThat(mvc.perform(get("/assets/fonts/bold-b542beb274-v2.woff2")).andReturn().getResponse().getStatus()).isEqualTo(200);
        assertThat(mvc.perform(get("/assets/console.js")).andReturn().getResponse().getContentAsString()).contains("initAll");
    }

    @Test
    void anExpiredSessionLandsOnTheTimedOutPage() throws Exception {
        MockHttpServletResponse expired = mvc.perform(get("/console").cookie(new Cookie("PASSERELLE_SESSION", "gone"))
                .with(request -> {
                    request.setRequestedSessionId("gone");
                    request.setRequestedSessionIdValid(false);
                    return request;
                })).andReturn().getResponse();

        assertThat(expired.getStatus()).isEqualTo(302);
        assertThat(expired.getRedirectedUrl()).endsWith("/console/timed-out");
        assertThat(mvc.perform(get("/console/timed-out")).andReturn().getResponse().getContentAsString())
                .contains("You were signed out");
    }
}
