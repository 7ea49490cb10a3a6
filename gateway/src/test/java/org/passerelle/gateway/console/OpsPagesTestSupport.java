package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import jakarta.servlet.Filter;
import java.nio.file.Path;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.access.PasswordHash;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/**
 * For the operations, audit and equivalence page tests: a GB node whose embedded store holds one person of each role
 * (admin, auditor, officer of FR, caseworker of team T1), signing in on the console's form through the real chain.
 */
final class OpsPagesTestSupport {

    static final String PASSWORD = "correct horse battery staple";

    private OpsPagesTestSupport() {
    }

    static void node(DynamicPropertyRegistry r, Path data) {
        NodeTestSupport.gbNode(r, data);
        String hash = PasswordHash.encoder().encode(PASSWORD);
        String[][] people = {{"admin", "ADMIN", null, null}, {"auditor", "AUDITOR", null, null},
            {"officer", "LIAISON_OFFICER", "FR", null}, {"caseworker", "CASEWORKER", null, "T1"}};
        for (int i = 0; i < people.length; i++) {
            String[] p = people[i];
            String prefix = "passerelle.access.users[" + i + "].";
            r.add(prefix + "username", () -> p[0]);
            r.add(prefix + "password-hash", () -> hash);
            r.add(prefix + "roles[0]", () -> p[1]);
            if (p[2] != null) {
                r.add(prefix + "partner", () -> p[2]);
            }
            if (p[3] != null) {
                r.add(prefix + "team", () -> p[3]);
            }
        }
    }

    static MockMvc mvc(WebApplicationContext context) {
        return MockMvcBuilders.webAppContextSetup(context)
                .addFilters(context.getBean("springSecurityFilterChain", Filter.class)).build();
    }

    static MockHttpSession signIn(MockMvc mvc, String username) throws Exception {
        MockHttpSession session = new MockHttpSession();
        MockHttpServletResponse signedIn = mvc.perform(post("/console/sign-in").session(session).with(csrf())
                .param("username", username).param("password", PASSWORD)).andReturn().getResponse();
        assertThat(signedIn.getRedirectedUrl()).endsWith("/console");
        return session;
    }

    static MockHttpServletResponse page(MockMvc mvc, MockHttpSession session, String path) throws Exception {
        return mvc.perform(get(path).session(session)).andReturn().getResponse();
    }

    /** The page is the no-access page with FORBIDDEN, and the refusal is the newest audit entry. */
    static void refused(MockHttpServletResponse response, AuditTrail audit, String who, String resource)
            throws Exception {
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentAsString()).contains("You do not have access to this page", "FORBIDDEN");
        assertThat(audit.latest(1)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("ACCESS_DENIED");
            assertThat(e.outcome()).isEqualTo("REFUSED");
            assertThat(e.actor()).isEqualTo(who);
            assertThat(e.code()).isEqualTo("FORBIDDEN");
            assertThat(e.resource()).isEqualTo(resource);
        });
    }

    static AuditEvent newest(AuditTrail audit, String action) {
        return audit.latest(20).stream().filter(e -> e.action().equals(action)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " among the newest audit entries"));
    }
}
