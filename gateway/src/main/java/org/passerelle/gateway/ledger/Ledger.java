package org.passerelle.gateway.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.passerelle.contracts.admission.v1.ArrivalConfirmation;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.equivalence.v1.EquivalenceStatement;
import org.passerelle.contracts.readmission.v1.TransferStatus;
import org.passerelle.contracts.readmission.v1.TransferStatusValue;
import org.passerelle.gateway.agreement.Agreements;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.messagelog.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Counts completed returns (TransferStatus COMPLETED) and completed admissions (ArrivalConfirmation) per partner,
 * once per case, in whichever direction the message went; assesses the policy after each count and raises an
 * alert (audit entry and metric) the first time a limit is nearly or actually breached in a period; and
 * reconciles each equivalence statement a partner sends against its own counts, naming the cases that differ.
 */
@Component
class Ledger implements MessageObserver {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);
    static final String RETURN = "RETURN";
    static final String ADMISSION = "ADMISSION";

    /** One counted case. */
    record Entry(String kind, String caseReference, LocalDate date, String week, String source, boolean partnerHasIt) {
    }

    /**
     * A statement sent or received and, for a received one, its reconciliation here; the joint reconciliation's answer
     * ({@code replyMessageId}: the answer sent to a received statement, or the partner's answer to a sent one, with
     * the partner's outcome, counts and the cases in dispute).
     */
    record Statement(String direction, LocalDate periodStart, LocalDate periodEnd, int returns, int admissions,
                     String policy, String messageId, Integer ourReturns, Integer ourAdmissions, Boolean agreed,
                     String discrepancy, Instant at, String replyMessageId, String partnerOutcome,
                     Integer partnerReturns, Integer partnerAdmissions, String disputedCases, Instant repliedAt) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditTrail audit;
    private final Agreements agreements;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;

    Ledger(JdbcClient jdbc, Clock clock, AuditTrail audit, Agreements agreements, MeterRegistry meters,
           ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.agreements = agreements;
        this.meters = meters;
        this.events = events;
    }

    // ----- following the exchange -----

    @Override
    public void accepted(MessageContext message) {
        if (message.facts().testIndicator()) {
            // Test traffic never counts: not in the ledger, its alerts or its statements.
            return;
        }
        Body body = message.envelope().getBody();
        Direction d = message.direction();
        String partner = d == Direction.OUTBOUND ? message.facts().to() : message.facts().from();
        String source = d.name();
        TransferStatus transfer = body.getTransferStatus();
        if (transfer != null && transfer.getStatus() == TransferStatusValue.COMPLETED) {
            count(partner, RETURN, transfer.getCaseReference(), transfer.getTransferDate(), source,
                    message.facts().messageId(), d == Direction.INBOUND, message.actor());
        }
        ArrivalConfirmation arrival = body.getArrivalConfirmation();
        if (arrival != null) {
            count(partner, ADMISSION, arrival.getCaseReference(),
                    arrival.getArrivedAt().withOffsetSameInstant(ZoneOffset.UTC).toLocalDate(), source,
                    message.facts().messageId(), d == Direction.INBOUND, message.actor());
        }
        EquivalenceStatement statement = body.getEquivalenceStatement();
        if (statement != null) {
            if (d == Direction.INBOUND) {
                reconcile(partner, statement, message.facts().messageId());
            } else {
                saveStatement("OUTBOUND", partner, statement, message.facts().messageId(), null, null, null, null);
            }
        }
    }

    @Override
    public void receiptVerified(String messageId, Instant receivedAt) {
        // The partner's signed receipt proves it holds the message that counted the case.
        jdbc.sql("update ledger_entry set partner_has_it = true where message_id = :id and partner_has_it = false")
                .param("id", messageId).update();
    }

    /** Counts a case unless it is already counted; true when counted. */
    boolean count(String partner, String kind, String caseReference, LocalDate date, String source, String messageId,
                  boolean partnerHasIt, String actor) {
        boolean known = jdbc.sql("select count(*) from ledger_entry where partner = :p and kind = :k and case_reference = :c")
                .param("p", partner).param("k", kind).param("c", caseReference).query(Integer.class).single() > 0;
        if (known) {
            return false;
        }
        jdbc.sql("""
                insert into ledger_entry (partner, kind, case_reference, event_date, iso_week, source, message_id,
                  partner_has_it, recorded_by, recorded_at)
                values (:p, :k, :c, :date, :week, :source, :mid, :has, :actor, :at)""")
                .param("p", partner).param("k", kind).param("c", caseReference).param("date", date)
                .param("week", isoWeek(date)).param("source", source).param("mid", messageId).param("has", partnerHasIt)
                .param("actor", actor).param("at", clock.instant().atOffset(ZoneOffset.UTC)).update();
        Counter.builder("passerelle.ledger.entries").description("Completed returns and admissions counted")
                .tag("partner", partner).tag("kind", kind).register(meters).increment();
        alertIfNeeded(partner, date);
        return true;
    }

    // ----- policy -----

    List<EquivalencePolicy.Finding> assess(String partner, LocalDate date) {
        LocalDate weekStart = weekStart(date);
        LocalDate[] period = period(date);
        return EquivalencePolicy.assess(terms(partner, date), counts(partner, weekStart, weekStart.plusDays(6)),
                counts(partner, period[0], period[1].minusDays(1)));
    }

    /** The partner's terms in the phase holding this day (the UK–France values where no phase does). */
    Scheme.Terms terms(String partner, LocalDate date) {
        return agreements.termsOrStandard(partner, date.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private void alertIfNeeded(String partner, LocalDate date) {
        LocalDate[] period = period(date);
        for (EquivalencePolicy.Finding f : assess(partner, date)) {
            if (f.level() == EquivalencePolicy.Level.OK) {
                continue;
            }
            String key = f.rule().contains("WEEKLY") ? isoWeek(date) : period[0].toString();
            boolean raised = jdbc.sql("""
                    select count(*) from ledger_alert where partner = :p and period_key = :k and rule = :r and level = :l""")
                    .param("p", partner).param("k", key).param("r", f.rule()).param("l", f.level().name())
                    .query(Integer.class).single() > 0;
            if (raised) {
                continue;
            }
            jdbc.sql("insert into ledger_alert (partner, period_key, rule, level, at) values (:p, :k, :r, :l, :at)")
                    .param("p", partner).param("k", key).param("r", f.rule()).param("l", f.level().name())
                    .param("at", clock.instant().atOffset(ZoneOffset.UTC)).update();
            String code = f.level() == EquivalencePolicy.Level.BREACH ? "EQUIVALENCE_BREACH" : "EQUIVALENCE_NEAR_BREACH";
            audit.record(AuditTrail.Entry.of("node", AuditChannel.LEDGER, AuditAction.LEDGER_ALERT, AuditOutcome.ALERT)
                    .partner(partner)
                    .code(code, f.rule() + " " + key + ": " + f.detail()));
            Counter.builder("passerelle.ledger.alerts").description("Equivalence breaches and near-breaches")
                    .tag("partner", partner).tag("rule", f.rule()).tag("level", f.level().name())
                    .register(meters).increment();
            log.warn("Equivalence {} with {}: {} {}", f.level(), partner, f.rule(), f.detail());
        }
    }

    // ----- reconciliation -----

    private void reconcile(String partner, EquivalenceStatement s, String messageId) {
        LocalDate from = s.getPeriodStart();
        LocalDate to = s.getPeriodEnd();
        EquivalencePolicy.Counts ours = counts(partner, from, to);
        List<String> differences = new ArrayList<>();
        difference(partner, RETURN, s.getReturnsCount(), ours.returns(), from, to).ifPresent(differences::add);
        difference(partner, ADMISSION, s.getAdmissionsCount(), ours.admissions(), from, to).ifPresent(differences::add);
        String theirPolicy = Statements.describe(s.getPolicy());
        String ourPolicy = Statements.describe(Statements.policy(terms(partner, from)));
        if (!theirPolicy.equals(ourPolicy)) {
            differences.add("POLICY: partner states " + theirPolicy + ", ours is " + ourPolicy);
        }
        boolean agreed = differences.isEmpty();
        String discrepancy = agreed ? null : String.join("; ", differences);
        saveStatement("INBOUND", partner, s, messageId, (int) ours.returns(), (int) ours.admissions(), agreed, discrepancy);
        audit.record(AuditTrail.Entry.of(partner, AuditChannel.LEDGER, AuditAction.LEDGER_RECONCILED,
                agreed ? AuditOutcome.OK : AuditOutcome.ALERT).partner(partner)
                .code(agreed ? "EQUIVALENCE_AGREED" : "EQUIVALENCE_DISCREPANCY", from + "/" + to
                        + (agreed ? "" : ": " + discrepancy)));
        Counter.builder("passerelle.ledger.reconciliations").description("Partner statements reconciled")
                .tag("partner", partner).tag("outcome", agreed ? "agreed" : "discrepancy").register(meters).increment();
        events.publishEvent(new JointReconciliation.StatementReconciled(partner, messageId));
    }

    /** The exact difference for one kind: the counts, and the cases that explain it where this node can name them. */
    private Optional<String> difference(String partner, String kind, long theirs, long ours, LocalDate from, LocalDate to) {
        if (theirs == ours) {
            return Optional.empty();
        }
        List<Entry> entries = entries(partner, from, to).stream().filter(e -> e.kind().equals(kind)).toList();
        StringBuilder text = new StringBuilder(kind + ": partner states " + theirs + ", we count " + ours);
        if (ours > theirs) {
            List<String> notShared = entries.stream().filter(e -> !e.partnerHasIt()).map(Entry::caseReference).toList();
            text.append("; counted here but not known to have reached the partner: ")
                    .append(notShared.isEmpty() ? "none" : String.join(", ", notShared));
        } else {
            text.append("; the partner counts ").append(theirs - ours).append(" case(s) this node has not");
        }
        text.append("; our cases: ").append(entries.isEmpty() ? "none"
                : String.join(", ", entries.stream().map(Entry::caseReference).toList()));
        return Optional.of(text.toString());
    }

    private void saveStatement(String direction, String partner, EquivalenceStatement s, String messageId,
                               Integer ourReturns, Integer ourAdmissions, Boolean agreed, String discrepancy) {
        jdbc.sql("""
                insert into ledger_statement (direction, partner, period_start, period_end, returns_count,
                  admissions_count, policy, message_id, our_returns, our_admissions, agreed, discrepancy, at)
                values (:d, :p, :start, :end, :r, :a, :policy, :mid, :our_r, :our_a, :agreed, :disc, :at)""")
                .param("d", direction).param("p", partner).param("start", s.getPeriodStart())
                .param("end", s.getPeriodEnd()).param("r", s.getReturnsCount()).param("a", s.getAdmissionsCount())
                .param("policy", Statements.describe(s.getPolicy())).param("mid", messageId).param("our_r", ourReturns)
                .param("our_a", ourAdmissions).param("agreed", agreed)
                .param("disc", discrepancy == null || discrepancy.length() <= 2000 ? discrepancy : discrepancy.substring(0, 2000))
                .param("at", clock.instant().atOffset(ZoneOffset.UTC)).update();
    }

    // ----- reading -----

    EquivalencePolicy.Counts counts(String partner, LocalDate from, LocalDate toInclusive) {
        List<Entry> entries = entries(partner, from, toInclusive);
        return new EquivalencePolicy.Counts(entries.stream().filter(e -> e.kind().equals(RETURN)).count(),
                entries.stream().filter(e -> e.kind().equals(ADMISSION)).count());
    }

    List<Entry> entries(String partner, LocalDate from, LocalDate toInclusive) {
        return jdbc.sql("""
                select * from ledger_entry where partner = :p and event_date >= :from and event_date <= :to
                order by event_date, id""")
                .param("p", partner).param("from", from).param("to", toInclusive)
                .query((rs, n) -> new Entry(rs.getString("kind"), rs.getString("case_reference"),
                        rs.getObject("event_date", LocalDate.class), rs.getString("iso_week"), rs.getString("source"),
                        rs.getBoolean("partner_has_it")))
                .list();
    }

    List<String> partnersWithEntries() {
        return jdbc.sql("select distinct partner from ledger_entry order by partner").query(String.class).list();
    }

    List<Statement> statements(String partner, String direction, int limit) {
        return jdbc.sql("""
                select * from ledger_statement where partner = :p and direction = :d order by id desc
                fetch first :n rows only""")
                .param("p", partner).param("d", direction).param("n", limit)
                .query(Ledger::statement).list();
    }

    /** The statement sent ({@code OUTBOUND}) to or received ({@code INBOUND}) from the partner as this message. */
    Optional<Statement> statement(String direction, String partner, String messageId) {
        return jdbc.sql("""
                select * from ledger_statement where message_id = :mid and partner = :p and direction = :d
                order by id fetch first 1 rows only""")
                .param("mid", messageId).param("p", partner).param("d", direction).query(Ledger::statement).optional();
    }

    private static Statement statement(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        OffsetDateTime replied = rs.getObject("replied_at", OffsetDateTime.class);
        return new Statement(rs.getString("direction"), rs.getObject("period_start", LocalDate.class),
                rs.getObject("period_end", LocalDate.class), rs.getInt("returns_count"),
                rs.getInt("admissions_count"), rs.getString("policy"), rs.getString("message_id"),
                (Integer) rs.getObject("our_returns"), (Integer) rs.getObject("our_admissions"),
                (Boolean) rs.getObject("agreed"), rs.getString("discrepancy"),
                rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("reply_message_id"),
                rs.getString("partner_outcome"), (Integer) rs.getObject("partner_returns"),
                (Integer) rs.getObject("partner_admissions"), rs.getString("disputed_cases"),
                replied == null ? null : replied.toInstant());
    }

    boolean statementSent(String partner, LocalDate periodStart) {
        return jdbc.sql("""
                select count(*) from ledger_statement where partner = :p and direction = 'OUTBOUND'
                and period_start = :start""").param("p", partner).param("start", periodStart)
                .query(Integer.class).single() > 0;
    }

    // ----- calendar -----

    static String isoWeek(LocalDate date) {
        return String.format("%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    static LocalDate weekStart(LocalDate date) {
        return date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /**
     * The counting period holding this date, {start inclusive, end exclusive}: the phase of the agreement in force then
     * (an open-ended phase counts up to the day after this one), or the ISO week where no phase is.
     */
    LocalDate[] period(LocalDate date) {
        Optional<Scheme.Phase> phase = agreements.phaseAt(date.atStartOfDay(ZoneOffset.UTC).toInstant());
        if (phase.isEmpty()) {
            return new LocalDate[] {weekStart(date), weekStart(date).plusWeeks(1)};
        }
        LocalDate start = LocalDate.ofInstant(phase.get().start(), ZoneOffset.UTC);
        LocalDate end = phase.get().end().map(e -> LocalDate.ofInstant(e.minusNanos(1), ZoneOffset.UTC).plusDays(1))
                .orElse(date.plusDays(1));
        return new LocalDate[] {start, end};
    }

    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
