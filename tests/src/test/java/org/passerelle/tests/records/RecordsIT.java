package org.passerelle.tests.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.contracts.biometric.v1.EurodacCategory;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.tests.nap.EnrolmentFacts;
import org.passerelle.tests.nap.FingerprintMatcher;
import org.passerelle.tests.nap.SimulatedAccessPoint;
import org.passerelle.tests.nap.SimulatedAccessPoint.Settings;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The records API on a live pair of nodes: GB's back-end searches FR's access point, and on GB the search and FR's
 * answer are records of the case — whole, field by field, to the back-end system (never the fingerprints), as metadata
 * only to an auditor, every query audited; a liaison officer for another partner state is refused France, and one for
 * France sees only the records of a real case they state for a fitting purpose, and only so many views at a time.
 */
class RecordsIT {

    static final String AUDITOR_TOKEN = "auditor-token-for-tests";
    static final String OFFICER_TOKEN = "officer-token-for-tests";
    static final String OFFICER_FR_TOKEN = "officer-fr-token-for-tests";
    static final String BROWSING_OFFICER_TOKEN = "browsing-officer-token-for-tests";
    /** Single-record views each person may make on GB while the tests run (the period outlasts them). */
    static final int VIEW_LIMIT = 3;
    /** Two open readmission cases with FR on GB, and one closed. */
    static final String CASE_A = "GB-RA-2026-000501";
    static final String CASE_B = "GB-RA-2026-000502";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static Exchange exchange;
    static SimulatedAccessPoint nap;

