package org.passerelle.tests.casework;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.passerelle.tests.casework.CaseworkMessages.caseReference;
import static org.passerelle.tests.casework.CaseworkMessages.post;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.tests.access.IdentityProvider;
import org.passerelle.tests.support.BiometricSets;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The biometric gallery through two real nodes, with the repository's real fingerprints. GB returns a person to FR
 * with the tenprint card (rolled fingers) and enrols them when the transfer completes; the same person then applies
 * for the legal route through FR with slaps (another capture): GB holds the case for review, a caseworker confirms
 * the match, and only an INELIGIBLE result may go. Another person's referral goes on; a new readmission request for
 * the returned person is flagged as a re-entry; corrections and erasures name the entry; nobody receives a template.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GalleryIT {

    static final JsonMapper JSON = JsonMapper.shared();

    @TempDir
    static Path dir;
    static IdentityProvider idp;
    static Exchange exchange;
    static Node gb;
    static Node fr;
    static String returnedCase;
    static long entryId;

    @BeforeAll
    static void startNodes() {
        idp = IdentityProvider.start();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.putAll(idp.apiSettings("GB:"));
        extra.put("GB:passerelle.casework.teams.admission.FR", "legal-route");
        extra.put("passerelle.admission.enforce-transitions", "true");
        extra.put("passerelle.readmission.enabled", "true");
        exchange = Exchange.start(dir, extra);
        gb = exchange.gb;
        fr = exchange.fr;
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
        idp.close();
    }

    @Test
    @Order(1)
    void aPersonReturnedWithTheirTenprintCardIsEnrolledWhenTheTransferCompletes() throws Exception {
        returnedCase = caseReference("GB", "RA");
        String conversation = UUID.randomUUID().toString();
        byte[] request = BiometricSets.withTransaction(CaseworkMessages.readmissionRequest(returnedCase, conversation,
                Instant.now().minus(3, ChronoUnit.DAYS)), BiometricSets.TENPRINT_CARD);
        submitted(gb, request);
        awaitReadmission(gb, returnedCase, "ACKNOWLEDGED");
        submitted(fr, ReadmissionCasesIT.decision(returnedCase, conversation, "ACCEPTED", false));
        awaitReadmission(gb, returnedCase, "ACCEPTED");
        submitted(gb, ReadmissionCasesIT.transfer(returnedCase, conversation, "SCHEDULED", "GB", "FR"));
        awaitReadmission(gb, returnedCase, "TRANSFER_SCHEDULED");
        submitted(gb, ReadmissionCasesIT.transfer(returnedCase, conversation, "COMPLETED", "GB", "FR"));
        awaitReadmission(gb, returnedCase, "TRANSFERRED");

        // then GB holds the person as ten rolled fingers' templates, the entry named in the audit log
        JsonNode entry = await().atMost(Duration.ofSeconds(60)).until(() -> entryOf(returnedCase), e -> e != null);
        entryId = entry.get("id").longValue();
        assertThat(entry.get("reason").stringValue()).isEqualTo("PREVIOUSLY_RETURNED");
        assertThat(entry.get("partner").stringValue()).isEqualTo("FR");
        assertThat(entry.get("source").stringValue()).isEqualTo("TRANSFER_COMPLETED");
        assertThat(entry.get("fingers").intValue()).isEqualTo(10);
        assertThat(entry.has("templates")).isFalse();
        assertThat(gb.bean(AuditTrail.class).latest(300)).anyMatch(e -> e.action().equals("GALLERY_ENTRY_ADDED")
                && ("gallery-entry:" + entryId).equals(e.resource()) && returnedCase.equals(e.caseReference()));
        // FR, which readmitted the person, keeps no gallery of GB's returns
        assertThat(fr.get("/api/v1/gallery/entries", Node.ADMIN_TOKEN).body()).doesNotContain(returnedCase);
    }

    @Test
    @Order(2)
    void theReturnedPersonApplyingWithSlapsIsHeldForReviewAndConfirmedIneligibleByACaseworker() throws Exception {
        // given FR refers the returned person, captured again as slaps
        String ref = caseReference("FR", "AD");
        submitted(fr, CaseworkMessages.referral("FR", "GB", ref));
        JsonNode check = awaitCheck(ref, "HELD_FOR_REVIEW");
        JsonNode candidate = check.get("candidates").get(0);
        assertThat(candidate.get("entryId").longValue()).isEqualTo(entryId);
        assertThat(candidate.get("caseReference").stringValue()).isEqualTo(returnedCase);
        assertThat(candidate.get("score").doubleValue()).isGreaterThanOrEqualTo(60);
        assertThat(caseOf(ref)).doesNotContain("Transaction", "template");
        assertThat(gb.bean(AuditTrail.class).latest(300)).anyMatch(e -> e.action().equals("GALLERY_MATCH_HELD")
                && ref.equals(e.caseReference()) && e.detail().contains("entry " + entryId));
        submitted(gb, null, post(gb, "/api/v1/admissions/cases/" + ref + "/presence", Node.SYSTEM_TOKEN, null));

        // when GB's back-end answers ELIGIBLE before anyone reviewed the match, it is refused and nothing is stored
        byte[] eligible = CaseworkMessages.eligibility("GB", "FR", ref, true, null);
        HttpResponse<String> early = gb.submit(eligible);
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(early.body()).contains("GALLERY_REVIEW_PENDING");
        assertThat(gb.bean(MessageStore.class).find(Envelopes.header(eligible, "MessageId"))).isEmpty();

        // and only a person of the case's team may review it: not the casework system, not another team
        String review = "{\"decision\":\"CONFIRMED\",\"note\":\"same person: ten-finger comparison checked by hand\"}";
        String path = "/api/v1/admissions/cases/" + ref + "/gallery-review";
        assertThat(post(gb, path, Node.SYSTEM_TOKEN, review).statusCode()).isEqualTo(403);
        HttpResponse<String> otherTeam = post(gb, path, caseworker("cw-north", "returns-north"), review);
        assertThat(otherTeam.statusCode()).isEqualTo(403);
        assertThat(otherTeam.body()).contains("TEAM_NOT_ALLOWED");
        assertThat(post(gb, path, caseworker("cw-legal", "legal-route"), "{\"decision\":\"CONFIRMED\"}").body())
                .contains("GALLERY_REVIEW_INVALID");
        HttpResponse<String> confirmed = post(gb, path, caseworker("cw-legal", "legal-route"), review);
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        JsonNode after = JSON.readTree(confirmed.body()).get("galleryCheck");
        assertThat(after.get("status").stringValue()).isEqualTo("INELIGIBLE_PRIOR_RETURN");
        assertThat(after.get("reviewedBy").stringValue()).isEqualTo("cw-legal");
        assertThat(gb.bean(AuditTrail.class).latest(300)).anyMatch(e -> e.action().equals("GALLERY_MATCH_CONFIRMED")
                && e.actor().equals("cw-legal") && ref.equals(e.caseReference()) && e.detail().contains("entry " + entryId));
        assertThat(post(gb, path, caseworker("cw-legal", "legal-route"), review).body()).contains("GALLERY_REVIEW_INVALID");

        // then ELIGIBLE is refused for good, and the INELIGIBLE result goes to FR naming nobody else
        HttpResponse<String> refused = gb.submit(CaseworkMessages.eligibility("GB", "FR", ref, true, null));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("ELIGIBILITY_CONTRADICTS_REGISTRY", "PREVIOUSLY_RETURNED");
        byte[] ineligible = CaseworkMessages.eligibility("GB", "FR", ref, false, "PREVIOUSLY_RETURNED");
        submitted(gb, ineligible);
        AdmissionIT.awaitState(fr, ref, "REFUSED");
        // (FR dispatches to its back-end after it accepted the message: wait for that too)
        List<LoggedRequest> delivered = await().atMost(Duration.ofSeconds(30)).until(() -> exchange.frBackend.findAll(
                postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH)).withHeader("X-Passerelle-Message-Id",
                        equalTo(Envelopes.header(ineligible, "MessageId")))), d -> !d.isEmpty());
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).getBodyAsString()).contains("<adm:ReasonCode>PREVIOUSLY_RETURNED</adm:ReasonCode>")
                .doesNotContain(returnedCase, "Transaction", "FamilyName");
    }

    @Test
    @Order(3)
    void aMatchTheCaseworkerRejectsLetsTheCaseGoOn() throws Exception {
        String ref = caseReference("FR", "AD");
        submitted(fr, CaseworkMessages.referral("FR", "GB", ref));
        awaitCheck(ref, "HELD_FOR_REVIEW");
        submitted(gb, null, post(gb, "/api/v1/admissions/cases/" + ref + "/presence", Node.SYSTEM_TOKEN, null));
        HttpResponse<String> rejected = post(gb, "/api/v1/admissions/cases/" + ref + "/gallery-review",
                caseworker("cw-legal", "legal-route"), "{\"decision\":\"REJECTED\",\"note\":\"different person on examination\"}");
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
        assertThat(JSON.readTree(rejected.body()).get("galleryCheck").get("status").stringValue()).isEqualTo("MATCH_REJECTED");
        submitted(gb, CaseworkMessages.eligibility("GB", "FR", ref, true, null));
        AdmissionIT.awaitState(fr, ref, "ELIGIBILITY_CHECKED");
        assertThat(gb.bean(AuditTrail.class).latest(300)).anyMatch(e -> e.action().equals("GALLERY_MATCH_REJECTED")
                && e.actor().equals("cw-legal") && ref.equals(e.caseReference()));
    }

    @Test
    @Order(4)
    void anotherPersonsReferralIsNotHeld() {
        String ref = caseReference("FR", "AD");
        submitted(fr, BiometricSets.withTransaction(CaseworkMessages.referral("FR", "GB", ref), BiometricSets.otherPerson()));
        JsonNode check = awaitCheck(ref, "NO_MATCH");
        assertThat(check.get("candidates").size()).isZero();
        submitted(gb, null, post(gb, "/api/v1/admissions/cases/" + ref + "/presence", Node.SYSTEM_TOKEN, null));
        submitted(gb, CaseworkMessages.eligibility("GB", "FR", ref, true, null));
        AdmissionIT.awaitState(fr, ref, "ELIGIBILITY_CHECKED");
    }

    @Test
    @Order(5)
    void aNewReadmissionRequestForTheReturnedPersonIsFlaggedAsAReentry() throws Exception {
        String ref = caseReference("GB", "RA");
        submitted(gb, CaseworkMessages.readmissionRequest(ref, UUID.randomUUID().toString(),
                Instant.now().minus(2, ChronoUnit.DAYS)));
        JsonNode check = await().atMost(Duration.ofSeconds(60)).until(() -> readmissionCheck(ref),
                c -> c != null && !"SEARCHING".equals(c.get("status").stringValue()));
        assertThat(check.get("status").stringValue()).isEqualTo("REENTRY");
        assertThat(check.get("candidates").get(0).get("entryId").longValue()).isEqualTo(entryId);
        assertThat(check.get("candidates").get(0).get("caseReference").stringValue()).isEqualTo(returnedCase);
        assertThat(gb.bean(AuditTrail.class).latest(300)).anyMatch(e -> e.action().equals("GALLERY_REENTRY_FLAGGED")
                && ref.equals(e.caseReference()));
    }

    @Test
    @Order(6)
    void aReadmissionRequestWithoutFingerprintsIsRefused() {
        String xml = new String(CaseworkMessages.readmissionRequest(caseReference("GB", "RA"), UUID.randomUUID().toString(),
                Instant.now().minus(2, ChronoUnit.DAYS)), java.nio.charset.StandardCharsets.UTF_8);
        byte[] bare = xml.replaceAll("(?s)\\s*<ra:BiometricSet>.*</ra:BiometricSet>", "")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> refused = gb.submit(bare);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("FINGERPRINTS_REQUIRED");
        assertThat(gb.bean(AuditTrail.class).forMessage(Envelopes.header(bare, "MessageId"))).extracting(AuditEvent::code)
                .containsExactly("FINGERPRINTS_REQUIRED");
    }

    @Test
    @Order(7)
    void entriesAreCorrectedAndErasedWithAReasonNamingTheEntryAndNobodyReceivesATemplate() throws Exception {
        String path = "/api/v1/gallery/entries/" + entryId;
        // officers and caseworkers do not see the gallery; an auditor sees metadata only
        assertThat(gb.getAuthorized("/api/v1/gallery/entries", officer()).statusCode()).isEqualTo(403);
        assertThat(gb.getAuthorized("/api/v1/gallery/entries", "Bearer " + caseworker("cw-legal", "legal-route")).statusCode()).isEqualTo(403);
        HttpResponse<String> audited = gb.getAuthorized("/api/v1/gallery/entries", "Bearer " + idp.sign(
                IdentityProvider.claims("gallery-auditor", Instant.now()).claim("roles", List.of("AUDITOR"))));
        assertThat(audited.statusCode()).isEqualTo(200);
        assertThat(audited.body()).contains(returnedCase).doesNotContain("templates", "\"iv\"", "keyId");

        // a correction needs a known reason and a note
        assertThat(CaseworkMessages.patch(gb, path, Node.ADMIN_TOKEN, "{\"reason\":\"PREVIOUS_IRREGULAR_ENTRY\"}").body())
                .contains("GALLERY_CORRECTION_INVALID");
        HttpResponse<String> corrected = CaseworkMessages.patch(gb, path, Node.ADMIN_TOKEN,
                "{\"reason\":\"PREVIOUS_IRREGULAR_ENTRY\",\"note\":\"ticket 4411: recorded under the wrong reason\"}");
        assertThat(corrected.statusCode()).as(corrected.body()).isEqualTo(200);
        assertThat(corrected.body()).contains("\"reason\":\"PREVIOUS_IRREGULAR_ENTRY\"", "ticket 4411");
        assertThat(gb.bean(AuditTrail.class).latest(100)).anyMatch(e -> e.action().equals("GALLERY_ENTRY_CORRECTED")
                && ("gallery-entry:" + entryId).equals(e.resource()) && e.detail().contains("ticket 4411"));

        // an erasure names the entry, and the person is no longer found
        HttpResponse<String> erased = post(gb, path + "/erasure", Node.ADMIN_TOKEN, "{\"note\":\"court order 17/2026\"}");
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(204);
        assertThat(gb.bean(AuditTrail.class).latest(100)).anyMatch(e -> e.action().equals("GALLERY_ENTRY_REMOVED")
                && ("gallery-entry:" + entryId).equals(e.resource()) && returnedCase.equals(e.caseReference()));
        assertThat(gb.get(path, Node.ADMIN_TOKEN).body()).contains("GALLERY_ENTRY_NOT_FOUND");
        String ref = caseReference("FR", "AD");
        submitted(fr, CaseworkMessages.referral("FR", "GB", ref));
        awaitCheck(ref, "NO_MATCH");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    static void submitted(Node node, byte[] xml) {
        submitted(node, xml, node.submit(xml));
    }

    static void submitted(Node node, byte[] xml, HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
    }

    static String caseOf(String ref) {
        return gb.get("/api/v1/admissions/cases/" + ref, Node.SYSTEM_TOKEN).body();
    }

    static JsonNode awaitCheck(String ref, String status) {
        JsonNode check = await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(caseOf(ref)).get("galleryCheck"),
                c -> c != null && !c.isNull() && !"SEARCHING".equals(c.get("status").stringValue()));
        assertThat(check.get("status").stringValue()).as(check.toString()).isEqualTo(status);
        return check;
    }

    static JsonNode readmissionCheck(String ref) {
        JsonNode c = JSON.readTree(gb.get("/api/v1/cases/readmission/" + ref, Node.SYSTEM_TOKEN).body()).get("galleryCheck");
        return c == null || c.isNull() ? null : c;
    }

    static void awaitReadmission(Node node, String ref, String state) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(node.get("/api/v1/cases/readmission/" + ref,
                Node.SYSTEM_TOKEN).body()).contains("\"state\":\"" + state + "\""));
    }

    static JsonNode entryOf(String caseReference) {
        for (JsonNode e : JSON.readTree(gb.get("/api/v1/gallery/entries", Node.ADMIN_TOKEN).body())) {
            if (caseReference.equals(e.get("caseReference").stringValue())) {
                return e;
            }
        }
        return null;
    }

    static String caseworker(String name, String team) {
        return idp.sign(IdentityProvider.claims(name, Instant.now()).claim("roles", List.of("CASEWORKER")).claim("team", team));
    }

    static String officer() {
        return "Bearer " + idp.sign(IdentityProvider.claims("gallery-officer", Instant.now())
                .claim("roles", List.of("LIAISON_OFFICER")).claim("partner", "FR"));
    }
}
