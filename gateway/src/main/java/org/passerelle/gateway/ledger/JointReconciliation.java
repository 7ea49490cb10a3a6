package org.passerelle.gateway.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.contracts.equivalence.v1.CountedCase;
import org.passerelle.contracts.equivalence.v1.CountedKind;
import org.passerelle.contracts.equivalence.v1.EquivalenceReconciliation;
import org.passerelle.contracts.equivalence.v1.ReconciliationOutcome;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.Envelopes;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.exchange.MessageRule;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The weekly reconciliation made joint. A node answers each statement a partner sends with an
 * {@code EquivalenceReconciliation}, signed by its gateway key like every message: AGREED countersigns the partner's
 * counts and policy; DISPUTED gives its own counts and every case it counts in the period of each kind whose counts
 * differ. The statement's sender keeps the answer with its statement and names the cases in dispute: counted here only,
 * counted by the partner only. Both sides keep both: the statement and the answer are stored messages, and each side's
 * {@code ledger_statement} row says what was answered.
 *
 * <p>The answer is sent as soon as the statement's reconciliation commits; a node that stopped in between sends it at
 * the next statement check (for statements received in the last {@value #ANSWER_WITHIN_DAYS} days). An answer is
 * refused unless it names a statement this node sent that partner, for the same period
 * ({@code RECONCILIATION_UNMATCHED}); only the node itself sends one.
 */
@Component
class JointReconciliation implements MessageRule, MessageObserver {

    static final int ANSWER_WITHIN_DAYS = 14;
    private static final int MAX_CASES = 5000;
    private static final Logger log = LoggerFactory.getLogger(JointReconciliation.class);

    /** A partner's statement was reconciled here (committed with it): answer it. */
    record StatementReconciled(String partner, String statementMessageId) {
    }

    private final Ledger ledger;
    private final JdbcClient jdbc;
    private final PartnerRegistry partners;
    private final IntakeService intake;
    private final MessageStore store;
    private final MessageCodec codec;
    private final AuditTrail audit;
    private final NodeProperties node;
    private final Clock clock;
    private final TransactionTemplate separately;
    private final java.util.concurrent.ExecutorService answering = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> {
                Thread t = new Thread(r, "reconciliation-answers");
                t.setDaemon(true);
                return t;
            });

    JointReconciliation(Ledger ledger, JdbcClient jdbc, PartnerRegistry partners, IntakeService intake,
                        MessageStore store, MessageCodec codec, AuditTrail audit, NodeProperties node, Clock clock,
                        PlatformTransactionManager transactions) {
        this.ledger = ledger;
        this.jdbc = jdbc;
        this.partners = partners;
        this.intake = intake;
        this.store = store;
        this.codec = codec;
        this.audit = audit;
        this.node = node;
        this.clock = clock;
        this.separately = new TransactionTemplate(transactions);
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    // ----- the answering side -----

    /**
     * Answers a statement once its reconciliation committed, on a thread of its own: the partner that sent it is not
     * kept waiting for its receipt while the answer is signed and stored. A failure (or a stop meanwhile) is left to
     * the next statement check.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void statementReconciled(StatementReconciled event) {
        try {
            answering.execute(() -> answerNow(event));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            log.info("Stopping: {}'s equivalence statement {} is answered at the next statement check",
                    event.partner(), event.statementMessageId());
        }
    }

    private void answerNow(StatementReconciled event) {
        try {
            separately.executeWithoutResult(status -> answer(event.partner(), event.statementMessageId()));
        } catch (RuntimeException e) {
            log.warn("Could not answer {}'s equivalence statement {} yet: {}", event.partner(),
                    event.statementMessageId(), e.toString());
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() throws InterruptedException {
        answering.shutdown();
        answering.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The statement check: answers the partners' recent statements not answered yet. */
    void answerOutstanding() {
        List<String[]> open = jdbc.sql("""
                select partner, message_id from ledger_statement where direction = 'INBOUND'
                and reply_message_id is null and at >= :since order by id""")
                .param("since", clock.instant().minus(Duration.ofDays(ANSWER_WITHIN_DAYS)).atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).list();
        for (String[] statement : open) {
            answerNow(new StatementReconciled(statement[0], statement[1]));
        }
    }

    /**
     * Sends the answer to one statement, unless it was answered or the partner takes no answers; its message id. Call
     * in a transaction: the statement is claimed for the answer in it, so that two nodes (or the listener and the job)
     * never both answer. The answer says what this node's reconciliation recorded when the statement arrived; the
     * cases it lists are those it counts now for the kinds whose counts differed.
     */
    Optional<String> answer(String partner, String statementMessageId) {
        Optional<Partner> to = partners.find(partner);
        Optional<Ledger.Statement> statement = ledger.statement("INBOUND", partner, statementMessageId);
        if (to.isEmpty() || statement.isEmpty() || statement.get().replyMessageId() != null
                || statement.get().ourReturns() == null || !to.get().maySend(Partner.EQUIVALENCE_RECONCILIATION)) {
            return Optional.empty();
        }
        String id = UUID.randomUUID().toString();
        int claimed = jdbc.sql("""
                update ledger_statement set reply_message_id = :id
                where direction = 'INBOUND' and message_id = :sid and partner = :p and reply_message_id is null""")
                .param("id", id).param("sid", statementMessageId).param("p", partner).update();
        if (claimed != 1) {
            return Optional.empty();
        }
        Ledger.Statement s = statement.get();
        long returns = s.ourReturns();
        long admissions = s.ourAdmissions();
        boolean policyDiffers = s.discrepancy() != null && s.discrepancy().contains("POLICY:");
        Set<String> differing = new LinkedHashSet<>();
        if (returns != s.returns()) {
            differing.add(Ledger.RETURN);
        }
        if (admissions != s.admissions()) {
            differing.add(Ledger.ADMISSION);
        }
        boolean agreed = Boolean.TRUE.equals(s.agreed());
        List<Ledger.Entry> ours = ledger.entries(partner, s.periodStart(), s.periodEnd());
        EquivalenceReconciliation r = new EquivalenceReconciliation();
        r.setStatementMessageId(statementMessageId);
        r.setPeriodStart(s.periodStart());
        r.setPeriodEnd(s.periodEnd());
        r.setOutcome(agreed ? ReconciliationOutcome.AGREED : ReconciliationOutcome.DISPUTED);
        r.setReturnsCount(Math.toIntExact(returns));
        r.setAdmissionsCount(Math.toIntExact(admissions));
        r.setPolicyDiffers(policyDiffers);
        ours.stream().filter(e -> differing.contains(e.kind())).limit(MAX_CASES).forEach(e -> {
            CountedCase c = new CountedCase();
            c.setCaseReference(e.caseReference());
            c.setKind(CountedKind.fromValue(e.kind()));
            r.getCountedCase().add(c);
        });
        Body body = new Body();
        body.setEquivalenceReconciliation(r);
        Envelope e = Envelopes.own(id, node.party(), partner, MessageType.EQUIVALENCE_RECONCILIATION, clock.instant(),
                body);
        e.getHeader().setRefToMessageId(statementMessageId);
        store.find(statementMessageId).ifPresent(m -> e.getHeader().setConversationId(m.conversationId()));
        intake.submitOwn(codec.encode(e));
        log.info("Answered {}'s equivalence statement of {} to {}: {}", partner, s.periodStart(), s.periodEnd(),
                r.getOutcome());
        return Optional.of(id);
    }

    // ----- both sides -----

    @Override
    public void check(MessageContext message) {
        EquivalenceReconciliation r = message.envelope().getBody().getEquivalenceReconciliation();
        if (r == null) {
            return;
        }
        if (message.direction() == Direction.OUTBOUND) {
            if (!Statements.NODE.equals(message.actor())) {
                throw new GatewayException(GatewayErrorCode.MESSAGE_TYPE_NOT_ALLOWED,
                        "Only the node itself answers a partner's equivalence statement");
            }
            return;
        }
        String partner = message.facts().from();
        Optional<Ledger.Statement> sent = ledger.statement("OUTBOUND", partner, r.getStatementMessageId());
        if (sent.isEmpty() || !sent.get().periodStart().equals(r.getPeriodStart())
                || !sent.get().periodEnd().equals(r.getPeriodEnd())
                || !r.getStatementMessageId().equals(message.facts().refToMessageId())) {
            throw unmatched(r, "which is no equivalence statement this node sent " + partner + " for that period"
                    + " (the header's RefToMessageId names the statement answered)");
        }
        Ledger.Statement s = sent.get();
        if (s.replyMessageId() != null) {
            // One answer per statement: a second one (another id) could turn a dispute into an agreement.
            throw unmatched(r, "which " + partner + " answered already (message " + s.replyMessageId() + ")");
        }
        if (r.getOutcome() == ReconciliationOutcome.AGREED
                && (r.getReturnsCount() != s.returns() || r.getAdmissionsCount() != s.admissions())) {
            throw unmatched(r, "whose counts (" + s.returns() + " returns, " + s.admissions() + " admissions) an"
                    + " agreement must repeat: it states " + r.getReturnsCount() + " and " + r.getAdmissionsCount());
        }
    }

    private static GatewayException unmatched(EquivalenceReconciliation r, String why) {
        return new GatewayException(GatewayErrorCode.RECONCILIATION_UNMATCHED, "The reconciliation answers "
                + r.getStatementMessageId() + " for " + r.getPeriodStart() + " to " + r.getPeriodEnd() + ", " + why);
    }

    @Override
    public void accepted(MessageContext message) {
        EquivalenceReconciliation r = message.envelope().getBody().getEquivalenceReconciliation();
        if (r == null) {
            return;
        }
        String messageId = message.facts().messageId();
        if (message.direction() == Direction.OUTBOUND) {
            jdbc.sql("""
                    update ledger_statement set reply_message_id = :mid, replied_at = :at
                    where direction = 'INBOUND' and message_id = :sid and partner = :p""")
                    .param("mid", messageId).param("at", clock.instant().atOffset(ZoneOffset.UTC))
                    .param("sid", r.getStatementMessageId()).param("p", message.facts().to()).update();
            return;
        }
        String partner = message.facts().from();
        Ledger.Statement ours = ledger.statement("OUTBOUND", partner, r.getStatementMessageId()).orElseThrow();
        String disputed = r.getOutcome() == ReconciliationOutcome.AGREED ? null : inDispute(partner, ours, r);
        jdbc.sql("""
                update ledger_statement set reply_message_id = :mid, replied_at = :at, partner_outcome = :outcome,
                  partner_returns = :r, partner_admissions = :a, disputed_cases = :disputed
                where direction = 'OUTBOUND' and message_id = :sid and partner = :p""")
                .param("mid", messageId).param("at", clock.instant().atOffset(ZoneOffset.UTC))
                .param("outcome", r.getOutcome().value()).param("r", r.getReturnsCount())
                .param("a", r.getAdmissionsCount())
                .param("disputed", disputed == null || disputed.length() <= 4000 ? disputed : disputed.substring(0, 4000))
                .param("sid", r.getStatementMessageId()).param("p", partner).update();
        boolean agreed = r.getOutcome() == ReconciliationOutcome.AGREED;
        audit.record(AuditTrail.Entry.of(partner, AuditChannel.LEDGER, AuditAction.LEDGER_RECONCILED,
                agreed ? AuditOutcome.OK : AuditOutcome.ALERT).partner(partner)
                .message(messageId, Partner.EQUIVALENCE_RECONCILIATION, message.facts().sha256())
                .code(agreed ? "EQUIVALENCE_COUNTERSIGNED" : "EQUIVALENCE_DISPUTED", r.getPeriodStart() + "/"
                        + r.getPeriodEnd() + (agreed ? ": " + partner + " countersigned statement "
                        + r.getStatementMessageId() : ": " + disputed)));
    }

    /** The cases in dispute, comparing the partner's cases with this node's for each kind whose counts differ. */
    private String inDispute(String partner, Ledger.Statement ours, EquivalenceReconciliation r) {
        List<Ledger.Entry> here = ledger.entries(partner, ours.periodStart(), ours.periodEnd());
        List<String> parts = new ArrayList<>();
        if (r.isPolicyDiffers()) {
            parts.add("POLICY: " + partner + " does not hold the policy stated (" + ours.policy() + ")");
        }
        kindInDispute(Ledger.RETURN, ours.returns(), r.getReturnsCount(), here, r).ifPresent(parts::add);
        kindInDispute(Ledger.ADMISSION, ours.admissions(), r.getAdmissionsCount(), here, r).ifPresent(parts::add);
        return parts.isEmpty() ? "disputed without a difference in counts or policy" : String.join("; ", parts);
    }

    private static Optional<String> kindInDispute(String kind, long stated, long theirs, List<Ledger.Entry> here,
                                                  EquivalenceReconciliation r) {
        if (stated == theirs) {
            return Optional.empty();
        }
        Set<String> mine = new LinkedHashSet<>();
        here.stream().filter(e -> e.kind().equals(kind)).forEach(e -> mine.add(e.caseReference()));
        Set<String> partners = new LinkedHashSet<>();
        r.getCountedCase().stream().filter(c -> c.getKind().value().equals(kind))
                .forEach(c -> partners.add(c.getCaseReference()));
        List<String> hereOnly = mine.stream().filter(c -> !partners.contains(c)).toList();
        List<String> thereOnly = partners.stream().filter(c -> !mine.contains(c)).toList();
        return Optional.of(kind + ": we stated " + stated + ", the partner counts " + theirs + "; counted here only: "
                + (hereOnly.isEmpty() ? "none" : String.join(", ", hereOnly)) + "; counted by the partner only: "
                + (thereOnly.isEmpty() ? "none" : String.join(", ", thereOnly)));
    }
}
