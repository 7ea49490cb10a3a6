package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.gateway.console.OpsPagesTestSupport.newest;
import static org.passerelle.gateway.console.OpsPagesTestSupport.page;
import static org.passerelle.gateway.console.OpsPagesTestSupport.refused;
import static org.passerelle.gateway.console.OpsPagesTestSupport.signIn;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.NewMessage;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.messagelog.OutboxTarget;
import org.passerelle.gateway.messagelog.StatusChange;
import org.passerelle.gateway.partner.PartnerSuspensions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.context.WebApplicationContext;

/**
 * The operations pages through the real security chain: what an administrator sees of deliveries by partner, the
 * replay of a parked message after its confirmation step, suspending (a reason required) and resuming a partner —
 * each audited as the API audits it — and the refusal of every other role.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class OperationsPagesTest {

    @TempDir
    static java.nio.file.Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        OpsPagesTestSupport.node(r, data);
    }

    @Autowired
    WebApplicationContext context;
    @Autowired
    AuditTrail audit;
    @Autowired
    MessageStore store;
    @Autowired
    PartnerSuspensions suspensions;

    MockMvc mvc;

    @BeforeEach
    void mvc() {
        mvc = OpsPagesTestSupport.mvc(context);
    }

    @Test
    void anAdministratorSeesEachPartnersDeliveryStateInWords() throws Exception {
        MockHttpSession admin = signIn(mvc, "admin");

        MockHttpServletResponse page = page(mvc, admin, "/console/operations");

        assertThat(page.getStatus()).isEqualTo(200);
        assertThat(page.getContentAsString()).contains("<h1 class=\"govuk-heading-l\">Deliveries by partner</h1>",
                "Closed – sending normally", "Not enough deliveries yet to tell", "Not suspended",
                "href=\"/console/operations/FR/parked\"", "Parked messages for FR", "Suspend the exchange with FR");
        AuditEvent view = newest(audit, "API_VIEW");
        assertThat(view.actor()).isEqualTo("admin");
        assertThat(view.channel()).isEqualTo("CONSOLE");
        assertThat(view.resource()).isEqualTo("GET /console/operations");
    }

    @Test
    void everyOtherRoleIsRefusedTheOperationsPagesAndTheRefusalIsAudited() throws Exception {
        for (String who : List.of("auditor", "officer", "caseworker")) {
            MockHttpSession session = signIn(mvc, who);
            refused(page(mvc, session, "/console/operations"), audit, who, "GET /console/operations");
            refused(page(mvc, session, "/console/operations/FR/parked"), audit, who, "GET /console/operations/FR/parked");
            MockHttpServletResponse replay = mvc.perform(post("/console/operations/FR/parked/x/replay").session(session)
                    .with(csrf())).andReturn().getResponse();
            refused(replay, audit, who, "POST /console/operations/FR/parked/x/replay");
        }
    }

    @Test
    void aParkedMessageIsReplayedOnlyAfterTheConfirmationStepAndTheReplayIsAudited() throws Exception {
        String id = parkedMessageToFr();
        MockHttpSession admin = signIn(mvc, "admin");

        MockHttpServletResponse parked = page(mvc, admin, "/console/operations/FR/parked");
        assertThat(parked.getContentAsString()).contains(id, "CaseStatusUpdate", "RETRIES_EXHAUSTED",
                "href=\"/console/operations/FR/parked/" + id + "/replay\"", "Replay<span");

        MockHttpServletResponse confirm = page(mvc, admin, "/console/operations/FR/parked/" + id + "/replay");
        assertThat(confirm.getStatus()).isEqualTo(200);
        assertThat(confirm.getContentAsString()).contains("Are you sure you want to replay message " + id + " to FR?",
                "Yes, replay it", ">Cancel</a>", "name=\"_csrf\"");
        assertThat(store.find(id).orElseThrow().status()).as("the confirmation page changes nothing")
                .isEqualTo(MessageStatus.PARKED);

        MvcResult result = mvc.perform(post("/console/operations/FR/parked/" + id + "/replay")
                .session(admin).with(csrf())).andReturn();
        assertThat(result.getResponse().getRedirectedUrl()).isEqualTo("/console/operations/FR/parked");
        assertThat(store.history(id)).extracting(StatusChange::status).contains(MessageStatus.REPLAYED);
        AuditEvent entry = newest(audit, "MESSAGE_REPLAY");
        assertThat(entry.outcome()).isEqualTo("GRANTED");
        assertThat(entry.messageId()).isEqualTo(id);
        assertThat(entry.channel()).isEqualTo("CONSOLE");
        assertThat(entry.role()).isEqualTo("ADMIN");

        MockHttpServletResponse after = mvc.perform(get("/console/operations/FR/parked").session(admin)
                .flashAttrs(result.getFlashMap())).andReturn().getResponse();
        assertThat(after.getContentAsString()).contains("govuk-notification-banner--success",
                "Message " + id + " has been put back in the queue for FR").doesNotContain("id=\"replay-" + id + "\"");
    }

    @Test
    void replayingAMessageThatIsNotParkedSaysSoAndIsAuditedAsRefused() throws Exception {
        String id = parkedMessageToFr();
        store.replay(id, "someone-else");
        MockHttpSession admin = signIn(mvc, "admin");

        MvcResult result = mvc.perform(post("/console/operations/FR/parked/" + id + "/replay")
                .session(admin).with(csrf())).andReturn();

        assertThat(result.getResponse().getRedirectedUrl()).isEqualTo("/console/operations/FR/parked");
        assertThat(mvc.perform(get("/console/operations/FR/parked").session(admin).flashAttrs(result.getFlashMap()))
                .andReturn().getResponse().getContentAsString()).contains("govuk-error-summary",
                "Message " + id + " was not replayed: it is not parked any more.", "NOT_PARKED");
        AuditEvent entry = newest(audit, "MESSAGE_REPLAY");
        assertThat(entry.outcome()).isEqualTo("REFUSED");
        assertThat(entry.code()).isEqualTo("NOT_PARKED");
    }

    @Test
    void aReplayWithoutTheFormsCsrfTokenIsRefused() throws Exception {
        String id = parkedMessageToFr();
        MockHttpSession admin = signIn(mvc, "admin");
        page(mvc, admin, "/console/operations/FR/parked/" + id + "/replay");

        MockHttpServletResponse forged = mvc.perform(post("/console/operations/FR/parked/" + id + "/replay")
                .session(admin).param("_csrf", "forged-by-another-site")).andReturn().getResponse();

        assertThat(forged.getStatus()).isEqualTo(403);
        assertThat(audit.latest(1)).singleElement().extracting(AuditEvent::action, AuditEvent::code)
                .containsExactly("ACCESS_DENIED", "CSRF_TOKEN_INVALID");
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(MessageStatus.PARKED);
    }

    @Test
    void suspendingNeedsAReasonThenSuspendsAndResumesWithConfirmationAndAudit() throws Exception {
        MockHttpSession admin = signIn(mvc, "admin");
        MockHttpServletResponse confirm = page(mvc, admin, "/console/operations/FR/suspend");
        assertThat(confirm.getContentAsString()).contains("Are you sure you want to suspend the exchange with FR?",
                "<label class=\"govuk-label govuk-label--s\" for=\"reason\">Reason for suspending</label>",
                "Yes, suspend FR", ">Cancel</a>");

        MockHttpServletResponse noReason = mvc.perform(post("/console/operations/FR/suspend").session(admin).with(csrf())
                .param("reason", "  ")).andReturn().getResponse();
        assertThat(noReason.getStatus()).isEqualTo(400);
        assertThat(noReason.getContentAsString()).contains("govuk-error-summary", "govuk-error-message",
                "Enter why you are suspending the exchange with FR", "<title>Error: Suspend the exchange with FR");
        assertThat(suspensions.suspended("FR")).isFalse();
        AuditEvent refusedEntry = newest(audit, "PARTNER_SUSPENDED");
        assertThat(refusedEntry.outcome()).isEqualTo("REFUSED");
        assertThat(refusedEntry.code()).isEqualTo("SUSPENSION_REASON_REQUIRED");

        MockHttpServletResponse suspended = mvc.perform(post("/console/operations/FR/suspend").session(admin)
                .with(csrf()).param("reason", "planned maintenance at FR")).andReturn().getResponse();
        assertThat(suspended.getRedirectedUrl()).isEqualTo("/console/operations");
        assertThat(suspensions.of("FR")).hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo("planned maintenance at FR"));
        AuditEvent granted = newest(audit, "PARTNER_SUSPENDED");
        assertThat(granted.outcome()).isEqualTo("GRANTED");
        assertThat(granted.partner()).isEqualTo("FR");
        assertThat(granted.channel()).isEqualTo("CONSOLE");
        assertThat(page(mvc, admin, "/console/operations").getContentAsString()).contains("Suspended",
                "Reason: planned maintenance at FR", "Resume the exchange with FR");

        assertThat(page(mvc, admin, "/console/operations/FR/resume").getContentAsString())
                .contains("Are you sure you want to resume the exchange with FR?", "Yes, resume FR");
        MockHttpServletResponse resumed = mvc.perform(post("/console/operations/FR/resume").session(admin).with(csrf()))
                .andReturn().getResponse();
        assertThat(resumed.getRedirectedUrl()).isEqualTo("/console/operations");
        assertThat(suspensions.suspended("FR")).isFalse();
        assertThat(newest(audit, "PARTNER_RESUMED").outcome()).isEqualTo("GRANTED");
    }

    @Test
    void anUnknownMessageShowsTheErrorPageWithItsCode() throws Exception {
        MockHttpSession admin = signIn(mvc, "admin");

        MockHttpServletResponse page = page(mvc, admin, "/console/operations/FR/parked/" + UUID.randomUUID() + "/replay");

        assertThat(page.getStatus()).isEqualTo(404);
        assertThat(page.getContentAsString()).contains("MESSAGE_NOT_FOUND");
    }

    /** A message to FR, claimed by a test node and parked by it as delivery would after its last attempt. */
    private String parkedMessageToFr() {
        String id = UUID.randomUUID().toString();
        String conversation = UUID.randomUUID().toString();
        Instant now = Instant.now();
        assertThat(store.accept(new NewMessage(id, Direction.OUTBOUND, "CaseStatusUpdate", conversation, null, "GB", "FR",
                        now, now.plus(Duration.ofDays(1)), "0".repeat(64), 1, true),
                "p".getBytes(StandardCharsets.UTF_8), List.of(MessageStatus.RECEIVED, MessageStatus.VALIDATED),
                List.of(new OutboxTarget(OutboxKind.SEND, "FR")))).isTrue();
        OutboxEntry entry = store.claimDue(OutboxKind.SEND, "test-node", 500, Duration.ofMinutes(1)).stream()
                .filter(e -> e.messageId().equals(id)).findFirst().orElseThrow();
        assertThat(store.park(entry, "test-node", "RETRIES_EXHAUSTED", "test")).isTrue();
        return id;
    }
}