    @BeforeAll
    static void start() throws Exception {
        FingerprintMatcher matcher = new FingerprintMatcher();
        matcher.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"), new EnrolmentFacts(
                "IT", EurodacCategory.CATEGORY_2, LocalDate.of(2025, 9, 14), "Lampedusa", "IT20250914003317"));
        int napPort = Exchange.freePort();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("FR:passerelle.backend.default-endpoints[0]", "http://localhost:" + napPort + SimulatedAccessPoint.INBOUND_PATH);
        settings.put("GB:passerelle.api.tokens[2].name", "auditor-1");
        settings.put("GB:passerelle.api.tokens[2].sha256", Exchange.sha256(AUDITOR_TOKEN));
        settings.put("GB:passerelle.api.tokens[2].roles[0]", "AUDITOR");
        settings.put("GB:passerelle.api.tokens[3].name", "officer-for-belgium");
        settings.put("GB:passerelle.api.tokens[3].sha256", Exchange.sha256(OFFICER_TOKEN));
        settings.put("GB:passerelle.api.tokens[3].roles[0]", "LIAISON_OFFICER");
        settings.put("GB:passerelle.api.tokens[3].partner", "BE");
        settings.put("GB:passerelle.api.tokens[4].name", "officer-for-france");
        settings.put("GB:passerelle.api.tokens[4].sha256", Exchange.sha256(OFFICER_FR_TOKEN));
        settings.put("GB:passerelle.api.tokens[4].roles[0]", "LIAISON_OFFICER");
        settings.put("GB:passerelle.api.tokens[4].partner", "FR");
        settings.put("GB:passerelle.api.tokens[5].name", "browsing-officer");
        settings.put("GB:passerelle.api.tokens[5].sha256", Exchange.sha256(BROWSING_OFFICER_TOKEN));
        settings.put("GB:passerelle.api.tokens[5].roles[0]", "LIAISON_OFFICER");
        settings.put("GB:passerelle.api.tokens[5].partner", "FR");
        settings.put("GB:passerelle.access.view-limit", String.valueOf(VIEW_LIMIT));
        settings.put("GB:passerelle.access.view-limit-period", "1h");
        exchange = Exchange.start(dir, settings);
        nap = SimulatedAccessPoint.start(napPort, matcher,
                Settings.of("FR", URI.create("http://localhost:" + exchange.fr.apiPort()), Node.SYSTEM_TOKEN));
    }

    @AfterAll
    static void stop() {
        if (nap != null) {
            nap.close();
        }
        if (exchange != null) {
            exchange.close();
        }
    }

    @Test
    void aSearchAndItsAnswerAreRecordsOfTheCaseShownToEachRoleAsItMaySeeThem() throws Exception {
        // given GB's back-end searched FR, and FR's answer came back to GB
        byte[] request = Envelopes.sample("BiometricSearchRequest", "GB", "FR");
        String requestId = Envelopes.header(request, "MessageId");
        String caseReference = "GB-BS-2026-000042";
        assertThat(exchange.gb.submit(request).statusCode()).isEqualTo(202);
        JsonNode answers = await().atMost(Duration.ofSeconds(120)).until(() -> json(exchange.gb.get(
                        "/api/v1/records?caseReference=" + caseReference + "&messageType=BiometricSearchResponse",
                        Node.SYSTEM_TOKEN), 200),
                page -> page.get("total").asLong() == 1);
        String responseId = answers.get("items").get(0).get("id").asText();

        // when the back-end system views the answer, then it sees its fields, the hit included
        HttpResponse<String> systemView = exchange.gb.get("/api/v1/records/" + responseId, Node.SYSTEM_TOKEN);
        JsonNode payload = json(systemView, 200).get("payload");
        assertThat(value(payload, "/Envelope/Body/BiometricSearchResponse/Outcome")).isEqualTo("HIT");
        assertThat(value(payload, "/Envelope/Body/BiometricSearchResponse/Hit[1]/ReferenceNumber"))
                .isEqualTo("IT20250914003317");
        assertThat(answers.get("items").get(0).get("direction").asText()).isEqualTo("INBOUND");
        assertThat(answers.get("items").get(0).get("history").toString()).contains("RECEIVED", "VALIDATED");

        // and the search itself only by the transaction's digest, never its bytes
        HttpResponse<String> requestView = exchange.gb.get("/api/v1/records/" + requestId, Node.SYSTEM_TOKEN);
        assertThat(json(requestView, 200).get("payload").get("biometrics").get(0).get("size").asInt())
                .isEqualTo(SampleMessages.biometricSample("type-4-14-slaps.an2").length);

        // when an auditor lists the case and views the answer, then metadata only
        HttpResponse<String> auditorList = exchange.gb.get("/api/v1/records?caseReference=" + caseReference
                + "&purpose=COMPLIANCE_REVIEW", AUDITOR_TOKEN);
        assertThat(ids(json(auditorList, 200))).contains(requestId, responseId);
        HttpResponse<String> auditorView = exchange.gb.get("/api/v1/records/" + responseId, AUDITOR_TOKEN);
        JsonNode withheld = json(auditorView, 200).get("payload");
        assertThat(withheld.get("shown").asText()).isEqualTo("WITHHELD");
        assertThat(auditorView.body()).doesNotContain("IT20250914003317");

        // and nobody got a byte of the fingerprints
        for (HttpResponse<String> response : List.of(systemView, requestView, auditorList, auditorView)) {
            assertNoTransaction(response.body());
        }

        // and every query and view is in GB's audit log, with the role and purpose
        JdbcClient jdbc = exchange.gb.bean(JdbcClient.class);
        exchange.gb.bean(AuditTrail.class).latest(1); // seals what is staged
        Map<String, Object> audited = jdbc.sql("""
                select * from audit_event where actor = 'auditor-1' and action = 'RECORDS_QUERY' order by id desc
                fetch first 1 rows only""").query().singleRow();
        assertThat(audited).containsEntry("outcome", "GRANTED").containsEntry("actor_role", "AUDITOR")
                .containsEntry("purpose", "COMPLIANCE_REVIEW").containsEntry("case_reference", caseReference);
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'RECORD_VIEW' and outcome = 'GRANTED'")
                .query(Long.class).single()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aLiaisonOfficerForAnotherPartnerStateCannotSearchOrQueryFrance() throws Exception {
        byte[] transaction = SampleMessages.biometricSample("type-4-14-slaps.an2");

        HttpResponse<String> search = HTTP.send(HttpRequest.newBuilder(exchange.gb.api(
                        "/api/v1/searches?partner=FR&purpose=IDENTITY_VERIFICATION&caseReference=GB-BS-2026-000043"))
                .header("Authorization", "Bearer " + OFFICER_TOKEN).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(transaction)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> query = exchange.gb.get(
                "/api/v1/records?purpose=IDENTITY_VERIFICATION&caseReference=GB-BS-2026-000043&partner=FR", OFFICER_TOKEN);

        assertThat(json(search, 403).get("code").asText()).isEqualTo("PARTNER_NOT_ALLOWED");
        assertThat(json(query, 403).get("code").asText()).isEqualTo("PARTNER_NOT_ALLOWED");
        exchange.gb.bean(AuditTrail.class).latest(1); // seals what is staged
        Map<String, Object> audited = exchange.gb.bean(JdbcClient.class).sql("""
                select * from audit_event where actor = 'officer-for-belgium' and action = 'BIOMETRIC_SEARCH'
                order by id desc fetch first 1 rows only""").query().singleRow();
        assertThat(audited).containsEntry("outcome", "REFUSED").containsEntry("code", "PARTNER_NOT_ALLOWED")
                .containsEntry("actor_role", "LIAISON_OFFICER");
    }

    @Test
    void aLiaisonOfficerSeesOnlyTheRecordsOfARealCaseTheyStateForAFittingPurpose() throws Exception {
        // given two open readmission cases with FR on GB, and an officer for FR who searched FR for case A
        openReadmissionCase(CASE_A);
        openReadmissionCase(CASE_B);
        HttpResponse<String> searched = search("IDENTITY_VERIFICATION", CASE_A, OFFICER_FR_TOKEN);
        String searchId = json(searched, 202).get("messageId").asText();

        // when they view the search stating case A, then they see it
        HttpResponse<String> right = exchange.gb.get("/api/v1/records/" + searchId
                + "?purpose=IDENTITY_VERIFICATION&caseReference=" + CASE_A, OFFICER_FR_TOKEN);
        assertThat(json(right, 200).get("record").get("caseReference").asText()).isEqualTo(CASE_A);

        // when they state an invented case, then nothing is shown and the refusal is audited under it
        HttpResponse<String> invented = exchange.gb.get("/api/v1/records/" + searchId
                + "?purpose=IDENTITY_VERIFICATION&caseReference=GB-RA-2026-999999", OFFICER_FR_TOKEN);
        assertRefused(invented, 403, "CASE_NOT_FOUND_FOR_PURPOSE", "RECORD_VIEW", "GB-RA-2026-999999");
        assertThat(invented.body()).doesNotContain("payload");

        // when they ask for case A's search while stating case B, then it is refused
        HttpResponse<String> otherCase = exchange.gb.get("/api/v1/records/" + searchId
                + "?purpose=IDENTITY_VERIFICATION&caseReference=" + CASE_B, OFFICER_FR_TOKEN);
        assertRefused(otherCase, 403, "RECORD_NOT_IN_CASE", "RECORD_VIEW", CASE_B);
        assertThat(otherCase.body()).doesNotContain("payload");

        // when they state an admission purpose for the readmission case, then it is refused
        HttpResponse<String> mismatch = exchange.gb.get("/api/v1/records/" + CASE_A
                + "?purpose=ADMISSION_CASE&caseReference=" + CASE_A, OFFICER_FR_TOKEN);
        assertRefused(mismatch, 403, "PURPOSE_CASE_MISMATCH", "RECORD_VIEW", CASE_A);

        // when they search for a case that does not exist, then nothing is sent
        HttpResponse<String> unknown = search("IDENTITY_VERIFICATION", "GB-RA-2026-999998", OFFICER_FR_TOKEN);
        assertRefused(unknown, 403, "CASE_NOT_FOUND_FOR_PURPOSE", "BIOMETRIC_SEARCH", "GB-RA-2026-999998");
    }

    @Test
    void aPersonsSingleRecordViewsAreLimitedAndTheNextOneIsRefusedAndAudited() throws Exception {
        // given an officer for FR who has viewed their case as often as the limit allows
        openReadmissionCase("GB-RA-2026-000503");
        String own = "/api/v1/records/GB-RA-2026-000503?purpose=READMISSION_CASE&caseReference=GB-RA-2026-000503";
        for (int i = 0; i < VIEW_LIMIT; i++) {
            json(exchange.gb.get(own, BROWSING_OFFICER_TOKEN), 200);
        }

        // when they view it once more
        HttpResponse<String> over = exchange.gb.get(own, BROWSING_OFFICER_TOKEN);

        // then it is refused with 429 and audited
        assertThat(json(over, 429).get("code").asText()).isEqualTo("VIEW_RATE_LIMITED");
        assertThat(lastAudit("browsing-officer")).containsEntry("outcome", "REFUSED")
                .containsEntry("code", "VIEW_RATE_LIMITED").containsEntry("action", "RECORD_VIEW");
    }

    /** Opens a readmission case with FR on GB directly: only its existence, partner and state matter here. */
    static void openReadmissionCase(String caseReference) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        exchange.gb.bean(JdbcClient.class).sql("""
                insert into readmission_case (case_reference, partner, role, state, conversation_id, request_message_id,
                  arrived_at, requested_at, process_due, created_at, updated_at, team)
                values (:ref, 'FR', 'REQUESTING', 'ACKNOWLEDGED', :conversation, :request, :now, :now, :due, :now, :now,
                  'general')""").param("ref", caseReference).param("conversation", UUID.randomUUID().toString())
                .param("request", UUID.randomUUID().toString()).param("now", now).param("due", now.plusDays(90))
                .update();
    }

    static HttpResponse<String> search(String purpose, String caseReference, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(exchange.gb.api("/api/v1/searches?partner=FR&purpose=" + purpose
                        + "&caseReference=" + caseReference))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(SampleMessages.biometricSample("type-4-14-slaps.an2")))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertRefused(HttpResponse<String> response, int status, String code, String action,
                              String caseReference) {
        assertThat(json(response, status).get("code").asText()).isEqualTo(code);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(lastAudit("officer-for-france")).containsEntry("outcome", "REFUSED").containsEntry("code", code)
                .containsEntry("action", action).containsEntry("case_reference", caseReference);
    }

    static Map<String, Object> lastAudit(String actor) {
        exchange.gb.bean(AuditTrail.class).latest(1); // seals what is staged
        return exchange.gb.bean(JdbcClient.class).sql("""
                select * from audit_event where actor = :actor order by id desc fetch first 1 rows only""")
                .param("actor", actor).query().singleRow();
    }

    static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    static String value(JsonNode payload, String path) {
        for (JsonNode field : payload.get("fields")) {
            if (field.get("path").asText().equals(path)) {
                return field.get("value").asText();
            }
        }
        throw new AssertionError("No field " + path);
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    static void assertNoTransaction(String body) {
        byte[] transaction = SampleMessages.biometricSample("type-4-14-slaps.an2");
        String base64 = Base64.getEncoder().encodeToString(transaction);
        for (int at = 0; at + 64 <= base64.length(); at += base64.length() / 16) {
            assertThat(body).doesNotContain(base64.substring(at, at + 64));
        }
    }
}
