package org.passerelle.gateway.casework.readmission;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.gallery.GalleryChecks;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Readmission cases for casework systems and administrators: the list (all, overdue or due soon), one case with its
 * deadlines and history, and the user actions cancel, suspend and resume.
 */
@RestController
@RequestMapping("/api/v1/cases/readmission")
@Tag(name = "Readmission cases", description = "Case states, legal deadlines, history, and cancel / suspend / resume")
class ReadmissionCasesController {

    private final ReadmissionCases cases;
    private final ReadmissionWorkflow workflow;
    private final DeadlineWatch deadlines;
    private final AuditTrail audit;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final GalleryChecks gallery;

    ReadmissionCasesController(ReadmissionCases cases, ReadmissionWorkflow workflow, DeadlineWatch deadlines,
                               AuditTrail audit, Clock clock, TransactionTemplate transaction, GalleryChecks gallery) {
        this.gallery = gallery;
        this.cases = cases;
        this.workflow = workflow;
        this.deadlines = deadlines;
        this.audit = audit;
        this.clock = clock;
        this.transaction = transaction;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('SYSTEM', 'ADMIN')")
    @Operation(summary = "Readmission cases (roles SYSTEM, ADMIN); due=overdue or due=soon lists those with a deadline passed or near")
    List<CaseView> list(@RequestParam(required = false) String due) {
        if (due == null) {
            return cases.all().stream().map(c -> view(c, false)).toList();
        }
        List<DeadlineWatch.Due> found = switch (due.toLowerCase(Locale.ROOT)) {
            case "overdue" -> deadlines.overdue();
            case "soon" -> deadlines.soon();
            default -> throw new GatewayException(GatewayErrorCode.CASE_QUERY_INVALID,
                    "due is overdue or soon", List.of("due"), null);
        };
        // A case past (or near) both deadlines is listed once, at its earliest.
        java.util.Map<Long, ReadmissionCase> once = new java.util.LinkedHashMap<>();
        found.forEach(d -> once.putIfAbsent(d.readmissionCase().id(), d.readmissionCase()));
        return once.values().stream().map(c -> view(c, false)).toList();
    }

    @GetMapping(path = "/{caseReference}", produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('SYSTEM', 'ADMIN')")
    @Operation(summary = "One readmission case with its deadlines and history (roles SYSTEM, ADMIN)")
    CaseView one(@PathVariable String caseReference, @RequestParam(required = false) String partner) {
        return view(find(caseReference, partner), true);
    }

    @PostMapping(path = "/{caseReference}/actions", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('SYSTEM', 'ADMIN')")
    @Operation(summary = "Cancel, suspend (legal challenge) or resume a case (roles SYSTEM for casework systems, ADMIN)",
            description = "Body {\"action\": \"CANCEL\" | \"SUSPEND\" | \"RESUME\", \"partner\": \"FR\" (when the "
                    + "reference is held with several partners, else 409 CASE_PARTNER_REQUIRED)}; no such case is 404 "
                    + "READMISSION_CASE_NOT_FOUND. An illegal action is refused with 409 ILLEGAL_TRANSITION and changes nothing. Changes this node's case only: the back-end tells the "
                    + "partner with a CaseStatusUpdate or TransferStatus.")
    CaseView act(@PathVariable String caseReference, @RequestBody ActionRequest request, Principal principal) {
        String actor = principal.getName();
        try {
            CaseEvent event = eventOf(request.action());
            ReadmissionCase c = find(caseReference, request.partner());
            ReadmissionCase after = transaction.execute(tx -> workflow.apply(
                    CaseCommand.action(c.caseReference(), c.partner(), event, actor, clock.instant())));
            audit.record(AuditTrail.Entry.of(actor, AuditChannel.API, AuditAction.CASE_ACTION, AuditOutcome.GRANTED)
                    .partner(c.partner())
                    .detail(caseReference + " " + event));
            return view(after, true);
        } catch (GatewayException e) {
            audit.refused(AuditTrail.Entry.of(actor, AuditChannel.API, AuditAction.CASE_ACTION, AuditOutcome.REFUSED)
                    .code(e.code(),
                    caseReference.replaceAll("[^A-Z0-9-]", "") + " " + e.getMessage()));
            throw e;
        }
    }

    private ReadmissionCase find(String caseReference, String partner) {
        List<ReadmissionCase> found = cases.byReference(caseReference).stream()
                .filter(c -> partner == null || c.partner().equals(partner)).toList();
        if (found.size() != 1) {
            throw found.isEmpty()
                    ? new GatewayException(GatewayErrorCode.READMISSION_CASE_NOT_FOUND, "No such readmission case")
                    : new GatewayException(GatewayErrorCode.CASE_PARTNER_REQUIRED,
                            "The case is held with several partners: name one");
        }
        return found.get(0);
    }

    private static CaseEvent eventOf(String action) {
        String a = action == null ? "" : action.toUpperCase(Locale.ROOT);
        return switch (a) {
            case "CANCEL" -> CaseEvent.CANCEL;
            case "SUSPEND" -> CaseEvent.SUSPEND;
            case "RESUME" -> CaseEvent.RESUME;
            default -> throw new GatewayException(GatewayErrorCode.CASE_QUERY_INVALID,
                    "action is CANCEL, SUSPEND or RESUME", List.of("action"), null);
        };
    }

    private CaseView view(ReadmissionCase c, boolean withHistory) {
        Instant now = clock.instant();
        boolean replyOverdue = c.state() == ReadmissionState.ACKNOWLEDGED && c.replyDue() != null
                && c.replyDue().isBefore(now);
        boolean processOverdue = ReadmissionTransitions.OPEN.contains(c.state()) && c.processDue().isBefore(now);
        List<String> overdue = new java.util.ArrayList<>();
        if (replyOverdue) {
            overdue.add("REPLY");
        }
        if (processOverdue) {
            overdue.add("PROCESS");
        }
        return new CaseView(c.caseReference(), c.partner(), c.role().name(), c.state().name(),
                c.suspendedFrom() == null ? null : c.suspendedFrom().name(), c.conversationId(), c.requestMessageId(),
                c.arrivedAt(), c.requestedAt(), c.receiptAt(), c.exceptional(), c.replyDue(), c.processDue(), overdue,
                c.updatedAt(), withHistory ? gallery.find(GalleryChecks.READMISSION, c.caseReference()).orElse(null) : null,
                withHistory ? cases.history(c.id()) : null);
    }

    /** A user action on a case. */
    record ActionRequest(String action, String partner, String reason) {
    }

    /**
     * A case as the API shows it: references, state, deadlines and (for one case) the gallery's check — REENTRY with
     * its candidates when the person was returned once before — and its history; no personal data.
     */
    record CaseView(String caseReference, String partner, String role, String state, String suspendedFrom,
                    String conversationId, String requestMessageId, Instant arrivedAt, Instant requestedAt,
                    Instant receiptAt, boolean exceptional, Instant replyDue, Instant processDue, List<String> overdue,
                    Instant updatedAt, GalleryChecks.Check galleryCheck, List<Transition> history) {
    }
}
