package org.passerelle.gateway.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The equivalence balance as counts only, for anyone who may see it (the console's equivalence page): per partner,
 * returns and admissions in each of the last ISO weeks, the policy in force and its standing, the alerts raised, and
 * the last reconciliation — its numbers, never the case references behind them.
 */
@Component
public class EquivalenceOverview {

    /** How many ISO weeks, up to and including the current one, the overview shows. */
    public static final int WEEKS = 12;

    public record WeekCount(String week, LocalDate start, long returns, long admissions) {
    }

    /** The policy in force: its kind in words, its terms and caps. */
    public record PolicyView(String kind, String description, int weeklyCap, int periodCap, double nearBreach) {
    }

    /** One limit's standing: OK, NEAR_BREACH or BREACH, and the numbers behind it. */
    public record Standing(String rule, String level, long value, long limit, String detail) {
    }

    /** An alert raised: a rule nearly or actually breached in a week or period. */
    public record Alert(String rule, String level, String period, Instant at) {
    }

    /** The partner's last statement and what it reconciled to; the difference in counts, no case references. */
    public record Reconciliation(LocalDate periodStart, LocalDate periodEnd, int theirReturns, int theirAdmissions,
                                 Integer ourReturns, Integer ourAdmissions, String theirPolicy, String ourPolicy,
                                 boolean agreed, Instant at) {
    }

    /**
     * This node's last statement to the partner and the partner's answer (the joint reconciliation): AGREED
     * (countersigned) or DISPUTED with its counts, null while unanswered; counts only, no case references.
     */
    public record StatementAnswer(LocalDate periodStart, LocalDate periodEnd, Instant sentAt, String outcome,
                                  Integer partnerReturns, Integer partnerAdmissions, Instant answeredAt) {
    }

    public record PartnerBalance(String partner, PolicyView policy, String level, List<Standing> standing,
                                 LocalDate periodStart, LocalDate periodEndExclusive, long periodReturns,
                                 long periodAdmissions, List<WeekCount> weeks, List<Alert> alerts,
                                 Reconciliation lastReconciliation, StatementAnswer lastStatementSent) {
    }

    private final Ledger ledger;
    private final PartnerRegistry partners;
    private final JdbcClient jdbc;

    EquivalenceOverview(Ledger ledger, PartnerRegistry partners, JdbcClient jdbc) {
        this.ledger = ledger;
        this.partners = partners;
        this.jdbc = jdbc;
    }

    /** Every configured partner and every partner with counted cases, in party order. */
    public List<PartnerBalance> all() {
        LocalDate today = ledger.today();
        TreeSet<String> parties = new TreeSet<>(ledger.partnersWithEntries());
        partners.all().stream().map(Partner::party).forEach(parties::add);
        return parties.stream().map(p -> balance(p, today)).toList();
    }

    private PartnerBalance balance(String partner, LocalDate today) {
        LocalDate thisWeek = Ledger.weekStart(today);
        LocalDate firstWeek = thisWeek.minusWeeks(WEEKS - 1);
        List<Ledger.Entry> entries = ledger.entries(partner, firstWeek, thisWeek.plusDays(6));
        List<WeekCount> weeks = new ArrayList<>();
        for (LocalDate w = firstWeek; !w.isAfter(thisWeek); w = w.plusWeeks(1)) {
            String key = Ledger.isoWeek(w);
            long returns = entries.stream().filter(e -> e.week().equals(key) && e.kind().equals(Ledger.RETURN)).count();
            long admissions = entries.stream().filter(e -> e.week().equals(key) && e.kind().equals(Ledger.ADMISSION)).count();
            weeks.add(new WeekCount(key, w, returns, admissions));
        }
        LocalDate[] period = ledger.period(today);
        EquivalencePolicy.Counts counts = ledger.counts(partner, period[0], period[1].minusDays(1));
        List<EquivalencePolicy.Finding> findings = ledger.assess(partner, today);
        Scheme.Terms terms = ledger.terms(partner, today);
        String ours = Statements.describe(Statements.policy(terms));
        Reconciliation last = ledger.statements(partner, "INBOUND", 1).stream().findFirst()
                .map(s -> new Reconciliation(s.periodStart(), s.periodEnd(), s.returns(), s.admissions(),
                        s.ourReturns(), s.ourAdmissions(), s.policy(), ours, Boolean.TRUE.equals(s.agreed()), s.at()))
                .orElse(null);
        StatementAnswer sent = ledger.statements(partner, "OUTBOUND", 1).stream().findFirst()
                .map(s -> new StatementAnswer(s.periodStart(), s.periodEnd(), s.at(), s.partnerOutcome(),
                        s.partnerReturns(), s.partnerAdmissions(), s.repliedAt()))
                .orElse(null);
        return new PartnerBalance(partner,
                new PolicyView(terms.equivalence().policy().name(), ours, terms.caps().returnsPerWeek(),
                        terms.caps().admissions(), terms.equivalence().nearBreach()),
                EquivalencePolicy.worst(findings).name(),
                findings.stream().map(f -> new Standing(f.rule(), f.level().name(), f.value(), f.limit(), f.detail()))
                        .toList(),
                period[0], period[1], counts.returns(), counts.admissions(), weeks, alerts(partner), last, sent);
    }

    private List<Alert> alerts(String partner) {
        return jdbc.sql("select * from ledger_alert where partner = :p order by at desc fetch first 20 rows only")
                .param("p", partner)
                .query((rs, n) -> new Alert(rs.getString("rule"), rs.getString("level"), rs.getString("period_key"),
                        rs.getObject("at", OffsetDateTime.class).toInstant()))
                .list();
    }
}
