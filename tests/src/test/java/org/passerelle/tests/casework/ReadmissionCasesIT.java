package org.passerelle.tests.casework;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.retention.PayloadRetention;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.KeyMaterial;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import org.passerelle.tests.support.PartnerCall;

/**
 * Readmission cases through two real nodes: GB requests, FR decides, the transfer is reported; the scheme's edge
 * rules at GB's intake; illegal transitions refused at either edge and at the API; user actions; the legal clocks.
 * GB's reply window for FR is a few seconds so that the clocks can be watched passing.
 */
class ReadmissionCasesIT {

    static final String CMS = "application/pkcs7-mime; smime-type=enveloped-data";
    static final Duration REPLY_WITHIN = Duration.ofSeconds(5);
    static final AtomicInteger SERIAL = new AtomicInteger((int) (System.nanoTime() % 500_000));

    @TempDir
    static Path dir;
    static Exchange exchange;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startNodes() {
        exchange = Exchange.start(dir, Map.of(
                "passerelle.readmission.enabled", true,
                "passerelle.readmission.check-interval", "300ms",
                "passerelle.readmission.due-soon-within", "1h",
                // Payloads of closed cases are erased two seconds after closing when a test runs the purge.
                "passerelle.retention.closed-case-payloads", "2s",
                // and biometric search messages two seconds after they were accepted, whatever their case
                "passerelle.retention.search-payloads", "2s",
                "GB:passerelle.scheme.phases[0].partners.FR.clocks.reply-within", REPLY_WITHIN.toSeconds() + "s",
                // As long as the request window, so that a request sent at the window's very end expires in seconds.
                "GB:passerelle.scheme.phases[0].partners.FR.clocks.process-within", "P14D"));
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void aReturnRunsFromRequestToTransferOnBothNodes() {
        // given GB's back-end proposes a person who arrived yesterday
        String ref = newCaseReference();
        String conversation = UUID.randomUUID().toString();
        byte[] request = request(ref, conversation, Instant.now().minus(1, ChronoUnit.DAYS), null);

        // when it is sent, then both nodes hold the case, acknowledged by the receipt, with the reply clock running
        assertAccepted(exchange.gb.submit(request));
        awaitState(exchange.gb, ref, "ACKNOWLEDGED");
        awaitState(exchange.fr, ref, "ACKNOWLEDGED");
        String gbCase = caseJson(exchange.gb, ref);
        assertThat(gbCase).contains("\"role\":\"REQUESTING\"").contains("\"partner\":\"FR\"").contains("\"replyDue\":\"");
        assertThat(caseJson(exchange.fr, ref)).contains("\"role\":\"REQUESTED\"").contains("\"partner\":\"GB\"");

        // when FR accepts, schedules come from GB, and the transfer completes
        assertAccepted(exchange.fr.submit(decision(ref, conversation, "ACCEPTED", false)));
        awaitState(exchange.gb, ref, "ACCEPTED");
        assertThat(state(exchange.fr, ref)).isEqualTo("ACCEPTED");
        assertAccepted(exchange.gb.submit(transfer(ref, conversation, "SCHEDULED", "GB", "FR")));
        awaitState(exchange.fr, ref, "TRANSFER_SCHEDULED");
        assertThat(state(exchange.gb, ref)).isEqualTo("TRANSFER_SCHEDULED");
        assertAccepted(exchange.gb.submit(transfer(ref, conversation, "COMPLETED", "GB", "FR")));

        // then both nodes record the transfer and the whole history
        awaitState(exchange.fr, ref, "TRANSFERRED");
        assertThat(state(exchange.gb, ref)).isEqualTo("TRANSFERRED");
        assertThat(events(caseJson(exchange.gb, ref))).containsExactly("REQUEST", "RECEIPT", "DECISION_ACCEPTED",
                "TRANSFER_SCHEDULED", "TRANSFER_COMPLETED");
        assertThat(events(caseJson(exchange.fr, ref))).containsExactly("REQUEST", "RECEIPT", "DECISION_ACCEPTED",
                "TRANSFER_SCHEDULED", "TRANSFER_COMPLETED");
        assertThat(exchange.gb.bean(AuditTrail.class).latest(200)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("CASE_TRANSITION");
            assertThat(e.detail()).isEqualTo(ref + " TRANSFER_SCHEDULED->TRANSFERRED on TRANSFER_COMPLETED");
        });

        // and the report of today counts the return and times each of its steps against its clock, naming no case
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        HttpResponse<String> report = exchange.gb.get("/api/v1/reports?from=" + today + "&to=" + today.plusDays(1),
                Node.ADMIN_TOKEN);
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
        assertThat(report.body()).contains("\"key\":\"returns_admissions\"", "\"key\":\"timeliness\"",
                "[\"FR\",\"reply (receipt to decision)\"", "[\"FR\",\"whole process (arrival to transfer)\"")
                .doesNotContain(ref);
        HttpResponse<String> none = exchange.gb.get("/api/v1/reports?from=" + today + "&to=" + today, Node.ADMIN_TOKEN);
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("REPORT_PERIOD_INVALID");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"UnaccompaniedChild", "ExcludingMedicalCondition", "PendingTraffickingReferral",
            "PendingHumanRightsClaim", "SuspensiveAppealOrInjunction"})
    void anExcludedPersonIsNeverProposed(String flag) {
        // given a request whose screening sets one excluding flag
        String ref = newCaseReference();
        byte[] request = request(ref, UUID.randomUUID().toString(), Instant.now().minus(1, ChronoUnit.DAYS), flag);

        // when GB's back-end submits it
        HttpResponse<String> response = exchange.gb.submit(request);

        // then it is refused with the rule that stopped it, audited, and nothing is stored or sent
        String rule = flag.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
        assertRefusedAtIntake(exchange.gb, response, request, 422, "EXCLUDED_FROM_READMISSION");
        assertThat(response.body()).contains(rule);
        assertThat(latestRefusal(exchange.gb).detail()).contains(rule);
        assertThat(exchange.gb.get("/api/v1/cases/readmission/" + ref, Node.SYSTEM_TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void aFirstRequestMustLeaveWithinFourteenDaysOfArrival() {
        // given a person who arrived fifteen days ago, and another thirteen days ago
        byte[] late = request(newCaseReference(), UUID.randomUUID().toString(),
                Instant.now().minus(15, ChronoUnit.DAYS), null);
        byte[] inTime = request(newCaseReference(), UUID.randomUUID().toString(),
                Instant.now().minus(13, ChronoUnit.DAYS), null);

        // when both are submitted, then the late one is refused and the other accepted
        assertRefusedAtIntake(exchange.gb, exchange.gb.submit(late), late, 422, "REQUEST_WINDOW_CLOSED");
        assertAccepted(exchange.gb.submit(inTime));
    }

    @Test
    void gbsInboxRefusesADecisionForACaseNeverRequested() {
        // given FR (its own key, straight to GB's inbox) decides on a case GB never requested
        String ref = newCaseReference();
        byte[] decision = decision(ref, UUID.randomUUID().toString(), "ACCEPTED", false);

        // when it arrives, then GB refuses it with UNKNOWN_CASE, audits it, stores and delivers nothing
        HttpResponse<byte[]> response = sendAsFr(decision);
        assertRefusedAtInbox(response, decision, "UNKNOWN_CASE");
        assertThat(exchange.gb.get("/api/v1/cases/readmission/" + ref, Node.SYSTEM_TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void frsIntakeRefusesADecisionForACaseItWasNeverAsked() {
        byte[] decision = decision(newCaseReference(), UUID.randomUUID().toString(), "REFUSED", false);

        assertRefusedAtIntake(exchange.fr, exchange.fr.submit(decision), decision, 409, "UNKNOWN_CASE");
    }

    @Test
    void gbsInboxRefusesATransferStatusBeforeAcceptance() {
        // given a case acknowledged on both nodes
        String ref = newCaseReference();
        String conversation = UUID.randomUUID().toString();
        assertAccepted(exchange.gb.submit(request(ref, conversation, Instant.now().minus(1, ChronoUnit.DAYS), null)));
        awaitState(exchange.gb, ref, "ACKNOWLEDGED");

        // when FR reports the transfer scheduled before any decision
        byte[] transfer = transfer(ref, conversation, "SCHEDULED", "FR", "GB");
        HttpResponse<byte[]> response = sendAsFr(transfer);

        // then GB refuses it and the case does not move
        assertRefusedAtInbox(response, transfer, "ILLEGAL_TRANSITION");
        assertThat(state(exchange.gb, ref)).isEqualTo("ACKNOWLEDGED");
        assertThat(events(caseJson(exchange.gb, ref))).containsExactly("REQUEST", "RECEIPT");
    }

    @Test
    void aCaseIsSuspendedResumedAndCancelledByAuthorisedUsers() {
        // given an acknowledged case
        String ref = newCaseReference();
        assertAccepted(exchange.gb.submit(request(ref, UUID.randomUUID().toString(),
                Instant.now().minus(1, ChronoUnit.DAYS), null)));
        awaitState(exchange.gb, ref, "ACKNOWLEDGED");

        // when an administrator suspends it for a legal challenge, then it is suspended and remembers where it was
        HttpResponse<String> suspended = action(ref, "suspend", Node.ADMIN_TOKEN);
        assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
        assertThat(suspended.body()).contains("\"state\":\"SUSPENDED\"").contains("\"suspendedFrom\":\"ACKNOWLEDGED\"");

        // when the casework system resumes it, then it is back where it was
        HttpResponse<String> resumed = action(ref, "RESUME", Node.SYSTEM_TOKEN);
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        assertThat(resumed.body()).contains("\"state\":\"ACKNOWLEDGED\"");

        // when it is resumed again (it is not suspended), then 409 ILLEGAL_TRANSITION, audited, nothing changed
        HttpResponse<String> again = action(ref, "RESUME", Node.ADMIN_TOKEN);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("\"code\":\"ILLEGAL_TRANSITION\"");
        AuditEvent refused = exchange.gb.bean(AuditTrail.class).latest(20).stream()
                .filter(e -> "CASE_ACTION".equals(e.action())).findFirst().orElseThrow();
        assertThat(refused.outcome()).isEqualTo("REFUSED");
        assertThat(refused.code()).isEqualTo("ILLEGAL_TRANSITION");
        assertThat(state(exchange.gb, ref)).isEqualTo("ACKNOWLEDGED");

        // when it is cancelled, then it is cancelled, and the history shows every step with who took it
        HttpResponse<String> cancelled = action(ref, "CANCEL", Node.ADMIN_TOKEN);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(events(cancelled.body())).containsExactly("REQUEST", "RECEIPT", "SUSPEND", "RESUME", "CANCEL");
        assertThat(cancelled.body()).contains("\"actor\":\"administrator\"").contains("\"actor\":\"casework-system\"");

        // and a decision FR then sends for it is refused at GB's inbox
        HttpResponse<byte[]> late = sendAsFr(decision(ref, UUID.randomUUID().toString(), "ACCEPTED", false));
        assertThat(late.headers().firstValue("X-Passerelle-Fault")).hasValue("ILLEGAL_TRANSITION");
    }

    @Test
    void userActionsNeedAnAuthorisedCaller() {
        String ref = newCaseReference();
        assertThat(action(ref, "CANCEL", null).statusCode()).isEqualTo(401);
        assertThat(action(ref, "CANCEL", Node.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(action(ref, "DELETE", Node.ADMIN_TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void aReplyNotGivenInTimeIsListedOverdueAndAlertedOnce() {
        // given a case acknowledged by FR, whose reply GB expects within a few seconds
        String ref = newCaseReference();
        assertAccepted(exchange.gb.submit(request(ref, UUID.randomUUID().toString(),
                Instant.now().minus(1, ChronoUnit.DAYS), null)));
        awaitState(exchange.gb, ref, "ACKNOWLEDGED");

        // then it is due soon, and not overdue
        assertThat(list("soon")).contains(ref);
        assertThat(list("overdue")).doesNotContain(ref);

        // when the reply window passes without a decision, then it is overdue, alerted and counted
        await().atMost(REPLY_WITHIN.plusSeconds(20)).untilAsserted(() -> assertThat(list("overdue")).contains(ref));
        assertThat(list("soon")).doesNotContain(ref);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(alerts(ref)).hasSize(1));
        assertThat(caseJson(exchange.gb, ref)).contains("\"overdue\":[\"REPLY\"]");
        String metrics = exchange.gb.get("/actuator/prometheus", Node.ADMIN_TOKEN).body();
        assertThat(metrics).containsPattern("passerelle_readmission_cases_overdue\\{deadline=\"reply\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("passerelle_readmission_deadline_alerts_total\\{deadline=\"reply\"[^}]*} [1-9]");

        // and FR, whose window is the agreement's 14 days, lists nothing overdue for it; later checks raise no second alert
        assertThat(exchange.fr.get("/api/v1/cases/readmission?due=overdue", Node.SYSTEM_TOKEN).body()).doesNotContain(ref);
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(alerts(ref)).hasSize(1));
    }

    @Test
    void aRequestForMoreInformationMarkedExceptionalGivesThePartnerTwentyEightDays() {
        // given an acknowledged case
        String ref = newCaseReference();
        String conversation = UUID.randomUUID().toString();
        Instant arrived = Instant.now().minus(2, ChronoUnit.DAYS);
        assertAccepted(exchange.gb.submit(request(ref, conversation, arrived, null)));
        awaitState(exchange.fr, ref, "ACKNOWLEDGED");

        // when FR asks for more information and marks the case exceptional
        assertAccepted(exchange.fr.submit(decision(ref, conversation, "MORE_INFORMATION_REQUESTED", true)));
        awaitState(exchange.gb, ref, "MORE_INFORMATION_REQUESTED");

        // and GB sends the request again with what was asked
        assertAccepted(exchange.gb.submit(request(ref, conversation, arrived, null)));

        // then both nodes are back to awaiting FR, and GB now gives FR the exceptional 28 days from the new receipt
        awaitState(exchange.fr, ref, "ACKNOWLEDGED");
        awaitState(exchange.gb, ref, "ACKNOWLEDGED");
        String gbCase = caseJson(exchange.gb, ref);
        assertThat(gbCase).contains("\"exceptional\":true");
        Instant replyDue = Instant.parse(field(gbCase, "replyDue"));
        assertThat(replyDue).isBetween(Instant.now().plus(Duration.ofDays(28)).minusSeconds(60),
                Instant.now().plus(Duration.ofDays(28)));
        assertThat(events(gbCase)).containsExactly("REQUEST", "RECEIPT", "DECISION_MORE_INFORMATION", "REQUEST",
                "RECEIPT");
    }

    @Test
    void aCasePastTheWholeProcessLimitExpiresWithOneAlert() {
        // given a request sent at the very end of its window, so that the (test's) process limit is seconds away
        String ref = newCaseReference();
        // (30 s left in the window: the request must pass GB's intake and FR's inbox before it closes, under any load;
        // the case then expires 14 calendar days after arrival, 30 s from now)
        Instant arrived = Instant.now().minus(Duration.ofDays(14)).plusSeconds(30);
        assertAccepted(exchange.gb.submit(request(ref, UUID.randomUUID().toString(), arrived, null)));
        awaitState(exchange.gb, ref, "ACKNOWLEDGED");

        // when the limit passes, then the case expires, the alert is raised once, and the partner's decision is refused
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(state(exchange.gb, ref)).isEqualTo("EXPIRED"));
        assertThat(events(caseJson(exchange.gb, ref))).endsWith("EXPIRE");
        assertThat(exchange.gb.bean(AuditTrail.class).latest(1000).stream()
                .filter(e -> "DEADLINE_OVERDUE".equals(e.action()) && e.detail().startsWith(ref + " PROCESS")))
                .hasSize(1);
        HttpResponse<byte[]> late = sendAsFr(decision(ref, UUID.randomUUID().toString(), "ACCEPTED", false));
        assertThat(late.headers().firstValue("X-Passerelle-Fault")).hasValue("ILLEGAL_TRANSITION");
    }

    @Test
    void aClosedCaseLosesItsPayloadsAfterTheRetentionPeriodAndEachErasureIsAudited() {
        // given a case FR refused and a case still open, both on GB
        String closedRef = newCaseReference();
        String conversation = UUID.randomUUID().toString();
        byte[] closedRequest = request(closedRef, conversation, Instant.now().minus(1, ChronoUnit.DAYS), null);
        assertAccepted(exchange.gb.submit(closedRequest));
        awaitState(exchange.gb, closedRef, "ACKNOWLEDGED");
        byte[] refusal = decision(closedRef, conversation, "REFUSED", false);
        assertAccepted(exchange.fr.submit(refusal));
        awaitState(exchange.gb, closedRef, "REFUSED");
        String openRef = newCaseReference();
        byte[] openRequest = request(openRef, UUID.randomUUID().toString(), Instant.now().minus(1, ChronoUnit.DAYS), null);
        assertAccepted(exchange.gb.submit(openRequest));
        awaitState(exchange.gb, openRef, "ACKNOWLEDGED");
        MessageStore store = exchange.gb.bean(MessageStore.class);
        String requestId = Envelopes.header(closedRequest, "MessageId");
        String refusalId = Envelopes.header(refusal, "MessageId");
        assertThat(store.payload(refusalId)).isPresent();

        // when the retention period has run since the case closed and the purge runs
        PayloadRetention retention = exchange.gb.bean(PayloadRetention.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            retention.purgeDue();
            return store.payload(requestId).isEmpty() && store.payload(refusalId).isEmpty();
        });

        // then both messages of the closed case keep their metadata and history but not their bytes, each erasure
        // is audited once with the case and the payload's digest, and the open case keeps its payload
        for (String id : List.of(requestId, refusalId)) {
            assertThat(store.find(id)).isPresent();
            assertThat(store.history(id)).isNotEmpty();
            List<AuditEvent> purges = exchange.gb.bean(AuditTrail.class).forMessage(id).stream()
                    .filter(e -> e.action().equals("PAYLOAD_PURGED")).toList();
            assertThat(purges).singleElement().satisfies(e -> {
                assertThat(e.payloadSha256()).isEqualTo(store.find(id).orElseThrow().payloadSha256());
                assertThat(e.detail()).contains("READMISSION case closed REFUSED");
                assertThat(e.caseReference()).isEqualTo(closedRef);
            });
        }
        assertThat(store.payload(Envelopes.header(openRequest, "MessageId"))).isPresent();
        retention.purgeDue();
        assertThat(exchange.gb.bean(AuditTrail.class).forMessage(requestId).stream()
                .filter(e -> e.action().equals("PAYLOAD_PURGED"))).hasSize(1);
    }

    @Test
    void aBiometricSearchLosesItsPayloadAfterItsRetentionPeriodThoughThisNodeHoldsNoCaseOfIt() {
        // given a liaison search GB sent to FR for a case GB does not keep, delivered
        byte[] search = Envelopes.sample("BiometricSearchRequest", "GB", "FR");
        String id = Envelopes.header(search, "MessageId");
        assertAccepted(exchange.gb.submit(search));
        MessageStore store = exchange.gb.bean(MessageStore.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> store.find(id).orElseThrow().receiptAt() != null);

        // when its retention period has run and the purge runs, then its fingerprints are gone, its metadata kept,
        // and the erasure audited once with the payload's digest
        PayloadRetention retention = exchange.gb.bean(PayloadRetention.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            retention.purgeDue();
            return store.payload(id).isEmpty();
        });
        assertThat(store.find(id)).isPresent();
        assertThat(exchange.gb.bean(AuditTrail.class).forMessage(id)).filteredOn(e -> e.action().equals("PAYLOAD_PURGED"))
                .singleElement().satisfies(e -> {
                    assertThat(e.resource()).isEqualTo("biometric-search");
                    assertThat(e.payloadSha256()).isEqualTo(store.find(id).orElseThrow().payloadSha256());
                });
    }

    @Test
    void theListNeedsAKnownFilter() {
        HttpResponse<String> response = exchange.gb.get("/api/v1/cases/readmission?due=tomorrow", Node.ADMIN_TOKEN);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("CASE_QUERY_INVALID");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    static String newCaseReference() {
        return "GB-RA-2026-%06d".formatted(SERIAL.incrementAndGet() % 1_000_000);
    }

    /** A readmission request GB → FR for this case and arrival; {@code flag} (an element name) set to true if given. */
    static byte[] request(String ref, String conversation, Instant arrivedAt, String flag) {
        String xml = text(CaseworkMessages.readmissionRequest(ref, conversation, arrivedAt));
        if (flag != null) {
            xml = body(xml, flag, "true");
        }
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] decision(String ref, String conversation, String outcome, boolean exceptional) {
        return decision("FR", ref, conversation, outcome, exceptional);
    }

    static byte[] decision(String from, String ref, String conversation, String outcome, boolean exceptional) {
        String xml = text(Envelopes.sample("ReadmissionDecision", from, "GB", conversation));
        xml = body(xml, "CaseReference", ref);
        xml = body(xml, "Decision", outcome);
        xml = body(xml, "Exceptional", Boolean.toString(exceptional));
        xml = body(xml, "DecidedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if ("ACCEPTED".equals(outcome)) {
            xml = xml.replaceAll("\\s*<ra:ReasonCode>[^<]*</ra:ReasonCode>", "");
        }
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] transfer(String ref, String conversation, String status, String from, String to) {
        String xml = text(Envelopes.sample("TransferStatus", from, to, conversation));
        xml = body(xml, "CaseReference", ref);
        xml = body(xml, "Status", status);
        xml = xml.replaceAll("\\s*<ra:ReasonCode>[^<]*</ra:ReasonCode>", "");
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] xml) {
        return new String(xml, StandardCharsets.UTF_8);
    }

    /** Replaces the text of the first {@code ra:NAME} (or {@code cs:NAME}) body element. */
    private static String body(String xml, String name, String value) {
        Matcher m = Pattern.compile("(<(?:ra|cs):" + name + ">)([^<]*)(</(?:ra|cs):" + name + ">)").matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("No " + name + " in the body");
        }
        return xml.substring(0, m.start(2)) + value + xml.substring(m.end(2));
    }

    private static HttpResponse<byte[]> sendAsFr(byte[] xml) {
        KeyMaterial fr = exchange.pki.gateway("FR").load();
        byte[] cms = new CmsEncryptor().encrypt(new CmsSigner(fr).sign(xml),
                exchange.pki.gateway("GB").load().certificate());
        return PartnerCall.post(exchange.pki, exchange.gb, fr, CMS, cms);
    }

    private static void assertAccepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static void assertRefusedAtIntake(Node node, HttpResponse<String> response, byte[] xml, int status,
                                              String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("\"code\":\"" + code + "\"");
        AuditEvent refusal = latestRefusal(node);
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.messageId()).isEqualTo(Envelopes.header(xml, "MessageId"));
        assertThat(node.bean(MessageStore.class).find(Envelopes.header(xml, "MessageId"))).isEmpty();
    }

    private static void assertRefusedAtInbox(HttpResponse<byte[]> response, byte[] xml, String code) {
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(409);
        assertThat(response.headers().firstValue("X-Passerelle-Fault")).hasValue(code);
        AuditEvent refusal = latestRefusal(exchange.gb);
        assertThat(refusal.code()).isEqualTo(code);
        assertThat(refusal.channel()).isEqualTo("INBOX");
        String id = Envelopes.header(xml, "MessageId");
        assertThat(exchange.gb.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(exchange.gbBackend.findAll(anyRequestedFor(anyUrl())
                .withHeader("X-Passerelle-Message-Id", equalTo(id)))).isEmpty();
    }

    private static AuditEvent latestRefusal(Node node) {
        return node.bean(AuditTrail.class).latest(20).stream()
                .filter(e -> "MESSAGE_REFUSED".equals(e.action())).findFirst().orElseThrow();
    }

    private static List<AuditEvent> alerts(String ref) {
        return exchange.gb.bean(AuditTrail.class).latest(1000).stream()
                .filter(e -> "DEADLINE_OVERDUE".equals(e.action()) && e.detail().startsWith(ref + " REPLY")).toList();
    }

    static String caseJson(Node node, String ref) {
        HttpResponse<String> response = node.get("/api/v1/cases/readmission/" + ref, Node.SYSTEM_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    static String state(Node node, String ref) {
        Matcher m = Pattern.compile("\"state\":\"([A-Z_]+)\"").matcher(caseJson(node, ref));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    static void awaitState(Node node, String ref, String state) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> response = node.get("/api/v1/cases/readmission/" + ref, Node.SYSTEM_TOKEN);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"state\":\"" + state + "\"");
        });
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(name).isTrue();
        return m.group(1);
    }

    private static List<String> events(String caseJson) {
        return Pattern.compile("\"event\":\"([A-Z_]+)\"").matcher(caseJson).results().map(r -> r.group(1)).toList();
    }

    private static String list(String due) {
        HttpResponse<String> response = exchange.gb.get("/api/v1/cases/readmission?due=" + due, Node.SYSTEM_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> action(String ref, String action, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(exchange.gb.api("/api/v1/cases/readmission/" + ref + "/actions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"" + action + "\"}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
