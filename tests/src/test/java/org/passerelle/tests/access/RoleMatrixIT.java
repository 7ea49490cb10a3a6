package org.passerelle.tests.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.gateway.access.PasswordHash;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.tests.casework.CaseworkMessages;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What each role can and cannot see on a live GB node, through the HTTP API, signed in both ways people sign in: the
 * embedded user store (HTTP Basic) and OpenID Connect tokens from a stand-in provider. The data: an admission case FR
 * referred to GB (with its fingerprints), handled by GB's legal-route team. Every refusal is a 403 with its stable
 * code and an audit entry naming the person; nobody gets a byte of the fingerprints.
 */
class RoleMatrixIT {

    static final String PASSWORD = "a long passphrase for tests";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** How a person signs in. */
    enum WayIn { EMBEDDED_STORE, OPENID_CONNECT }

    /** A person: a role and the attribute it needs. */
    record Person(String name, String role, String partner, String team) {
    }

    static final Person OFFICER_FR = new Person("officer-fr", "LIAISON_OFFICER", "FR", null);
    static final Person OFFICER_DE = new Person("officer-de", "LIAISON_OFFICER", "DE", null);
    static final Person CASEWORKER_LEGAL = new Person("caseworker-legal", "CASEWORKER", null, "legal-route");
    static final Person CASEWORKER_OTHER = new Person("caseworker-other", "CASEWORKER", null, "returns-north");
    static final Person AUDITOR = new Person("auditor", "AUDITOR", null, null);
    static final Person ADMIN = new Person("admin", "ADMIN", null, null);
    static final List<Person> PEOPLE = List.of(OFFICER_FR, OFFICER_DE, CASEWORKER_LEGAL, CASEWORKER_OTHER, AUDITOR, ADMIN);

    @TempDir
    static Path dir;
    static IdentityProvider idp;
    static Exchange exchange;
    static Node gb;
    static String caseRef;
    static String referralId;
    static String transactionBase64;

