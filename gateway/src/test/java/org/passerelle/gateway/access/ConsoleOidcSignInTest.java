package org.passerelle.gateway.access;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.github.tomakehurst.wiremock.WireMockServer;
import jakarta.servlet.Filter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
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
import org.springframework.web.util.UriComponentsBuilder;

/**
 * People sign in to the console with OpenID Connect: the authorization code flow with PKCE and a nonce against a
 * stand-in provider (WireMock serves its token endpoint and key set; the test signs the ID tokens), through the real
 * security filter chain. The ID token's claims give the role and partner; a token for another request (wrong nonce),
 * or without the attributes the role needs, signs nobody in; every outcome is audited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class ConsoleOidcSignInTest {

    static final TestTokens idp = new TestTokens("console-idp-key");
    static final WireMockServer provider = new WireMockServer(options().dynamicPort());

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        provider.start();
        provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/jwks"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(idp.jwkSet())));
        r.add("passerelle.access.oidc.issuer", () -> TestTokens.ISSUER);
        r.add("passerelle.access.oidc.audience", () -> "passerelle-gb-api");
        r.add("passerelle.access.oidc.jwk-set-uri", () -> provider.baseUrl() + "/jwks");
        r.add("passerelle.console.oidc.client-id", () -> TestTokens.AUDIENCE);
        r.add("passerelle.console.oidc.client-secret", () -> "console-secret-for-tests");
        r.add("passerelle.console.oidc.authorization-uri", () -> "https://idp.test/realms/passerelle/authorize");
        r.add("passerelle.console.oidc.token-uri", () -> provider.baseUrl() + "/token");
    }

    @AfterAll
    static void stop() {
        provider.stop();
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
    void aLiaisonOfficerSignsInThroughTheProviderWithTheirPartnerState() throws Exception {
        // given the sign-in page offers the provider
        assertThat(mvc.perform(get("/console/sign-in")).andReturn().getResponse().getContentAsString())
                .contains("Sign in with your organisation", "/console/oidc/authorize/oidc");
        MockHttpSession session = new MockHttpSession();

        // when the browser is sent to the provider, which answers with an ID token for this very request
        Map<String, String> request = authorize(session);
        assertThat(request).containsKeys("state", "nonce", "code_challenge").containsEntry("code_challenge_method", "S256");
        tokenEndpointAnswers(idp.sign(TestTokens.claims("olivia", Instant.now(), Map.of(
                "nonce", request.get("nonce"), "roles", List.of("LIAISON_OFFICER"), "partner", "FR"))));
        MockHttpServletResponse back = callback(session, request.get("state"));

        // then the node exchanged the code (with the PKCE verifier) and signed the officer in, with their partner
        assertThat(back.getRedirectedUrl()).isEqualTo("/console");
        provider.verify(postRequestedFor(urlPathEqualTo("/token")).withRequestBody(containing("code_verifier=")));
        String home = mvc.perform(get("/console").session(session)).andReturn().getResponse().getContentAsString();
        assertThat(home).contains("Signed in as", "olivia", "liaison officer", "FR");
        assertThat(audit.latest(5)).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo("olivia");
            assertThat(e.action()).isEqualTo("LOGIN");
            assertThat(e.outcome()).isEqualTo("GRANTED");
        });
    }

    @Test
    void anIdTokenIssuedForAnotherRequestSignsNobodyIn() throws Exception {
        MockHttpSession session = new MockHttpSession();
        Map<String, String> request = authorize(session);
        tokenEndpointAnswers(idp.sign(TestTokens.claims("mallory", Instant.now(), Map.of(
                "nonce", "a-nonce-from-another-request", "roles", List.of("AUDITOR")))));

        MockHttpServletResponse back = callback(session, request.get("state"));

        assertThat(back.getRedirectedUrl()).isEqualTo("/console/sign-in?error");
        assertThat(mvc.perform(get("/console").session(session)).andReturn().getResponse().getRedirectedUrl())
                .endsWith("/console/sign-in");
        assertThat(audit.latest(1)).singleElement().extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("LOGIN_FAILED", "TOKEN_INVALID");
    }

    @Test
    void aLiaisonOfficerWithoutAPartnerStateIsRefused() throws Exception {
        MockHttpSession session = new MockHttpSession();
        Map<String, String> request = authorize(session);
        tokenEndpointAnswers(idp.sign(TestTokens.claims("oscar", Instant.now(), Map.of(
                "nonce", request.get("nonce"), "roles", List.of("LIAISON_OFFICER")))));

        MockHttpServletResponse back = callback(session, request.get("state"));

        assertThat(back.getRedirectedUrl()).isEqualTo("/console/sign-in?error");
        assertThat(audit.latest(5)).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo("oscar");
            assertThat(e.code()).isEqualTo("ATTRIBUTES_MISSING");
        });
    }

    private Map<String, String> authorize(MockHttpSession session) throws Exception {
        MockHttpServletResponse redirect = mvc.perform(get("/console/oidc/authorize/oidc").session(session))
                .andReturn().getResponse();
        assertThat(redirect.getStatus()).isEqualTo(302);
        URI location = URI.create(redirect.getRedirectedUrl());
        assertThat(location.getHost()).isEqualTo("idp.test");
        return UriComponentsBuilder.fromUri(location).build().getQueryParams().toSingleValueMap().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        e -> java.net.URLDecoder.decode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8)));
    }

    private void tokenEndpointAnswers(String idToken) {
        provider.stubFor(post(urlPathEqualTo("/token")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"opaque-access-token\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                        + "\"scope\":\"openid profile\",\"id_token\":\"" + idToken + "\"}")));
    }

    private MockHttpServletResponse callback(MockHttpSession session, String state) throws Exception {
        return mvc.perform(get("/console/oidc/callback/oidc").session(session).param("code", "one-time-code")
                .param("state", state)).andReturn().getResponse();
    }
}
