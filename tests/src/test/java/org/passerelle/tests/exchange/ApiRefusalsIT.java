package org.passerelle.tests.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.WireForgeries;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Refusals at GB's back-end API: each answers a problem with its stable code, is audited, and stores nothing.
 */
class ApiRefusalsIT {

    @TempDir
    static Path dir;
    static Exchange exchange;
    static Node gb;

    @BeforeAll
    static void startNodes() {
        // GB may send FR everything but EquivalenceStatement, to prove the per-partner type list.
        exchange = Exchange.start(dir, Map.of("GB:passerelle.partners.FR.send",
                "BiometricSearchRequest,BiometricSearchResponse,ReadmissionRequest,ReadmissionDecision,TransferStatus,"
                        + "AdmissionReferral,EligibilityResult,AdmissionDecision,ArrivalConfirmation,CaseStatusUpdate,Fault",
                // Sample arrivals of no admission case: followed, not refused, by the admission workflow.
                "passerelle.admission.enforce-transitions", "false"));
        gb = exchange.gb;
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void refusesACallWithoutCredentials() {
        HttpResponse<String> response = gb.submit(Envelopes.sample("CaseStatusUpdate", "GB", "FR"), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"UNAUTHENTICATED\"");
        assertThat(latest("AUTHENTICATION").code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void refusesAnUnknownToken() {
        HttpResponse<String> response = gb.submit(Envelopes.sample("CaseStatusUpdate", "GB", "FR"), "not-a-token");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("UNAUTHENTICATED");
    }

    @Test
    void refusesASubmissionByAnAdministrator() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");

        HttpResponse<String> response = gb.submit(xml, Node.ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("\"code\":\"FORBIDDEN\"");
        AuditEvent denied = latest("ACCESS_DENIED");
        assertThat(denied.actor()).isEqualTo("administrator");
        assertNotStored(xml);
    }

    @Test
    void refusesMalformedXml() {
        assertRefused("<env:Envelope xmlns:env=\"urn:passerelle:envelope:1\">".getBytes(StandardCharsets.UTF_8),
                400, "XML_MALFORMED");
    }

    @Test
    void refusesASchemaInvalidEnvelopeNamingThePath() {
        byte[] xml = Envelopes.withHeader(Envelopes.sample("CaseStatusUpdate", "GB", "FR"), "To", "gb");

        HttpResponse<String> response = assertRefused(xml, 400, "XML_SCHEMA_INVALID");

        assertThat(response.body()).contains("/Envelope/Header/To");
    }

    @Test
    void refusesABiometricTransactionThatContradictsTheBody() {
        String template = new String(SampleMessages.load(
                "/samples/invalid/BiometricSearchRequest--declared-position-not-in-transaction.xml"), StandardCharsets.UTF_8);
        byte[] xml = readdress(template.getBytes(StandardCharsets.UTF_8));

        assertRefused(xml, 400, "BIO_TRANSACTION_MISMATCH");
    }

    @Test
    void refusesAMessageToAPartyThatIsNotAPartner() {
        assertRefused(Envelopes.sample("CaseStatusUpdate", "GB", "BE"), 403, "UNKNOWN_PARTNER");
    }

    @Test
    void refusesAMessageThatNamesNoResponsibleOperator() {
        byte[] xml = new String(Envelopes.sample("CaseStatusUpdate", "GB", "FR"), StandardCharsets.UTF_8)
                .replaceAll("\\s*<cmn:Operator>[^<]*</cmn:Operator>", "").getBytes(StandardCharsets.UTF_8);

        assertRefused(xml, 422, "OPERATOR_REQUIRED");
    }

    @Test
    void refusesAMessageTypeThisNodeMayNotSendToThePartner() {
        assertRefused(Envelopes.sample("EquivalenceStatement", "GB", "FR"), 403, "MESSAGE_TYPE_NOT_ALLOWED");
    }

    @Test
    void refusesAnEnvelopeFromAnotherParty() {
        assertRefused(Envelopes.sample("CaseStatusUpdate", "FR", "GB"), 400, "WRONG_NODE");
    }

    @Test
    void refusesAnAlreadyExpiredEnvelope() {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        byte[] xml = Envelopes.withHeader(Envelopes.withHeader(Envelopes.sample("CaseStatusUpdate", "GB", "FR"),
                "CreatedAt", past.minusSeconds(60).toString()), "ExpiresAt", past.toString());

        assertRefused(xml, 400, "MESSAGE_EXPIRED");
    }

    @Test
    void refusesAnEnvelopeCreatedFurtherAheadThanTheClockSkew() {
        Instant ahead = Instant.now().plus(Duration.ofMinutes(10));
        byte[] xml = Envelopes.withHeader(Envelopes.sample("CaseStatusUpdate", "GB", "FR"), "CreatedAt", ahead.toString());

        assertRefused(xml, 400, "CREATED_IN_FUTURE");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outsideTheXmlProfile")
    void refusesAnEnvelopeOutsideTheXmlProfile(String forgery, UnaryOperator<byte[]> forge) {
        byte[] valid = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
        byte[] xml = forge.apply(valid);

        HttpResponse<String> response = gb.submit(xml);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":\"XML_FORBIDDEN_CONSTRUCT\"");
        assertThat(latest("MESSAGE_REFUSED").code()).isEqualTo("XML_FORBIDDEN_CONSTRUCT");
        assertNotStored(valid);
    }

    static Stream<Arguments> outsideTheXmlProfile() {
        return WireForgeries.outsideTheXmlProfile().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @Test
    void refusesABodyOverTheLimit() {
        String response = gb.announceSubmission(17L * 1024 * 1024);

        assertThat(response).startsWith("HTTP/1.1 413").contains("\"code\":\"BODY_TOO_LARGE\"");
        assertThat(latest("MESSAGE_REFUSED").code()).isEqualTo("BODY_TOO_LARGE");
    }

    @Test
    void acceptsTheSameBytesTwiceAsOneMessageButRefusesTheIdForOtherContent() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
        String id = Envelopes.header(xml, "MessageId");

        assertThat(gb.submit(xml).statusCode()).isEqualTo(202);
        assertThat(gb.submit(xml).statusCode()).isEqualTo(202);
        byte[] other = Envelopes.withHeader(Envelopes.sample("TransferStatus", "GB", "FR"), "MessageId", id);
        HttpResponse<String> response = gb.submit(other);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("REPLAYED_MESSAGE");
        assertThat(gb.bean(MessageStore.class).find(id).orElseThrow().messageType()).isEqualTo("CaseStatusUpdate");
    }

    @Test
    void answersNotFoundForAnUnknownMessage() {
        HttpResponse<String> response = gb.get("/api/v1/messages/" + UUID.randomUUID(), Node.SYSTEM_TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("MESSAGE_NOT_FOUND");
    }

    @Test
    void onlyAnAdministratorReplaysAndOnlyAParkedMessage() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
        String id = Envelopes.header(xml, "MessageId");
        assertThat(gb.submit(xml).statusCode()).isEqualTo(202);

        HttpResponse<String> bySystem = gb.post("/api/v1/messages/" + id + "/replay", Node.SYSTEM_TOKEN);
        HttpResponse<String> notParked = gb.post("/api/v1/messages/" + id + "/replay", Node.ADMIN_TOKEN);

        assertThat(bySystem.statusCode()).isEqualTo(403);
        assertThat(notParked.statusCode()).isEqualTo(409);
        assertThat(notParked.body()).contains("NOT_PARKED");
        assertThat(latest("MESSAGE_REPLAY").code()).isEqualTo("NOT_PARKED");
    }

    @Test
    void exposesMessageMetricsAndEachPartnersCircuitForMonitoring() {
        byte[] xml = Envelopes.sample("ArrivalConfirmation", "GB", "FR");
        String id = Envelopes.header(xml, "MessageId");
        assertThat(gb.submit(xml).statusCode()).isEqualTo(202);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                gb.bean(MessageStore.class).find(id).orElseThrow().receiptAt() != null);

        // The receipt is stored before the delivery is counted and timed: wait for the meters too.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gb.get("/actuator/prometheus", Node.ADMIN_TOKEN).body())
                        .containsPattern("passerelle_messages_total\\{[^}]*outcome=\"delivered\"[^}]*type=\"ArrivalConfirmation\"")
                        .contains("passerelle_delivery_latency_seconds").contains("passerelle_outbox_parked"));
        String health = gb.get("/actuator/health", Node.ADMIN_TOKEN).body();

        assertThat(health).contains("\"partners\"").contains("\"circuit\":\"CLOSED\"");
    }

    @Test
    void showsAnAnonymousCallerOnlyTheHealthStatusAndTheProbesAndNoMetrics() {
        // when nobody signs in
        HttpResponse<String> health = gb.get("/actuator/health", null);
        HttpResponse<String> liveness = gb.get("/actuator/health/liveness", null);
        HttpResponse<String> readiness = gb.get("/actuator/health/readiness", null);
        HttpResponse<String> metrics = gb.get("/actuator/prometheus", null);
        HttpResponse<String> partnerHealth = gb.get("/actuator/health/partners", null);

        // then the status is there, but no partner, no circuit, no metric
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("partners").doesNotContain("FR")
                .doesNotContain("circuit");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).contains("\"status\":\"UP\"");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"");
        assertThat(metrics.statusCode()).isEqualTo(401);
        assertThat(metrics.body()).contains("\"code\":\"UNAUTHENTICATED\"").doesNotContain("passerelle_");
        assertThat(partnerHealth.statusCode()).isEqualTo(401);
    }

    @Test
    void refusesMetricsToASystemWithoutAMonitoringRole() {
        // when a back-end system reads the metrics
        HttpResponse<String> metrics = gb.get("/actuator/prometheus", Node.SYSTEM_TOKEN);
        String health = gb.get("/actuator/health", Node.SYSTEM_TOKEN).body();

        // then 403, audited, and the health it reads is the status only
        assertProblem(metrics, 403, "FORBIDDEN");
        assertThat(latest("ACCESS_DENIED").resource()).isEqualTo("GET /actuator/prometheus");
        assertThat(health).doesNotContain("partners");
    }

    @Test
    void refusesASubmissionInAnotherMediaType() {
        // when the system submits JSON
        HttpResponse<String> response = send("POST", "/api/v1/messages", Node.SYSTEM_TOKEN, "application/json", "{}");

        // then 415 with its code, audited
        assertProblem(response, 415, "UNSUPPORTED_MEDIA_TYPE");
        assertRequestRefused("UNSUPPORTED_MEDIA_TYPE", "POST /api/v1/messages", "casework-system");
    }

    @Test
    void refusesAMissingParameter() {
        // when an administrator suspends a partner without the reason parameter
        HttpResponse<String> response = send("POST", "/api/v1/partners/FR/suspend", Node.ADMIN_TOKEN, null, null);

        // then 400 naming the parameter, audited
        assertProblem(response, 400, "REQUEST_INVALID");
        assertThat(response.body()).contains("missing parameter reason");
        assertRequestRefused("REQUEST_INVALID", "POST /api/v1/partners/FR/suspend", "administrator");
    }

    @Test
    void refusesUnreadableJsonWithoutQuotingIt() {
        // when an administrator sends a body that is not JSON
        HttpResponse<String> response = send("POST", "/api/v1/users", Node.ADMIN_TOKEN, "application/json",
                "{\"username\": secret-looking-input");

        // then 400, and nothing of the parser's message (which quotes the input) is shown
        assertProblem(response, 400, "REQUEST_INVALID");
        assertThat(response.body()).doesNotContain("secret-looking-input").doesNotContain("Exception")
                .doesNotContain("Unrecognized");
        assertRequestRefused("REQUEST_INVALID", "POST /api/v1/users", "administrator");
    }

    @Test
    void refusesAMethodTheEndpointDoesNotTake() {
        // when the system deletes the message collection
        HttpResponse<String> response = send("DELETE", "/api/v1/messages", Node.SYSTEM_TOKEN, null, null);

        // then 405 naming what it takes, audited
        assertProblem(response, 405, "METHOD_NOT_ALLOWED");
        assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("POST"));
        assertRequestRefused("METHOD_NOT_ALLOWED", "DELETE /api/v1/messages", "casework-system");
    }

    @Test
    void answersNotFoundForAnUnknownPath() {
        // when the system calls a path no endpoint has
        HttpResponse<String> response = send("GET", "/api/v1/nothing-here", Node.SYSTEM_TOKEN, null, null);

        // then 404 with its code, audited
        assertProblem(response, 404, "NOT_FOUND");
        assertRequestRefused("NOT_FOUND", "GET /api/v1/nothing-here", "casework-system");
    }

    @Test
    void refusesAnAnonymousMalformedRequestAsUnauthenticatedFirst() {
        // when nobody signs in and the request is malformed too
        HttpResponse<String> badJson = send("POST", "/api/v1/users", null, "application/json", "{not json");
        HttpResponse<String> badType = send("POST", "/api/v1/messages", null, "application/json", "{}");
        HttpResponse<String> badMethod = send("DELETE", "/api/v1/messages", null, null, null);
        HttpResponse<String> noPath = send("GET", "/api/v1/nothing-here", null, null, null);

        // then each is 401: whether the request would be valid is nobody's business but a caller's
        for (HttpResponse<String> response : List.of(badJson, badType, badMethod, noPath)) {
            assertProblem(response, 401, "UNAUTHENTICATED");
        }
        assertThat(latest("AUTHENTICATION").code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void refusesAMalformedRequestOfACallerWithoutTheRoleAsForbiddenFirst() {
        // when callers send malformed requests to endpoints their role may not use
        HttpResponse<String> badJson = send("POST", "/api/v1/users", Node.SYSTEM_TOKEN, "application/json", "{not json");
        HttpResponse<String> badType = send("POST", "/api/v1/messages", Node.ADMIN_TOKEN, "application/json", "{}");
        HttpResponse<String> badMethod = send("PUT", "/api/v1/messages/" + UUID.randomUUID() + "/replay",
                Node.SYSTEM_TOKEN, null, null);
        HttpResponse<String> noParameter = send("POST", "/api/v1/partners/FR/suspend", Node.SYSTEM_TOKEN, null, null);

        // then each is 403 and audited as a denial, never 400, 405 or 415
        for (HttpResponse<String> response : List.of(badJson, badType, badMethod, noParameter)) {
            assertProblem(response, 403, "FORBIDDEN");
        }
        AuditEvent denied = latest("ACCESS_DENIED");
        assertThat(denied.actor()).isEqualTo("casework-system");
        assertThat(denied.resource()).isEqualTo("POST /api/v1/partners/FR/suspend");
    }

    @Test
    void servesItsOpenApiDescription() {
        HttpResponse<String> response = gb.get("/v3/api-docs", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("/api/v1/messages").contains("/api/v1/messages/{id}/replay");
    }

    @Test
    void itsApiDescriptionNamesTheRolesOfEveryOperation() {
        // when the description is read
        JsonNode paths = new ObjectMapper().readTree(gb.get("/v3/api-docs", null).body()).get("paths");

        // then every operation of the versioned API names the roles that may call it, from its access rule
        List<String> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                operations.add(operation.getKey() + " " + path.getKey());
                assertThat(operation.getValue().path("x-roles").isArray())
                        .as(operation.getKey() + " " + path.getKey() + " states its roles").isTrue();
                assertThat(operation.getValue().path("x-roles")).as(path.getKey()).isNotEmpty();
            }
        }
        assertThat(operations).contains("post /api/v1/messages", "post /api/v1/messages/{id}/replay");
        assertThat(paths.path("/api/v1/messages/{id}/replay").path("post").path("x-roles").toString())
                .isEqualTo("[\"ADMIN\"]");
    }

    private static HttpResponse<String> send(String method, String path, String token, String contentType, String body) {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(gb.api(path))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"code\":\"" + code + "\"").doesNotContain("trace")
                .doesNotContain("Exception");
    }

    private static void assertRequestRefused(String code, String resource, String actor) {
        AuditEvent refusal = latest("REQUEST_REFUSED");
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.outcome()).isEqualTo("REFUSED");
        assertThat(refusal.resource()).isEqualTo(resource);
        assertThat(refusal.actor()).isEqualTo(actor);
    }

    private static HttpResponse<String> assertRefused(byte[] xml, int status, String code) {
        HttpResponse<String> response = gb.submit(xml);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("\"code\":\"" + code + "\"");
        AuditEvent refusal = latest("MESSAGE_REFUSED");
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.outcome()).isEqualTo("REFUSED");
        assertThat(refusal.actor()).isEqualTo("casework-system");
        assertNotStored(xml);
        return response;
    }

    private static void assertNotStored(byte[] xml) {
        try {
            String id = Envelopes.header(xml, "MessageId");
            assertThat(gb.bean(MessageStore.class).find(id)).isEmpty();
        } catch (IllegalArgumentException noId) {
            // Not even an id to store under.
        }
    }

    private static AuditEvent latest(String action) {
        return gb.bean(AuditTrail.class).latest(50).stream().filter(e -> action.equals(e.action()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " audited"));
    }

    private static byte[] readdress(byte[] invalidSample) {
        String xml = new String(invalidSample, StandardCharsets.UTF_8);
        String fresh = new String(Envelopes.sample("CaseStatusUpdate", "GB", "FR"), StandardCharsets.UTF_8);
        for (String name : new String[] {"MessageId", "CreatedAt", "ExpiresAt"}) {
            xml = new String(Envelopes.withHeader(xml.getBytes(StandardCharsets.UTF_8), name,
                    Envelopes.header(fresh.getBytes(StandardCharsets.UTF_8), name)), StandardCharsets.UTF_8);
        }
        return SampleMessages.fill(xml).getBytes(StandardCharsets.UTF_8);
    }
}