    @BeforeAll
    static void startNodesAndOpenACase() {
        idp = IdentityProvider.start();
        String hash = PasswordHash.encoder().encode(PASSWORD);
        Map<String, Object> gbOnly = new LinkedHashMap<>();
        for (int i = 0; i < PEOPLE.size(); i++) {
            Person p = PEOPLE.get(i);
            String prefix = "passerelle.access.users[" + i + "].";
            gbOnly.put(prefix + "username", "u-" + p.name());
            gbOnly.put(prefix + "password-hash", hash);
            gbOnly.put(prefix + "roles[0]", p.role());
            if (p.partner() != null) {
                gbOnly.put(prefix + "partner", p.partner());
            }
            if (p.team() != null) {
                gbOnly.put(prefix + "team", p.team());
            }
        }
        gbOnly.putAll(idp.apiSettings(""));
        gbOnly.put("passerelle.casework.teams.admission.FR", "legal-route");
        Map<String, Object> extra = new LinkedHashMap<>();
        gbOnly.forEach((k, v) -> extra.put("GB:" + k, v));
        extra.put("passerelle.admission.enforce-transitions", "true");
        exchange = Exchange.start(dir, extra);
        gb = exchange.gb;

        caseRef = CaseworkMessages.caseReference("FR", "AD");
        byte[] referral = CaseworkMessages.referral("FR", "GB", caseRef);
        referralId = Envelopes.header(referral, "MessageId");
        Matcher m = Pattern.compile("<cmn:Transaction>([^<]+)</cmn:Transaction>")
                .matcher(new String(referral, StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        transactionBase64 = m.group(1).replaceAll("\\s", "");
        assertThat(exchange.fr.submit(referral).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> gb.get("/api/v1/admissions/cases/" + caseRef,
                Node.SYSTEM_TOKEN).body().contains("EXPRESSION_OF_INTEREST_RECEIVED"));
    }

    @AfterAll
    static void stop() {
        exchange.close();
        idp.close();
    }

    @ParameterizedTest
    @EnumSource(WayIn.class)
    void aLiaisonOfficerSeesTheirPartnersCaseForAStatedPurposeAndNothingWithout(WayIn way) throws Exception {
        String officer = auth(OFFICER_FR, way);

        // without a purpose and a case reference: refused, audited
        HttpResponse<String> bare = get("/api/v1/records", officer);
        assertRefused(bare, "PURPOSE_REQUIRED", OFFICER_FR, way);
        HttpResponse<String> noCase = get("/api/v1/records?purpose=ADMISSION_CASE", officer);
        assertRefused(noCase, "CASE_REFERENCE_REQUIRED", OFFICER_FR, way);

        // with them: the case and its referral, and the referral's fields but never its fingerprints
        HttpResponse<String> list = get("/api/v1/records?purpose=ADMISSION_CASE&caseReference=" + caseRef, officer);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(ids(list)).contains(caseRef, referralId);
        HttpResponse<String> view = get("/api/v1/records/" + referralId + "?purpose=ADMISSION_CASE&caseReference=" + caseRef,
                officer);
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        JsonNode payload = JSON.readTree(view.body()).get("payload");
        assertThat(payload.get("shown").asText()).isNotEqualTo("WITHHELD");
        assertThat(payload.get("fields").toString()).contains(caseRef);
        assertThat(payload.get("biometrics").get(0).get("sha256").asText()).hasSize(64);
        assertNoFingerprints(list, view);
        assertThat(lastOf(OFFICER_FR, way)).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::purpose,
                AuditEvent::caseReference).containsExactly("RECORD_VIEW", "GRANTED", "ADMISSION_CASE", caseRef);
    }

    @ParameterizedTest
    @EnumSource(WayIn.class)
    void aLiaisonOfficerOfAnotherPartnerStateSeesNoneOfIt(WayIn way) throws Exception {
        String officer = auth(OFFICER_DE, way);
        String why = "purpose=ADMISSION_CASE&caseReference=" + caseRef;

        // FR's case is not a case of theirs: stating it is refused as stating a case that does not exist
        assertRefused(get("/api/v1/records?" + why, officer), "CASE_NOT_FOUND_FOR_PURPOSE", OFFICER_DE, way);
        assertRefused(get("/api/v1/records?partner=FR&" + why, officer), "PARTNER_NOT_ALLOWED", OFFICER_DE, way);
        assertRefused(get("/api/v1/records/" + referralId + "?" + why, officer), "CASE_NOT_FOUND_FOR_PURPOSE", OFFICER_DE, way);
        HttpResponse<String> search = HTTP.send(HttpRequest.newBuilder(gb.api("/api/v1/searches?partner=FR&" + why
                        .replace("ADMISSION_CASE", "IDENTITY_VERIFICATION")))
                .header("Authorization", officer).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(SampleMessages.biometricSample("type-4-14-slaps.an2")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertRefused(search, "PARTNER_NOT_ALLOWED", OFFICER_DE, way);
    }

    @ParameterizedTest
    @EnumSource(WayIn.class)
    void aCaseworkerSeesTheCasesOfTheirTeamOnly(WayIn way) throws Exception {
        HttpResponse<String> own = get("/api/v1/records/" + caseRef, auth(CASEWORKER_LEGAL, way));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).contains(referralId).contains("\"team\":\"legal-route\"");
        assertNoFingerprints(own);
        HttpResponse<String> ownList = get("/api/v1/records?caseReference=" + caseRef, auth(CASEWORKER_LEGAL, way));
        assertThat(ids(ownList)).contains(caseRef);

        String other = auth(CASEWORKER_OTHER, way);
        assertRefused(get("/api/v1/records/" + caseRef, other), "TEAM_NOT_ALLOWED", CASEWORKER_OTHER, way);
        assertRefused(get("/api/v1/records/" + referralId, other), "TEAM_NOT_ALLOWED", CASEWORKER_OTHER, way);
        assertRefused(get("/api/v1/records?caseReference=" + caseRef, other), "TEAM_NOT_ALLOWED", CASEWORKER_OTHER, way);
        assertThat(ids(get("/api/v1/records?kind=CASE", other))).doesNotContain(caseRef);
        assertRefused(get("/api/v1/admissions/cases/" + caseRef, other), "TEAM_NOT_ALLOWED", CASEWORKER_OTHER, way);
    }

    @ParameterizedTest
    @EnumSource(WayIn.class)
    void anAuditorReadsMetadataAndTheAuditLogButNeverAPayload(WayIn way) throws Exception {
        String auditor = auth(AUDITOR, way);

        HttpResponse<String> view = get("/api/v1/records/" + referralId, auditor);
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        assertThat(JSON.readTree(view.body()).get("payload").get("shown").asText()).isEqualTo("WITHHELD");
        assertThat(JSON.readTree(view.body()).get("record").get("messageType").asText()).isEqualTo("AdmissionReferral");
        assertNoFingerprints(view);
        HttpResponse<String> verify = get("/api/v1/audit/verify", auditor);
        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
        assertThat(JSON.readTree(verify.body()).get("ok").asBoolean()).isTrue();
        assertThat(get("/api/v1/audit/entries?caseReference=" + caseRef, auditor).statusCode()).isEqualTo(200);

        assertForbidden(post("/api/v1/messages/" + referralId + "/replay", auditor), AUDITOR, way);
        assertForbidden(post("/api/v1/partners/FR/suspend?reason=test", auditor), AUDITOR, way);
        assertForbidden(get("/api/v1/users", auditor), AUDITOR, way);
    }

    @ParameterizedTest
    @EnumSource(WayIn.class)
    void anAdministratorOperatesTheNodeButReadsNoPayloadAndNoAuditLog(WayIn way) throws Exception {
        String admin = auth(ADMIN, way);

        HttpResponse<String> view = get("/api/v1/records/" + referralId, admin);
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        assertThat(JSON.readTree(view.body()).get("payload").get("shown").asText()).isEqualTo("WITHHELD");
        assertNoFingerprints(view);
        assertThat(get("/api/v1/partners/FR/parked", admin).statusCode()).isEqualTo(200);
        assertThat(lastOf(ADMIN, way)).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::resource)
                .containsExactly("API_VIEW", "GRANTED", "GET /api/v1/partners/FR/parked");
        HttpResponse<String> notParked = post("/api/v1/messages/" + referralId + "/replay", admin);
        assertThat(notParked.statusCode()).isEqualTo(409);
        assertThat(notParked.body()).contains("NOT_PARKED");

        assertForbidden(get("/api/v1/audit/verify", admin), ADMIN, way);
        assertForbidden(get("/api/v1/audit/export?fromSeq=1", admin), ADMIN, way);
        assertForbidden(get("/api/v1/audit/entries", admin), ADMIN, way);
        assertForbidden(HTTP.send(HttpRequest.newBuilder(gb.api("/api/v1/messages")).header("Authorization", admin)
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofByteArray(
                        Envelopes.sample("CaseStatusUpdate", "GB", "FR"))).build(), HttpResponse.BodyHandlers.ofString()),
                ADMIN, way);
    }

