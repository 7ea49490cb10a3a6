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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
 * only to an auditor, every query audited; a liaison officer for another partner state is refused France.
 */
class RecordsIT {

    static final String AUDITOR_TOKEN = "auditor-token-for-tests";
    static final String OFFICER_TOKEN = "officer-token-for-tests";
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
        exchange = Exchange.start(dir, Map.of(
                "FR:passerelle.backend.default-endpoints[0]", "http://localhost:" + napPort + SimulatedAccessPoint.INBOUND_PATH,
                "GB:passerelle.api.tokens[2].name", "auditor-1",
                "GB:passerelle.api.tokens[2].sha256", Exchange.sha256(AUDITOR_TOKEN),
                "GB:passerelle.api.tokens[2].roles[0]", "AUDITOR",
                "GB:passerelle.api.tokens[3].name", "officer-for-belgium",
                "GB:passerelle.api.tokens[3].sha256", Exchange.sha256(OFFICER_TOKEN),
                "GB:passerelle.api.tokens[3].roles[0]", "LIAISON_OFFICER",
                "GB:passerelle.api.tokens[3].partner", "BE"));
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
