package org.passerelle.gateway.casework.admission;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.passerelle.gateway.access.AccessRules;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.gallery.GalleryChecks;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admission cases over the API: list and view with history (SYSTEM, CASEWORKER, ADMIN); confirm presence, record
 * the security check and withdraw (SYSTEM — the casework system acting for a caseworker — or CASEWORKER); review a
 * gallery match held for review (CASEWORKER: a person decides). Every action is audited, granted or refused.
 */
@RestController
@RequestMapping(path = "/api/v1/admissions", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admissions", description = "Admission cases on the legal route and the review of gallery matches")
class AdmissionController {

    /**
     * A case as the API shows it: never a biometric, only the gallery's check (status, candidates by entry and score,
     * the review) where this node decides.
     */
    record CaseView(String caseReference, String partner, AdmissionRole role, AdmissionState state,
                    String expressionOfInterest, GalleryChecks.Check galleryCheck, String securityOutcome,
                    Instant openedAt, Instant presenceDueAt, Instant updatedAt, List<AdmissionCases.Transition> history) {
    }

    /** A caseworker's review of a gallery match: CONFIRMED (the applicant was returned before) or REJECTED. */
    record GalleryReview(String decision, String note) {
    }

    record SecurityCheck(String outcome) {
    }

    private final AdmissionCases cases;
    private final AdmissionWorkflow workflow;
    private final GalleryChecks gallery;
    private final AuditTrail audit;
    private final AccessRules rules;

    AdmissionController(AdmissionCases cases, AdmissionWorkflow workflow, GalleryChecks gallery, AuditTrail audit,
                        AccessRules rules) {
        this.cases = cases;
        this.workflow = workflow;
        this.gallery = gallery;
        this.audit = audit;
        this.rules = rules;
    }

    @GetMapping("/cases")
    @PreAuthorize("hasAnyRole('SYSTEM', 'CASEWORKER', 'ADMIN')")
    @Operation(summary = "Admission cases, newest first, optionally in one state (roles SYSTEM, CASEWORKER, ADMIN)")
    List<CaseView> list(@RequestParam(required = false) AdmissionState state,
                        @RequestParam(defaultValue = "100") int limit) {
        Caller caller = Callers.current();
        return cases.list(state, Math.max(1, Math.min(limit, 1000))).stream()
                .filter(c -> !actsAsCaseworker(caller) || cases.team(c.caseReference()).equals(Optional.ofNullable(caller.team())))
                .map(c -> view(c, List.of())).toList();
    }

    @GetMapping("/cases/{ref}")
    @PreAuthorize("hasAnyRole('SYSTEM', 'CASEWORKER', 'ADMIN')")
    @Operation(summary = "One admission case with its full transition history (roles SYSTEM, CASEWORKER, ADMIN)")
    CaseView get(@PathVariable String ref) {
        requireTeam(ref, AuditAction.ADMISSION_CASE_VIEW);
        AdmissionCase c = cases.find(ref).orElseThrow(() -> new GatewayException(
                GatewayErrorCode.ADMISSION_CASE_NOT_FOUND, "No admission case " + AdmissionWorkflow.safe(ref)));
        return view(c, cases.history(ref));
    }

    @PostMapping("/cases/{ref}/presence")
    @PreAuthorize("hasAnyRole('SYSTEM', 'CASEWORKER')")
    @Operation(summary = "Record that the applicant confirmed presence in the partner state (roles SYSTEM, CASEWORKER)",
            description = "Deciding side only, within the presence window; 409 ILLEGAL_ADMISSION_TRANSITION otherwise.")
    CaseView confirmPresence(@PathVariable String ref, Principal principal) {
        requireTeam(ref, AuditAction.ADMISSION_PRESENCE);
        AdmissionCase c = workflow.confirmPresence(ref, principal.getName());
        return view(c, cases.history(ref));
    }

    @PostMapping(path = "/cases/{ref}/security-check", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('SYSTEM', 'CASEWORKER')")
    @Operation(summary = "Record the outcome of the security checks, CLEARED or NOT_CLEARED (roles SYSTEM, CASEWORKER)")
    CaseView securityCheck(@PathVariable String ref, @RequestBody SecurityCheck body, Principal principal) {
        requireTeam(ref, AuditAction.ADMISSION_SECURITY_CHECK);
        AdmissionCase c = workflow.recordSecurityCheck(ref, body == null ? null : body.outcome(), principal.getName());
        return view(c, cases.history(ref));
    }

    @PostMapping("/cases/{ref}/withdrawal")
    @PreAuthorize("hasAnyRole('SYSTEM', 'CASEWORKER')")
    @Operation(summary = "Record that the applicant withdrew (roles SYSTEM, CASEWORKER)")
    CaseView withdraw(@PathVariable String ref, Principal principal) {
        requireTeam(ref, AuditAction.ADMISSION_WITHDRAWAL);
        AdmissionCase c = workflow.withdraw(ref, principal.getName());
        return view(c, cases.history(ref));
    }

    @PostMapping(path = "/cases/{ref}/gallery-review", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('CASEWORKER')")
    @Operation(summary = "Confirm or reject a gallery match held for review, with a note (role CASEWORKER)",
            description = "decision: CONFIRMED (the applicant was returned before: INELIGIBLE_PRIOR_RETURN, and no ELIGIBLE"
                    + " result may leave) or REJECTED (the case goes on). A person decides, never a system; audited with"
                    + " who decided. 409 GALLERY_REVIEW_INVALID unless the check is held for review.")
    CaseView reviewGalleryMatch(@PathVariable String ref, @RequestBody GalleryReview body, Principal principal) {
        Caller caller = Callers.current();
        if (caller == null || caller.kind() != Caller.Kind.PERSON) {
            throw rules.refuse(caller, AuditAction.GALLERY_MATCH_REVIEW, "admission-case:" + AdmissionWorkflow.safe(ref),
                    null, null, GatewayErrorCode.FORBIDDEN, "A person reviews a gallery match, never a system");
        }
        if (!cases.team(ref).equals(Optional.ofNullable(caller.team()))) {
            throw rules.refuse(caller, AuditAction.GALLERY_MATCH_REVIEW, "admission-case:" + AdmissionWorkflow.safe(ref),
                    null, null, GatewayErrorCode.TEAM_NOT_ALLOWED, "This case is not of your team");
        }
        String decision = body == null ? null : body.decision();
        AdmissionCase c;
        try {
            c = cases.find(ref).orElseThrow(() -> new GatewayException(
                    GatewayErrorCode.ADMISSION_CASE_NOT_FOUND, "No admission case " + AdmissionWorkflow.safe(ref)));
            if (!"CONFIRMED".equals(decision) && !"REJECTED".equals(decision)) {
                throw new GatewayException(GatewayErrorCode.GALLERY_REVIEW_INVALID, "The review needs a decision",
                        List.of("decision must be CONFIRMED or REJECTED"), null);
            }
            gallery.review(ref, "CONFIRMED".equals(decision), body.note(), principal.getName());
        } catch (GatewayException e) {
            audit.refused(AuditTrail.Entry.of(principal.getName(),
                    AuditChannel.API, AuditAction.GALLERY_MATCH_REVIEW, AuditOutcome.REFUSED)
                    .caseReference(AdmissionWorkflow.safe(ref)).code(e.code(), e.getMessage()));
            throw e;
        }
        return view(c, cases.history(ref));
    }

    /** A caseworker sees and acts on the cases of their team only (refused with TEAM_NOT_ALLOWED, audited). */
    private void requireTeam(String ref, AuditAction action) {
        Caller caller = Callers.current();
        if (actsAsCaseworker(caller) && !cases.team(ref).equals(Optional.ofNullable(caller.team()))) {
            throw rules.refuse(caller, action, "admission-case:" + AdmissionWorkflow.safe(ref), null, null,
                    GatewayErrorCode.TEAM_NOT_ALLOWED, "This case is not of your team");
        }
    }

    /** Whether the caller acts as a caseworker (a system or an administrator holding the role too acts as itself). */
    private static boolean actsAsCaseworker(Caller caller) {
        return caller != null && Caller.Role.CASEWORKER.name().equals(caller.auditRole());
    }

    private CaseView view(AdmissionCase c, List<AdmissionCases.Transition> history) {
        return new CaseView(c.caseReference(), c.partner(), c.role(), c.state(), c.eoiId(),
                gallery.find(GalleryChecks.ADMISSION, c.caseReference()).orElse(null), c.securityOutcome(), c.openedAt(),
                c.presenceDueAt(), c.updatedAt(), history);
    }
}
