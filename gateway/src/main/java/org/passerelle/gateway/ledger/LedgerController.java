package org.passerelle.gateway.ledger;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.passerelle.gateway.agreement.Agreements;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The ledger over the API: by partner, ISO week and counting period, with the policy's standing and the last
 * reconciliation (SYSTEM, ADMIN); send a statement now (SYSTEM, ADMIN); count a case recorded outside the exchange
 * (ADMIN). Actions are audited.
 */
@RestController
@RequestMapping(path = "/api/v1/ledger", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Equivalence ledger", description = "Returns against admissions per partner, policy and reconciliation")
class LedgerController {

    record Week(String week, LocalDate start, LocalDate end, long returns, long admissions, List<String> returnCases,
                List<String> admissionCases) {
    }

    record PeriodView(LocalDate start, LocalDate endExclusive, long returns, long admissions) {
    }

    /** The policy and caps the partner's ledger is held to today, from the agreement's phase in force. */
    record PolicyView(String kind, String phase, Scheme.Equivalence equivalence, Scheme.Caps caps) {
    }

    record PartnerLedger(String partner, PolicyView policy, List<EquivalencePolicy.Finding> standing,
                         EquivalencePolicy.Level level, PeriodView currentPeriod, List<Week> weeks,
                         Ledger.Statement lastReconciliation, Ledger.Statement lastStatementSent) {
    }

    record ManualEntry(String partner, String kind, String caseReference, LocalDate date) {
    }

    private final Ledger ledger;
    private final Statements statements;
    private final PartnerRegistry partners;
    private final Agreements agreements;
    private final AuditTrail audit;

    LedgerController(Ledger ledger, Statements statements, PartnerRegistry partners, Agreements agreements,
                     AuditTrail audit) {
        this.ledger = ledger;
        this.statements = statements;
        this.partners = partners;
        this.agreements = agreements;
        this.audit = audit;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('SYSTEM', 'ADMIN')")
    @Operation(summary = "The ledger by partner, ISO week and counting period, with the last reconciliation (roles SYSTEM, ADMIN)",
            description = "period: the counting period holding this date (default today); weeks: that period's ISO weeks with cases.")
    List<PartnerLedger> ledger(@RequestParam(required = false) String partner,
                               @RequestParam(required = false) LocalDate date) {
        LocalDate day = date == null ? ledger.today() : date;
        TreeSet<String> parties = new TreeSet<>(ledger.partnersWithEntries());
        partners.all().stream().map(Partner::party).forEach(parties::add);
        List<PartnerLedger> result = new ArrayList<>();
        for (String p : parties) {
            if (partner == null || partner.equals(p)) {
                result.add(view(p, day));
            }
        }
        return result;
    }

    @PostMapping("/statements")
    @PreAuthorize("hasAnyRole('SYSTEM', 'ADMIN')")
    @Operation(summary = "Send the equivalence statement of an ISO week now (roles SYSTEM, ADMIN)",
            description = "week as 2026-W10, default the current week; partner default every partner.")
    ResponseEntity<Map<String, Object>> send(@RequestParam(required = false) String partner,
                                             @RequestParam(required = false) String week, Principal principal) {
        LocalDate start;
        try {
            start = week == null ? Ledger.weekStart(ledger.today()) : parseWeek(week);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw invalid("week must read like 2026-W10");
        }
        List<String> ids = statements.send(partner, start);
        audit.record(AuditTrail.Entry.of(principal.getName(),
                AuditChannel.API, AuditAction.LEDGER_STATEMENT_SENT, AuditOutcome.GRANTED)
                .partner(partner).detail(Ledger.isoWeek(start) + " " + ids));
        return ResponseEntity.accepted().body(Map.of("week", Ledger.isoWeek(start), "messageIds", ids));
    }

    @PostMapping(path = "/entries", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Count a completed return or admission recorded outside the exchange (role ADMIN)")
    ResponseEntity<Map<String, Object>> manual(@RequestBody ManualEntry entry, Principal principal) {
        if (entry == null || entry.partner() == null || partners.find(entry.partner()).isEmpty()
                || !(Ledger.RETURN.equals(entry.kind()) || Ledger.ADMISSION.equals(entry.kind()))
                || entry.caseReference() == null || !entry.caseReference().matches("[A-Z]{2}-(RA|AD)-[0-9]{4}-[0-9]{6}")
                || entry.date() == null) {
            audit.refused(AuditTrail.Entry.of(principal.getName(),
                    AuditChannel.API, AuditAction.LEDGER_ENTRY_ADDED, AuditOutcome.REFUSED)
                    .code(GatewayErrorCode.CASEWORK_REQUEST_INVALID.name(), "incomplete entry"));
            throw invalid("partner (a configured party), kind (RETURN or ADMISSION), caseReference and date are required");
        }
        boolean added = ledger.count(entry.partner(), entry.kind(), entry.caseReference(), entry.date(), "MANUAL",
                null, false, principal.getName());
        audit.record(AuditTrail.Entry.of(principal.getName(),
                AuditChannel.API, AuditAction.LEDGER_ENTRY_ADDED, AuditOutcome.GRANTED)
                .partner(entry.partner()).detail(entry.kind() + " " + entry.caseReference()));
        return ResponseEntity.status(added ? 201 : 200).body(Map.of("added", added));
    }

    private PartnerLedger view(String partner, LocalDate day) {
        LocalDate[] period = ledger.period(day);
        List<Ledger.Entry> entries = ledger.entries(partner, period[0], period[1].minusDays(1));
        List<Week> weeks = new ArrayList<>();
        for (LocalDate w = Ledger.weekStart(period[0]); w.isBefore(period[1]); w = w.plusWeeks(1)) {
            String key = Ledger.isoWeek(w);
            List<Ledger.Entry> in = entries.stream().filter(e -> e.week().equals(key)).toList();
            if (in.isEmpty() && !w.equals(Ledger.weekStart(day))) {
                continue;
            }
            List<String> returns = in.stream().filter(e -> e.kind().equals(Ledger.RETURN)).map(Ledger.Entry::caseReference).toList();
            List<String> admissions = in.stream().filter(e -> e.kind().equals(Ledger.ADMISSION)).map(Ledger.Entry::caseReference).toList();
            weeks.add(new Week(key, w, w.plusDays(6), returns.size(), admissions.size(), returns, admissions));
        }
        EquivalencePolicy.Counts counts = ledger.counts(partner, period[0], period[1].minusDays(1));
        List<EquivalencePolicy.Finding> standing = ledger.assess(partner, day);
        Scheme.Terms terms = ledger.terms(partner, day);
        PolicyView policy = new PolicyView(terms.equivalence().policy().name(),
                agreements.phaseAt(day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()).map(Scheme.Phase::name).orElse(null),
                terms.equivalence(), terms.caps());
        return new PartnerLedger(partner, policy, standing, EquivalencePolicy.worst(standing),
                new PeriodView(period[0], period[1], counts.returns(), counts.admissions()), weeks,
                ledger.statements(partner, "INBOUND", 1).stream().findFirst().orElse(null),
                ledger.statements(partner, "OUTBOUND", 1).stream().findFirst().orElse(null));
    }

    static LocalDate parseWeek(String week) {
        if (!week.matches("[0-9]{4}-W[0-9]{2}")) {
            throw new IllegalArgumentException(week);
        }
        int year = Integer.parseInt(week.substring(0, 4));
        int number = Integer.parseInt(week.substring(6));
        return LocalDate.of(year, 1, 4).with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, number)
                .with(java.time.DayOfWeek.MONDAY);
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(GatewayErrorCode.CASEWORK_REQUEST_INVALID, message);
    }
}
