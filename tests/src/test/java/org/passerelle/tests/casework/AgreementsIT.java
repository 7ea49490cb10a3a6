package org.passerelle.tests.casework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Node;
import org.passerelle.tests.support.NodeSettings;
import org.passerelle.tests.support.ThreeParties;

/**
 * The scheme's agreement with three parties (GB with FR and BE): a new version that ends the pilot and starts the
 * circuit-breaker phase with BE, approved by a second administrator, taking effect at its moment without a restart; a
 * cap across the phase's partners reached, then passed once by an audited override (test traffic passes without
 * counting); BE walking away, its open case completing while no new one starts. The steps build on each other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgreementsIT {

    static final String SECOND_ADMIN_TOKEN = "second-admin-token-for-tests";

    @TempDir
    static Path dir;
    static ThreeParties parties;
    static Node gb;
    static String beCase;
    static String beConversation;

    @BeforeAll
    static void start() {
        parties = ThreeParties.start(dir, Map.of("passerelle.readmission.enabled", true,
                // FR is agreed for test traffic (an acceptance partner); BE is not
                "GB:passerelle.partners.FR.test-traffic", true, "FR:passerelle.partners.GB.test-traffic", true,
                "GB:passerelle.api.tokens[2].name", "second-administrator",
                "GB:passerelle.api.tokens[2].sha256", NodeSettings.sha256(SECOND_ADMIN_TOKEN),
                "GB:passerelle.api.tokens[2].roles[0]", "ADMIN"));
        gb = parties.gb;
        // GB reaches FR through a black hole that swallows at first: here FR is simply there
        parties.frAddress.mode(org.passerelle.tests.support.BlackHole.Mode.FORWARD);
    }

    @AfterAll
    static void stop() {
        parties.close();
    }

    @Test
    @Order(1)
    void aPhaseChangeApprovedByASecondAdministratorTakesEffectAtItsMomentWithoutARestart() {
        // given an administrator proposes: the pilot (FR, small boats) ends in 25 s, then the circuit-breaker phase
        // (FR and BE, small boats and lorries, two returns across both partners)
        Instant change = Instant.now().plusSeconds(25).truncatedTo(ChronoUnit.SECONDS);
        String proposal = """
                {"note": "pilot ends; circuit-breaker with BE", "scheme": {"name": "routes-for-returns", "phases": [
                  {"name": "pilot", "from": "2020-01-01", "until": "%1$s",
                   "partners": {"FR": {"arrivalModes": ["SMALL_BOAT"]}}},
                  {"name": "circuit-breaker", "from": "%1$s", "caps": {"returns": 2},
                   "partners": {"FR": {"arrivalModes": ["SMALL_BOAT", "CONCEALED_IN_VEHICLE"]}, "BE": {}}}]}}"""
                .formatted(change);
        HttpResponse<String> proposed = CaseworkMessages.post(gb, "/api/v1/agreements/versions", Node.ADMIN_TOKEN, proposal);

        // then it waits for a second administrator: it adds phases and caps
        assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(202);
        assertThat(proposed.body()).contains("\"status\":\"PENDING\"", "\"needsApproval\":true",
                "phase circuit-breaker added");
        String id = field(proposed.body(), "id");
        HttpResponse<String> self = CaseworkMessages.post(gb, "/api/v1/agreements/versions/" + id + "/approval",
                Node.ADMIN_TOKEN, null);
        assertThat(self.statusCode()).as(self.body()).isEqualTo(403);
        assertThat(self.body()).contains("APPROVAL_BY_REQUESTER");
        HttpResponse<String> approved = CaseworkMessages.post(gb, "/api/v1/agreements/versions/" + id + "/approval",
                SECOND_ADMIN_TOKEN, null);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(approved.body()).contains("\"status\":\"IN_FORCE\"", "\"decidedBy\":\"second-administrator\"");
        assertThat(audit("AGREEMENT_CHANGE_PROPOSED")).extracting(AuditEvent::actor).contains("administrator");
        assertThat(audit("AGREEMENT_CHANGE_APPROVED")).extracting(AuditEvent::actor).contains("second-administrator");

        // when GB proposes returns during the pilot, then only FR's small-boat arrivals start a case
        beCase = CaseworkMessages.caseReference("GB", "RA");
        beConversation = UUID.randomUUID().toString();
        refused(gb.submit(request("BE", beCase, beConversation, "SMALL_BOAT")), "NO_AGREEMENT_IN_FORCE");
        refused(gb.submit(request("FR", CaseworkMessages.caseReference("GB", "RA"), UUID.randomUUID().toString(),
                "CONCEALED_IN_VEHICLE")), "ARRIVAL_MODE_NOT_IN_SCOPE");
        accepted(gb.submit(request("FR", CaseworkMessages.caseReference("GB", "RA"), UUID.randomUUID().toString(),
                "SMALL_BOAT")));
        assertThat(Instant.now()).as("the pilot's steps ran before the phase changed").isBefore(change);
        assertThat(agreement()).contains("\"phaseInForce\":\"pilot\"");

        // when the moment passes, then the circuit-breaker phase is in force on the running node: BE starts a case
        await().atMost(Duration.ofSeconds(40)).until(() -> Instant.now().isAfter(change.plusSeconds(1)));
        assertThat(agreement()).contains("\"phaseInForce\":\"circuit-breaker\"");
        accepted(gb.submit(request("BE", beCase, beConversation, "SMALL_BOAT")));
        ReadmissionCasesIT.awaitState(parties.be, beCase, "ACKNOWLEDGED");
    }

    @Test
    @Order(2)
    void aCapAcrossPartnersIsEnforcedAndAnAuditedOverrideLetsOneCasePast() {
        // given a lorry arrival proposed to FR fills the phase's cap of two returns across FR and BE
        accepted(gb.submit(request("FR", CaseworkMessages.caseReference("GB", "RA"), UUID.randomUUID().toString(),
                "CONCEALED_IN_VEHICLE")));

        // when another return is proposed to BE, then it is refused at intake, naming the cap
        String over = CaseworkMessages.caseReference("GB", "RA");
        HttpResponse<String> full = gb.submit(request("BE", over, UUID.randomUUID().toString(), "SMALL_BOAT"));
        refused(full, "CAP_REACHED");
        assertThat(full.body()).contains("returns across the scheme's partners in phase circuit-breaker: 2 of 2");

        // and test traffic, with a partner agreed for it, is held to the agreement but never counts against a cap;
        // with another it is refused, and a case stays test traffic to its end
        String testCase = CaseworkMessages.caseReference("GB", "RA");
        String testConversation = UUID.randomUUID().toString();
        accepted(gb.submit(Envelopes.asTestTraffic(request("FR", testCase, testConversation, "SMALL_BOAT"))));
        refused(gb.submit(Envelopes.asTestTraffic(request("BE", CaseworkMessages.caseReference("GB", "RA"),
                UUID.randomUUID().toString(), "SMALL_BOAT"))), "TEST_TRAFFIC_NOT_ALLOWED", 403);
        ReadmissionCasesIT.awaitState(gb, testCase, "ACKNOWLEDGED");
        refused(gb.submit(ReadmissionCasesIT.transfer(testCase, testConversation, "CANCELLED", "GB", "FR")),
                "TEST_TRAFFIC_MISMATCH");

        // when an administrator records an override for that case, with a reason, then the case starts, once
        HttpResponse<String> override = CaseworkMessages.post(gb, "/api/v1/agreements/cap-overrides", Node.ADMIN_TOKEN,
                """
                {"partner": "BE", "kind": "RETURN", "caseReference": "%s", "reason": "family already returned to BE"}"""
                        .formatted(over));
        assertThat(override.statusCode()).as(override.body()).isEqualTo(201);
        accepted(gb.submit(request("BE", over, UUID.randomUUID().toString(), "SMALL_BOAT")));
        refused(gb.submit(request("BE", CaseworkMessages.caseReference("GB", "RA"), UUID.randomUUID().toString(),
                "SMALL_BOAT")), "CAP_REACHED");

        // then the override and its use are audited with the case, and the cap shows three places of two
        assertThat(audit("CAP_OVERRIDE_RECORDED")).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo("administrator");
            assertThat(e.caseReference()).isEqualTo(over);
            assertThat(e.detail()).contains("family already returned to BE");
        });
        assertThat(audit("CAP_OVERRIDE_USED")).anySatisfy(e -> assertThat(e.caseReference()).isEqualTo(over));
        assertThat(agreement()).contains("\"schemeCaps\":[{\"partner\":null,\"kind\":\"RETURN\",\"week\":null,\"cap\":2,\"used\":3}]");
        // and the day's report counts BE's two cases of the phase, one let past a full cap by the override
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        String week = String.format("%d-W%02d", today.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR),
                today.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        HttpResponse<String> report = gb.get("/api/v1/reports?from=" + today.minusDays(1) + "&to=" + today.plusDays(1),
                Node.ADMIN_TOKEN);
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
        assertThat(report.body()).contains("[\"BE\",\"circuit-breaker\",\"" + week + "\",\"RETURN\",\"2\",\"1\"]")
                .doesNotContain(over);
    }

    @Test
    @Order(3)
    void aPartnerWindingDownStartsNoNewCaseButItsOpenCasesComplete() {
        // when an administrator records that BE walked away
        HttpResponse<String> winding = CaseworkMessages.put(gb, "/api/v1/agreements/partners/BE/standing",
                Node.ADMIN_TOKEN, "{\"standing\": \"WINDING_DOWN\", \"admissionsOpen\": true, \"reason\": \"BE withdrew"
                        + " from the scheme\"}");
        assertThat(winding.statusCode()).as(winding.body()).isEqualTo(200);
        assertThat(audit("PARTNER_STANDING_CHANGED")).anySatisfy(e -> assertThat(e.detail())
                .contains("ACTIVE, admissions open → WINDING_DOWN", "BE withdrew from the scheme"));

        // then no new case starts with BE
        refused(gb.submit(request("BE", CaseworkMessages.caseReference("GB", "RA"), UUID.randomUUID().toString(),
                "SMALL_BOAT")), "PARTNER_WINDING_DOWN");

        // but BE's decision on the open case arrives and moves it, and GB schedules the transfer
        accepted(parties.be.submit(ReadmissionCasesIT.decision("BE", beCase, beConversation, "ACCEPTED", false)));
        ReadmissionCasesIT.awaitState(gb, beCase, "ACCEPTED");
        accepted(gb.submit(ReadmissionCasesIT.transfer(beCase, beConversation, "SCHEDULED", "GB", "BE")));
        ReadmissionCasesIT.awaitState(parties.be, beCase, "TRANSFER_SCHEDULED");
    }

    @Test
    @Order(4)
    void aClosedAdmissionWindowRefusesReferralsAndBadChangesAreRefusedWithTheirCodes() {
        // when GB closes the admission window with FR, then FR's referral is refused at GB's inbox, audited
        HttpResponse<String> closed = CaseworkMessages.put(gb, "/api/v1/agreements/partners/FR/standing",
                Node.ADMIN_TOKEN, "{\"standing\": \"ACTIVE\", \"admissionsOpen\": false, \"reason\": \"window closed\"}");
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
        String referral = CaseworkMessages.caseReference("FR", "AD");
        accepted(parties.fr.submit(CaseworkMessages.referral("FR", "GB", referral)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(audit("MESSAGE_REFUSED"))
                .anySatisfy(e -> {
                    assertThat(e.code()).isEqualTo("ADMISSIONS_CLOSED");
                    assertThat(e.channel()).isEqualTo("INBOX");
                }));

        // an agreement whose phases overlap cannot be proposed
        HttpResponse<String> invalid = CaseworkMessages.post(gb, "/api/v1/agreements/versions", Node.ADMIN_TOKEN, """
                {"scheme": {"phases": [{"name": "a", "from": "2027-01-01", "until": "2027-07-01"},
                                       {"name": "b", "from": "2027-06-01"}]}}""");
        assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(400);
        assertThat(invalid.body()).contains("AGREEMENT_INVALID", "phase b starts before phase a ends");

        // a misspelt name is refused, not silently taken as its default
        HttpResponse<String> misspelt = CaseworkMessages.post(gb, "/api/v1/agreements/versions", Node.ADMIN_TOKEN, """
                {"scheme": {"phases": [{"name": "a", "from": "2027-01-01", "partners": {"FR": {"arrival-modes": ["FERRY"]}}}]}}""");
        assertThat(misspelt.statusCode()).as(misspelt.body()).isEqualTo(400);
        assertThat(misspelt.body()).contains("AGREEMENT_INVALID", "arrival-modes");

        // a version proposed against one no longer in force cannot be approved
        String first = field(proposeCapChange(3).body(), "id");
        String second = field(proposeCapChange(4).body(), "id");
        assertThat(CaseworkMessages.post(gb, "/api/v1/agreements/versions/" + first + "/approval", SECOND_ADMIN_TOKEN,
                null).statusCode()).isEqualTo(200);
        HttpResponse<String> stale = CaseworkMessages.post(gb, "/api/v1/agreements/versions/" + second + "/approval",
                SECOND_ADMIN_TOKEN, null);
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
        assertThat(stale.body()).contains("AGREEMENT_CHANGE_STALE");
        HttpResponse<String> unknown = CaseworkMessages.post(gb, "/api/v1/agreements/versions/999999/approval",
                SECOND_ADMIN_TOKEN, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("AGREEMENT_CHANGE_NOT_FOUND");

        // an override needs a reason
        HttpResponse<String> noReason = CaseworkMessages.post(gb, "/api/v1/agreements/cap-overrides", Node.ADMIN_TOKEN,
                "{\"partner\": \"FR\", \"kind\": \"RETURN\", \"caseReference\": \"GB-RA-2026-123456\", \"reason\": \" \"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("AGREEMENT_ACTION_INVALID");
        assertThat(audit("CAP_OVERRIDE_RECORDED")).anySatisfy(e -> {
            assertThat(e.outcome()).isEqualTo("REFUSED");
            assertThat(e.code()).isEqualTo("AGREEMENT_ACTION_INVALID");
        });
    }

    @Test
    @Order(5)
    void aDataSharingChangeWaitsForASecondAdministratorThenTakesEffectOnTheRunningNode() {
        // given a biometric search to FR passes the data-sharing in force
        accepted(gb.submit(Envelopes.sample("BiometricSearchRequest", "GB", "FR")));

        // when an administrator proposes that no biometrics go to FR: the document in force, that one thing changed
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        tools.jackson.databind.node.ObjectNode scheme = (tools.jackson.databind.node.ObjectNode)
                json.readTree(agreement()).get("scheme");
        ((tools.jackson.databind.node.ObjectNode) scheme.get("dataSharing").get("FR").get("outbound"))
                .putArray("forbidden").add("BIOMETRICS");
        tools.jackson.databind.node.ObjectNode proposal = json.createObjectNode();
        proposal.put("note", "no biometrics to FR");
        proposal.set("scheme", scheme);
        HttpResponse<String> proposed = CaseworkMessages.post(gb, "/api/v1/agreements/versions", Node.ADMIN_TOKEN,
                json.writeValueAsString(proposal));

        // then it waits for a second administrator, saying what it changes, and meanwhile nothing changed
        assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(202);
        assertThat(proposed.body()).contains("\"status\":\"PENDING\"",
                "\"changes\":\"data-sharing FR outbound forbidden [] → forbidden [BIOMETRICS]\"");
        accepted(gb.submit(Envelopes.sample("BiometricSearchRequest", "GB", "FR")));
        // a category that does not exist cannot even be proposed
        HttpResponse<String> misspelt = CaseworkMessages.post(gb, "/api/v1/agreements/versions", Node.ADMIN_TOKEN, """
                {"scheme": {"phases": [{"name": "circuit-breaker", "from": "2020-01-01", "partners": {"FR": {}}}],
                  "dataSharing": {"FR": {"basis": "b", "outbound": {"forbidden": ["BIOMETRIC"]}}}}}""");
        assertThat(misspelt.statusCode()).as(misspelt.body()).isEqualTo(400);
        assertThat(misspelt.body()).contains("AGREEMENT_INVALID", "'BIOMETRIC' is not a data category");

        // when a second administrator approves it, then the running node sends FR no biometrics
        String id = field(proposed.body(), "id");
        HttpResponse<String> approved = CaseworkMessages.post(gb, "/api/v1/agreements/versions/" + id + "/approval",
                SECOND_ADMIN_TOKEN, null);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        refused(gb.submit(Envelopes.sample("BiometricSearchRequest", "GB", "FR")), "DATA_SHARING_REFUSED", 403);
        assertThat(agreement()).contains("\"forbidden\":[\"BIOMETRICS\"]");
    }

    private static HttpResponse<String> proposeCapChange(int cap) {
        HttpResponse<String> response = CaseworkMessages.post(gb, "/api/v1/agreements/versions", Node.ADMIN_TOKEN, """
                {"scheme": {"phases": [{"name": "circuit-breaker", "from": "2020-01-01", "caps": {"returns": %d},
                  "partners": {"FR": {}, "BE": {}}}]}}""".formatted(cap));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response;
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    static byte[] request(String to, String ref, String conversation, String mode) {
        String xml = new String(CaseworkMessages.readmissionRequest(to, ref, conversation,
                Instant.now().minus(1, ChronoUnit.DAYS)), StandardCharsets.UTF_8);
        return xml.replace("<ra:Mode>SMALL_BOAT</ra:Mode>", "<ra:Mode>" + mode + "</ra:Mode>")
                .getBytes(StandardCharsets.UTF_8);
    }

    static void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    static void refused(HttpResponse<String> response, String code) {
        refused(response, code, 422);
    }

    static void refused(HttpResponse<String> response, String code, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("\"code\":\"" + code + "\"");
        assertThat(gb.bean(AuditTrail.class).latest(50)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("MESSAGE_REFUSED");
            assertThat(e.code()).isEqualTo(code);
        });
    }

    static String agreement() {
        HttpResponse<String> response = gb.get("/api/v1/agreements", Node.ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    static java.util.List<AuditEvent> audit(String action) {
        return gb.bean(AuditTrail.class).latest(500).stream().filter(e -> e.action().equals(action)).toList();
    }

    static String field(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":([0-9]+)").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }
}