    @ParameterizedTest
    @EnumSource(WayIn.class)
    void peopleCannotSubmitMessagesOrActAsTheBackEnd(WayIn way) throws Exception {
        for (Person p : List.of(OFFICER_FR, CASEWORKER_LEGAL, AUDITOR)) {
            HttpResponse<String> submit = HTTP.send(HttpRequest.newBuilder(gb.api("/api/v1/messages"))
                    .header("Authorization", auth(p, way)).header("Content-Type", "application/xml")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Envelopes.sample("CaseStatusUpdate", "GB", "FR")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertForbidden(submit, p, way);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    static String name(Person p, WayIn way) {
        return (way == WayIn.EMBEDDED_STORE ? "u-" : "o-") + p.name();
    }

    static String auth(Person p, WayIn way) {
        if (way == WayIn.EMBEDDED_STORE) {
            return Node.basic(name(p, way), PASSWORD);
        }
        var claims = IdentityProvider.claims(name(p, way), Instant.now()).claim("roles", List.of(p.role()));
        if (p.partner() != null) {
            claims.claim("partner", p.partner());
        }
        if (p.team() != null) {
            claims.claim("team", p.team());
        }
        return "Bearer " + idp.sign(claims);
    }

    static HttpResponse<String> get(String path, String authorization) {
        return gb.getAuthorized(path, authorization);
    }

    static HttpResponse<String> post(String path, String authorization) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(gb.api(path)).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> ids(HttpResponse<String> page) throws Exception {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(page.body()).get("items").forEach(i -> ids.add(i.get("id").asText()));
        return ids;
    }

    static void assertRefused(HttpResponse<String> response, String code, Person p, WayIn way) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo(code);
        assertThat(lastOf(p, way)).extracting(AuditEvent::outcome, AuditEvent::code, AuditEvent::role)
                .containsExactly("REFUSED", code, p.role());
    }

    static void assertForbidden(HttpResponse<String> response, Person p, WayIn way) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(lastOf(p, way)).extracting(AuditEvent::action, AuditEvent::outcome, AuditEvent::role)
                .containsExactly("ACCESS_DENIED", "REFUSED", p.role());
    }

    @SafeVarargs
    static void assertNoFingerprints(HttpResponse<String>... responses) {
        for (HttpResponse<String> r : responses) {
            assertThat(r.body()).doesNotContain(transactionBase64.substring(0, 64))
                    .doesNotContain(transactionBase64.substring(transactionBase64.length() / 2,
                            transactionBase64.length() / 2 + 64));
        }
    }

    static AuditEvent lastOf(Person p, WayIn way) {
        String actor = name(p, way);
        return gb.bean(AuditTrail.class).latest(2000).stream().filter(e -> actor.equals(e.actor()))
                .filter(e -> !e.action().equals("LOGIN")).findFirst().orElseThrow();
    }
}
