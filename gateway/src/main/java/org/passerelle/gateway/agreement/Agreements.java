package org.passerelle.gateway.agreement;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.passerelle.contracts.readmission.v1.ArrivalMode;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The agreement in force, as casework and the ledger ask it: a partner's terms at a moment, and whether a new case may
 * start. A new case (a readmission request, an admission referral, either way) starts only while a phase in force
 * names the partner, the partner is not winding down (nor, for a referral, its admissions window closed), the person
 * arrived in a way the phase covers, and no cap of the phase is full; it then takes a place against the caps in the
 * transaction that stores it. Test traffic ({@code testIndicator}) is held to the same terms but takes no place.
 */
@Component
public class Agreements {

    /**
     * A case about to start, as the agreement judges it. {@code arrivalMode} is null for a referral; {@code fromPartner}
     * when the partner started it (a refusal then goes back to the partner, and says no more than it needs).
     */
    public record NewCase(CaseKind kind, String partner, String caseReference, ArrivalMode arrivalMode, boolean test,
                          String messageId, Instant at, boolean fromPartner) {
    }

    /** How full one cap is. {@code partner} is null for a cap across the phase's partners; {@code week} for a weekly one. */
    public record CapUse(String phase, String partner, CaseKind kind, String week, int cap, long used) {

        String describe() {
            return (kind == CaseKind.RETURN ? "returns" : "admissions") + (partner == null ? " across the scheme's partners" : " with " + partner)
                    + (week == null ? " in phase " + phase : " in " + week) + ": " + used + " of " + cap;
        }

        /** As a partner is told: the scheme-wide count is the other partners' business too, so only that it is full. */
        String describeTo(String partnerAsking) {
            return partner == null ? (kind == CaseKind.RETURN ? "returns" : "admissions")
                    + " across the scheme's partners in phase " + phase + (week == null ? "" : ", " + week) + ": full"
                    : describe();
        }
    }

    private final AgreementVersions versions;
    private final PartnerStandings standings;
    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;

