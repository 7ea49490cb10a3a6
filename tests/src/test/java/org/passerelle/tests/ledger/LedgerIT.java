package org.passerelle.tests.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.passerelle.tests.casework.CaseworkMessages.caseReference;
import static org.passerelle.tests.casework.CaseworkMessages.post;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.tests.casework.CaseworkMessages;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * The equivalence ledger through two real nodes under the one-for-one policy: a completed return and a completed
 * admission counted on both sides, the weekly statements reconciling in agreement, then a discrepancy named case
 * by case, then a breach alerted. The steps build on each other, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerIT {

    @TempDir
    static Path dir;
    static Exchange exchange;
    static Node gb;
    static Node fr;
    static final String RETURNED = caseReference("GB", "RA");
    static final String ADMITTED = caseReference("FR", "AD");
    static final String OFF_EXCHANGE = caseReference("GB", "RA");

    @BeforeAll
    static void startNodes() {
        // Arrivals here have no admission case behind them: the ledger counts them whatever the case workflow says.
        exchange = Exchange.start(dir, Map.of("passerelle.admission.enforce-transitions", "false",
                "passerelle.ledger.weekly-statements", "false"));
        gb = exchange.gb;
        fr = exchange.fr;
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    @Order(1)
    void countsAReturnAndAnAdmissionOnBothNodesAndTheStatementsAgree() {
        // when GB reports a completed transfer and a confirmed arrival
        assertThat(gb.submit(CaseworkMessages.transferCompleted("GB", "FR", RETURNED)).statusCode()).isEqualTo(202);
        // (in that order on FR too: an arrival counted before its return would already be a one-for-one breach)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ledger(fr)).contains(RETURNED));
        assertThat(gb.submit(CaseworkMessages.arrival("GB", "FR", ADMITTED)).statusCode()).isEqualTo(202);

        // then both ledgers count one of each this week, naming the cases
        for (Node node : new Node[] {gb, fr}) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ledger(node))
                    .contains("\"returns\":1,\"admissions\":1", RETURNED, ADMITTED));
        }
        assertThat(ledger(gb)).contains("\"week\":\"" + thisWeek() + "\"", "\"kind\":\"ONE_FOR_ONE\"");

        // when each node sends its statement of this week
        sendStatement(gb);
        sendStatement(fr);

        // then each records agreement with the other's
        for (Node node : new Node[] {gb, fr}) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastReconciliation(node))
                    .contains("\"returns\":1,\"admissions\":1", "\"agreed\":true", "\"discrepancy\":null"));
        }
        assertThat(fr.bean(AuditTrail.class).latest(50)).anyMatch(e -> e.action().equals("LEDGER_RECONCILED")
                && "EQUIVALENCE_AGREED".equals(e.code()));

        // and the reconciliation is joint: each countersigned the other's statement, and each keeps the answer
        for (Node node : new Node[] {gb, fr}) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastStatementSent(node))
                    .contains("\"partnerOutcome\":\"AGREED\"", "\"partnerReturns\":1,\"partnerAdmissions\":1",
                            "\"disputedCases\":null"));
            assertThat(lastReconciliation(node)).containsPattern("\"replyMessageId\":\"[0-9a-f-]{36}\"");
        }
        assertThat(gb.bean(AuditTrail.class).latest(50)).anyMatch(e -> e.action().equals("LEDGER_RECONCILED")
                && "EQUIVALENCE_COUNTERSIGNED".equals(e.code()) && "FR".equals(e.partner()));
    }

    @Test
    @Order(2)
    void aReturnCountedOnOneSideOnlyIsNamedInTheDiscrepancy() {
        // given an administrator counts on GB a return that never went through the exchange
        HttpResponse<String> manual = post(gb, "/api/v1/ledger/entries", Node.ADMIN_TOKEN,
                "{\"partner\":\"FR\",\"kind\":\"RETURN\",\"caseReference\":\"" + OFF_EXCHANGE + "\",\"date\":\""
                        + LocalDate.now(ZoneOffset.UTC) + "\"}");
        assertThat(manual.statusCode()).as(manual.body()).isEqualTo(201);

        // when both nodes send their statements again
        sendStatement(gb);
        sendStatement(fr);

        // then FR sees GB states one return more than it counts; GB names the case FR cannot know
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastReconciliation(fr))
                .contains("\"returns\":2", "\"agreed\":false",
                        "RETURN: partner states 2, we count 1; the partner counts 1 case(s) this node has not"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastReconciliation(gb))
                .contains("\"agreed\":false", "RETURN: partner states 1, we count 2; counted here but not known to have "
                        + "reached the partner: " + OFF_EXCHANGE + ";"));
        assertThat(lastReconciliation(gb)).doesNotContain("ADMISSION:");
        assertThat(gb.bean(AuditTrail.class).latest(50)).anyMatch(e -> e.action().equals("LEDGER_RECONCILED")
                && "EQUIVALENCE_DISCREPANCY".equals(e.code()) && e.detail().contains(OFF_EXCHANGE));

        // and FR's answer disputes GB's statement: GB keeps it, naming the case FR does not count
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastStatementSent(gb))
                .contains("\"partnerOutcome\":\"DISPUTED\"", "\"partnerReturns\":1",
                        "RETURN: we stated 2, the partner counts 1; counted here only: " + OFF_EXCHANGE
                                + "; counted by the partner only: none"));
        assertThat(lastStatementSent(gb)).doesNotContain("ADMISSION:");
        assertThat(gb.bean(AuditTrail.class).latest(50)).anyMatch(e -> e.action().equals("LEDGER_RECONCILED")
                && "EQUIVALENCE_DISPUTED".equals(e.code()) && e.detail().contains(OFF_EXCHANGE));
        // FR, which counts less, sees GB's answer dispute its statement too, with nothing FR counts alone
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastStatementSent(fr))
                .contains("\"partnerOutcome\":\"DISPUTED\"", "\"partnerReturns\":2",
                        "counted here only: none; counted by the partner only: " + OFF_EXCHANGE));
    }

    @Test
    @Order(3)
    void admissionsOutrunningReturnsRaiseABreachAlertAndAMetric() {
        // given FR counts 1 return and 1 admission; two more arrivals leave 3 admissions against 1 return
        assertThat(gb.submit(CaseworkMessages.arrival("GB", "FR", caseReference("FR", "AD"))).statusCode()).isEqualTo(202);
        assertThat(gb.submit(CaseworkMessages.arrival("GB", "FR", caseReference("FR", "AD"))).statusCode()).isEqualTo(202);

        // then FR alerts the breach once, by audit entry and metric, and the ledger shows it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fr.bean(AuditTrail.class).latest(50))
                .anyMatch(e -> e.action().equals("LEDGER_ALERT") && "EQUIVALENCE_BREACH".equals(e.code())
                        && e.detail().contains("ONE_FOR_ONE")));
        assertThat(fr.bean(MeterRegistry.class).find("passerelle.ledger.alerts").tag("level", "BREACH")
                .tag("rule", "ONE_FOR_ONE").counter())
                .isNotNull().satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
        assertThat(ledger(fr)).contains("\"level\":\"BREACH\"");
        // (raised earlier in the week's counting, with the joint reconciliation's messages since)
        assertThat(fr.bean(AuditTrail.class).latest(500)).anyMatch(e -> e.action().equals("LEDGER_ALERT")
                && "EQUIVALENCE_NEAR_BREACH".equals(e.code()));
    }

    static void sendStatement(Node node) {
        HttpResponse<String> sent = post(node, "/api/v1/ledger/statements?partner=" + (node == gb ? "FR" : "GB"),
                Node.SYSTEM_TOKEN, null);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        assertThat(sent.body()).contains(thisWeek());
    }

    static String ledger(Node node) {
        return node.get("/api/v1/ledger", Node.SYSTEM_TOKEN).body();
    }

    static String lastReconciliation(Node node) {
        String body = ledger(node);
        int at = body.indexOf("\"lastReconciliation\"");
        return at < 0 ? "" : body.substring(at, body.indexOf("\"lastStatementSent\"", at));
    }

    static String lastStatementSent(Node node) {
        String body = ledger(node);
        int at = body.indexOf("\"lastStatementSent\"");
        return at < 0 ? "" : body.substring(at);
    }

    static String thisWeek() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return String.format("%d-W%02d", today.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR),
                today.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
