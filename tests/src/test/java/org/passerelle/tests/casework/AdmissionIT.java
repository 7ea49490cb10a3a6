package org.passerelle.tests.casework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.passerelle.tests.casework.CaseworkMessages.caseReference;
import static org.passerelle.tests.casework.CaseworkMessages.post;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * Admission cases through two real nodes: FR refers, GB decides. The full route to arrival on both sides, illegal
 * transitions refused by message and by action, and a lapse on a short window (an applicant returned before:
 * GalleryIT).
 */
class AdmissionIT {

    @TempDir
    static Path dir;
    static Exchange exchange;
    static Node gb;
    static Node fr;

    @BeforeAll
    static void startNodes() {
        exchange = Exchange.start(dir, Map.of(
                "passerelle.admission.enforce-transitions", "true",
                "passerelle.admission.presence-window", "15s",
                "passerelle.admission.lapse-check-interval", "1s"));
        gb = exchange.gb;
        fr = exchange.fr;
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void admissionGoesFromReferralToArrivalOnBothNodes() {
        // given FR refers an expression of interest
        String ref = caseReference("FR", "AD");
        assertThat(fr.submit(CaseworkMessages.referral("FR", "GB", ref)).statusCode()).isEqualTo(202);
        awaitState(gb, ref, "EXPRESSION_OF_INTEREST_RECEIVED");
        assertThat(caseOf(fr, ref)).contains("\"role\":\"REFERRING\"");
        assertThat(caseOf(gb, ref)).contains("\"role\":\"DECIDING\"");

        // when GB confirms presence, finds the applicant eligible, clears security, approves, and confirms arrival
        HttpResponse<String> presence = post(gb, "/api/v1/admissions/cases/" + ref + "/presence", Node.SYSTEM_TOKEN, null);
        assertThat(presence.statusCode()).as(presence.body()).isEqualTo(200);
        assertThat(presence.body()).contains("\"state\":\"BIOMETRICS_CAPTURED\"");
        // (the applicant's fingerprints are searched against GB's gallery first: GalleryIT holds and reviews a match)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(caseOf(gb, ref)).contains("\"status\":\"NO_MATCH\""));
        submitted(gb, CaseworkMessages.eligibility("GB", "FR", ref, true, null));
        awaitState(fr, ref, "ELIGIBILITY_CHECKED");
        HttpResponse<String> security = post(gb, "/api/v1/admissions/cases/" + ref + "/security-check", Node.SYSTEM_TOKEN,
                "{\"outcome\":\"CLEARED\"}");
        assertThat(security.statusCode()).as(security.body()).isEqualTo(200);
        submitted(gb, CaseworkMessages.decision("GB", "FR", ref));
        awaitState(fr, ref, "APPROVED");
        submitted(gb, CaseworkMessages.arrival("GB", "FR", ref));

        // then both nodes hold the case as arrived, each with its own history
        awaitState(fr, ref, "ARRIVED");
        awaitState(gb, ref, "ARRIVED");
        assertThat(caseOf(gb, ref)).contains("PRESENCE_CONFIRMED", "BIOMETRICS_ON_FILE", "SECURITY_CHECK_RECORDED",
                "\"securityOutcome\":\"CLEARED\"", "ARRIVAL_CONFIRMED");
        assertThat(caseOf(fr, ref)).contains("REFERRAL", "ELIGIBLE", "APPROVED", "ARRIVAL_CONFIRMED")
                .doesNotContain("SECURITY_CHECK_RECORDED");
        assertThat(gb.bean(AuditTrail.class).latest(200)).anyMatch(e -> e.action().equals("ADMISSION_PRESENCE_CONFIRMED")
                && e.outcome().equals("GRANTED") && e.actor().equals("casework-system"));
    }

    @Test
    void illegalTransitionsAreRefusedByMessageAndByAction() {
        String ref = caseReference("FR", "AD");
        assertThat(fr.submit(CaseworkMessages.referral("FR", "GB", ref)).statusCode()).isEqualTo(202);
        awaitState(gb, ref, "EXPRESSION_OF_INTEREST_RECEIVED");

        // a decision before presence, eligibility and security: refused at GB's intake, audited, not stored
        byte[] decision = CaseworkMessages.decision("GB", "FR", ref);
        HttpResponse<String> refused = gb.submit(decision);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("ILLEGAL_ADMISSION_TRANSITION", "not allowed in state EXPRESSION_OF_INTEREST_RECEIVED");
        String id = Envelopes.header(decision, "MessageId");
        assertThat(gb.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(gb.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::code)
                .containsExactly("ILLEGAL_ADMISSION_TRANSITION");

        // a second referral of the same case, and a result about a case nobody referred
        assertThat(fr.submit(CaseworkMessages.referral("FR", "GB", ref)).body()).contains("ILLEGAL_ADMISSION_TRANSITION");
        assertThat(gb.submit(CaseworkMessages.eligibility("GB", "FR", caseReference("FR", "AD"), true, null)).body())
                .contains("ILLEGAL_ADMISSION_TRANSITION");

        // the referring side may not confirm presence, nor may anyone act on a withdrawn case
        HttpResponse<String> frPresence = post(fr, "/api/v1/admissions/cases/" + ref + "/presence", Node.SYSTEM_TOKEN, null);
        assertThat(frPresence.statusCode()).isEqualTo(409);
        assertThat(frPresence.body()).contains("ILLEGAL_ADMISSION_TRANSITION");
        assertThat(post(gb, "/api/v1/admissions/cases/" + ref + "/withdrawal", Node.SYSTEM_TOKEN, null).statusCode()).isEqualTo(200);
        HttpResponse<String> late = post(gb, "/api/v1/admissions/cases/" + ref + "/presence", Node.SYSTEM_TOKEN, null);
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(gb.bean(AuditTrail.class).latest(20)).anyMatch(e -> e.action().equals("ADMISSION_PRESENCE_CONFIRMED")
                && e.outcome().equals("REFUSED") && "ILLEGAL_ADMISSION_TRANSITION".equals(e.code()));
        assertThat(caseOf(gb, ref)).contains("\"state\":\"WITHDRAWN\"");

        // an administrator token is not a caseworker
        assertThat(post(gb, "/api/v1/admissions/cases/" + ref + "/withdrawal", Node.ADMIN_TOKEN, null).statusCode()).isEqualTo(403);
    }

    @Test
    void caseLapsesWhenPresenceIsNotConfirmedInTheWindow() {
        String ref = caseReference("FR", "AD");
        assertThat(fr.submit(CaseworkMessages.referral("FR", "GB", ref)).statusCode()).isEqualTo(202);
        awaitState(gb, ref, "EXPRESSION_OF_INTEREST_RECEIVED");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(caseOf(gb, ref)).contains("\"state\":\"LAPSED\""));

        assertThat(caseOf(gb, ref)).contains("\"event\":\"LAPSED\"", "\"actor\":\"node\"");
        assertThat(post(gb, "/api/v1/admissions/cases/" + ref + "/presence", Node.SYSTEM_TOKEN, null).statusCode()).isEqualTo(409);
        assertThat(caseOf(fr, ref)).contains("\"state\":\"EXPRESSION_OF_INTEREST_RECEIVED\"");
    }

    static void submitted(Node node, byte[] xml) {
        HttpResponse<String> response = node.submit(xml);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    static String caseOf(Node node, String ref) {
        return node.get("/api/v1/admissions/cases/" + ref, Node.SYSTEM_TOKEN).body();
    }

    static void awaitState(Node node, String ref, String state) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(caseOf(node, ref)).contains("\"state\":\"" + state + "\""));
    }
}