    Agreements(AgreementVersions versions, PartnerStandings standings, JdbcClient jdbc, AuditTrail audit, Clock clock) {
        this.versions = versions;
        this.standings = standings;
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /** The agreement in force; an empty one (nobody may start a case) before any was recorded. */
    public Scheme scheme() {
        return versions.inForceRecent().map(AgreementVersions.Version::scheme).orElseGet(() -> Scheme.of(null, null));
    }

    /** The partner's terms at {@code at}: empty when no phase in force then names it. */
    public Optional<Scheme.Terms> termsAt(String partner, Instant at) {
        return scheme().termsAt(partner, at);
    }

    /** The partner's terms at {@code at}, or the UK–France values for a case begun outside any recorded phase. */
    public Scheme.Terms termsOrStandard(String partner, Instant at) {
        return termsAt(partner, at).orElseGet(Scheme.Terms::standard);
    }

    /** The phase in force at {@code at}. */
    public Optional<Scheme.Phase> phaseAt(Instant at) {
        return scheme().phaseAt(at);
    }

    public Instant now() {
        return clock.instant();
    }

    /** Before anything is stored: refuses a case the agreement does not allow now, with its stable code. */
    public void checkNewCase(NewCase c) {
        judge(c);
    }

    /**
     * In the transaction that stores the case's first message: judges it again under the caps' lock (so two cases
     * started at once cannot both take a cap's last place, on any node sharing the database) and takes its place.
     */
    public void takePlace(NewCase c) {
        if (c.test()) {
            judge(c);
            return;
        }
        lock();
        boolean taken = jdbc.sql("select count(*) from cap_place where partner = :p and kind = :k and case_reference = :c")
                .param("p", c.partner()).param("k", c.kind().name()).param("c", c.caseReference())
                .query(Integer.class).single() > 0;
        if (taken) {
            return;
        }
        Judgement j = judge(c);
        jdbc.sql("""
                insert into cap_place (partner, kind, case_reference, phase, iso_week, message_id, override_id, taken_at)
                values (:p, :k, :c, :phase, :week, :mid, :override, :at)""")
                .param("p", c.partner()).param("k", c.kind().name()).param("c", c.caseReference())
                .param("phase", j.phase().name()).param("week", isoWeek(c.at())).param("mid", c.messageId())
                .param("override", j.overrideId()).param("at", c.at().atOffset(ZoneOffset.UTC)).update();
        if (j.overrideId() != null) {
            jdbc.sql("update cap_override set used_by_message = :mid where id = :id")
                    .param("mid", c.messageId()).param("id", j.overrideId()).update();
            audit.record(AuditTrail.Entry.of("node", AuditChannel.CASEWORK, AuditAction.CAP_OVERRIDE_USED, AuditOutcome.OK)
                    .partner(c.partner()).caseReference(c.caseReference()).message(c.messageId(), null, null)
                    .detail("override " + j.overrideId() + " let " + c.kind() + " " + c.caseReference() + " past "
                            + String.join("; ", j.full().stream().map(CapUse::describe).toList())));
        }
    }

    /**
     * Takes the one lock that serialises places under the caps and changes of the agreement, on every node sharing the
     * database, until the caller's transaction ends.
     */
    void lock() {
        jdbc.sql("select id from cap_lock where id = 1 for update").query(Integer.class).single();
    }

    private record Judgement(Scheme.Phase phase, List<CapUse> full, Long overrideId) {
    }

    private Judgement judge(NewCase c) {
        Scheme scheme = scheme();
        Optional<Scheme.Phase> phase = scheme.phaseAt(c.at());
        Scheme.Terms terms = phase.map(p -> p.partners().get(c.partner())).orElse(null);
        if (terms == null) {
            throw new GatewayException(GatewayErrorCode.NO_AGREEMENT_IN_FORCE, "No phase of the " + scheme.name()
                    + " agreement in force at " + c.at() + " covers partner " + c.partner(),
                    List.of(phase.map(p -> "phase in force: " + p.name() + ", partners " + p.partners().keySet())
                            .orElse("no phase in force")), null);
        }
        PartnerStandings.PartnerStanding standing = standings.of(c.partner());
        if (standing.standing() == PartnerStandings.Standing.WINDING_DOWN) {
            throw new GatewayException(GatewayErrorCode.PARTNER_WINDING_DOWN, "Partner " + c.partner()
                    + " is winding down its agreement: no new case either way; open cases complete",
                    List.of("since " + standing.changedAt()), null);
        }
        if (c.kind() == CaseKind.ADMISSION && !standing.admissionsOpen()) {
            throw new GatewayException(GatewayErrorCode.ADMISSIONS_CLOSED, "The admission application window with "
                    + c.partner() + " is closed", List.of("closed since " + standing.changedAt()), null);
        }
        if (c.arrivalMode() != null && !terms.arrivalModes().contains(c.arrivalMode())) {
            throw new GatewayException(GatewayErrorCode.ARRIVAL_MODE_NOT_IN_SCOPE, "Phase " + phase.get().name()
                    + " with " + c.partner() + " covers arrivals by " + new TreeSet<>(terms.arrivalModes())
                    + ", not " + c.arrivalMode(), List.of("arrival-modes " + new TreeSet<>(terms.arrivalModes())), null);
        }
        if (c.test()) {
            return new Judgement(phase.get(), List.of(), null);
        }
        List<CapUse> full = full(c, phase.get());
        if (full.isEmpty()) {
            return new Judgement(phase.get(), full, null);
        }
        Optional<Long> override = override(c);
        if (override.isPresent()) {
            return new Judgement(phase.get(), full, override.get());
        }
        throw new GatewayException(GatewayErrorCode.CAP_REACHED, "A new " + c.kind().name().toLowerCase()
                + " case with " + c.partner() + " would pass a cap of phase " + phase.get().name(),
                full.stream().map(u -> c.fromPartner() ? u.describeTo(c.partner()) : u.describe()).toList(), null);
    }

    /** The caps a new case would pass: the partner's and the phase's, weekly and over the phase. */
    private List<CapUse> full(NewCase c, Scheme.Phase phase) {
        List<CapUse> full = new ArrayList<>();
        for (CapUse use : uses(phase, c.partner(), c.kind(), c.at(), c)) {
            if (use.used() >= use.cap()) {
                full.add(use);
            }
        }
        return full;
    }

    /** Every cap of the phase on this kind that applies to the partner, with its count (leaving out {@code except}). */
    List<CapUse> uses(Scheme.Phase phase, String partner, CaseKind kind, Instant at, NewCase except) {
        List<CapUse> uses = new ArrayList<>();
        Scheme.Terms terms = phase.partners().get(partner);
        String week = isoWeek(at);
        for (String scope : new String[] {partner, null}) {
            Scheme.Caps caps = scope == null ? phase.caps() : terms == null ? Scheme.Caps.NONE : terms.caps();
            for (boolean weekly : new boolean[] {true, false}) {
                int cap = caps.of(kind, weekly);
                if (cap > 0) {
                    uses.add(new CapUse(phase.name(), scope, kind, weekly ? week : null, cap,
                            count(phase.name(), scope, kind, weekly ? week : null, except)));
                }
            }
        }
        return uses;
    }

    /**
     * The places taken in a phase (by one partner, or all; in one ISO week, or all), leaving out cases that ended
     * without a return or an admission — they gave their place back — and the case being judged.
     */
    private long count(String phase, String partner, CaseKind kind, String week, NewCase except) {
        return jdbc.sql("""
                select count(*) from cap_place p
                where p.phase = :phase and p.kind = :kind
                  and (cast(:partner as varchar(2)) is null or p.partner = :partner)
                  and (cast(:week as varchar(8)) is null or p.iso_week = :week)
                  and not (p.partner = :exceptPartner and p.case_reference = :exceptCase)
                  and not exists (select 1 from readmission_case r where p.kind = 'RETURN'
                      and r.case_reference = p.case_reference and r.partner = p.partner
                      and r.state in ('REFUSED', 'CANCELLED', 'EXPIRED'))
                  and not exists (select 1 from admission_case a where p.kind = 'ADMISSION'
                      and a.case_reference = p.case_reference and a.partner = p.partner
                      and a.state in ('REFUSED', 'WITHDRAWN', 'LAPSED'))""")
                .param("phase", phase).param("kind", kind.name()).param("partner", partner).param("week", week)
                .param("exceptPartner", except == null ? "" : except.partner())
                .param("exceptCase", except == null ? "" : except.caseReference())
                .query(Long.class).single();
    }

    private Optional<Long> override(NewCase c) {
        return jdbc.sql("""
                select id from cap_override where partner = :p and kind = :k and case_reference = :c
                  and (used_by_message is null or used_by_message = :mid)""")
                .param("p", c.partner()).param("k", c.kind().name()).param("c", c.caseReference())
                .param("mid", c.messageId()).query(Long.class).optional();
    }

    /**
     * A case is test traffic or live from its first message to its last: a message whose mark differs from the case's
     * is refused ({@code TEST_TRAFFIC_MISMATCH}), so that neither a live case slips past the caps as a test nor a live
     * return goes uncounted (ledger, gallery) as one.
     */
    public void requireSameTraffic(CaseKind kind, String partner, String caseReference, boolean test) {
        Optional<Boolean> caseIsTest = kind == CaseKind.RETURN
                ? jdbc.sql("""
                        select m.test_indicator from readmission_case c join message m on m.message_id = c.request_message_id
                        where c.case_reference = :c and c.partner = :p""")
                        .param("c", caseReference).param("p", partner).query(Boolean.class).optional()
                : jdbc.sql("""
                        select m.test_indicator from admission_case_history h join message m on m.message_id = h.message_id
                        where h.case_reference = :c and h.event = 'REFERRAL' order by h.id fetch first 1 rows only""")
                        .param("c", caseReference).query(Boolean.class).optional();
        if (caseIsTest.isPresent() && caseIsTest.get() != test) {
            throw new GatewayException(GatewayErrorCode.TEST_TRAFFIC_MISMATCH, "Case " + caseReference + " is "
                    + (caseIsTest.get() ? "test traffic" : "live") + "; this message is " + (test ? "marked as a test" : "live"),
                    List.of("testIndicator " + test), null);
        }
    }

    static String isoWeek(Instant at) {
        LocalDate date = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return String.format("%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
