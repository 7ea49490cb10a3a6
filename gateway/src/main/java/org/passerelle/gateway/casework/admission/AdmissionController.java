package org.passerelle.gateway.casework.admission;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.passerelle.gateway.access.AccessRules;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admission cases over the API: list and view with history (SYSTEM, CASEWORKER, ADMIN); confirm presence, record
 * the security check and withdraw (SYSTEM — the casework system acting for a caseworker — or CASEWORKER); the
 * eligibility registry (ADMIN). Every action is audited, granted or refused.
 */
@RestController
@RequestMapping(path = "/api/v1/admissions", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admissions", description = "Admission cases on the legal route and the eligibility registry")
class AdmissionController {

    /** A case as the API shows it: never the biometric reference, only whether the registry matched and why. */
    record CaseView(String caseReference, String partner, AdmissionRole role, AdmissionState state,
                    String expressionOfInterest, String registryMatch, String securityOutcome, Instant openedAt,
                    Instant presenceDueAt, Instant updatedAt, List<AdmissionCases.Transition> history) {
    }

    record SecurityCheck(String outcome) {
    }

    record RegistryRequest(String biometricReference, String reason) {
    }

    private final AdmissionCases cases;
    private final AdmissionWorkflow workflow;
    private final EligibilityRegistry registry;
    private final AuditTrail audit;
    private final AccessRules rules;

    AdmissionController(AdmissionCases cases, AdmissionWorkflow workflow, EligibilityRegistry registry, AuditTrail audit,
                        AccessRules rules) {
        this.cases = cases;
        this.workflow = workflow;
        this.registry = registry;
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
        requireTeam(ref, "ADMISSION_CASE_VIEW");
        AdmissionCase c = cases.find(ref).orElseThrow(() -> new GatewayException(
                GatewayErrorCode.ADMISSION_CASE_NOT_FOUND, "No admission case " + AdmissionWorkflow.safe(ref)));
        return view(c, cases.history(ref));
    }

    @PostMapping("/cases/{ref}/presence")
    @PreAuthorize("hasAnyRole('SYSTEM', 'CASEWORKER')")
    @Operation(summary = "Record that the applicant confirmed presence in the partner state (roles SYSTEM, CASEWORKER)",
            description = "Deciding side only, within the presence window; 409 ILLEGAL_ADMISSION_TRANSITION otherwise.")
    CaseView confirmPresence(@PathVariable String ref, Principal principal) {
        requireTeam(ref, "ADMISSION_PRESENCE");
        AdmissionCase c = workflow.confirmPresence(ref, principal.getName());
        return view(c, cases.history(ref));
    }

    @PostMapping(path = "/cases/{ref}/security-check", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('SYSTEM', 'CASEWORKER')")
    @Operation(summary = "Record the outcome of the security checks, CLEARED or NOT_CLEARED (roles SYSTEM, CASEWORKER)")
    CaseView securityCheck(@PathVariable String ref, @RequestBody SecurityCheck body, Principal principal) {
        requireTeam(ref, "ADMISSION_SECURITY_CHECK");
        AdmissionCase c = workflow.recordSecurityCheck(ref, body == null ? null : body.outcome(), principal.getName());
        return view(c, cases.history(ref));
    }

    @PostMapping("/cases/{ref}/withdrawal")
    @PreAuthorize("hasAnyRole('SYSTEM', 'CASEWORKER')")
    @Operation(summary = "Record that the applicant withdrew (roles SYSTEM, CASEWORKER)")
    CaseView withdraw(@PathVariable String ref, Principal principal) {
        requireTeam(ref, "ADMISSION_WITHDRAWAL");
        AdmissionCase c = workflow.withdraw(ref, principal.getName());
        return view(c, cases.history(ref));
    }

    @GetMapping("/registry")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "The eligibility registry: reference digests and reasons, never the case they came from (role ADMIN)")
    List<EligibilityRegistry.Entry> registry() {
        return registry.entries();
    }

    @PostMapping(path = "/registry", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Add a biometric reference that makes an applicant ineligible (role ADMIN)")
    ResponseEntity<Map<String, Object>> register(@RequestBody RegistryRequest body, Principal principal) {
        try {
            boolean added = registry.register(body.biometricReference(), body.reason(), "API", null, principal.getName());
            return ResponseEntity.status(added ? 201 : 200).body(Map.of("added", added));
        } catch (GatewayException e) {
            audit.refused(AuditTrail.Entry.of(principal.getName(), "API", "REGISTRY_ENTRY_ADDED", "REFUSED")
                    .code(e.code(), e.getMessage()));
            throw e;
        }
    }

    @DeleteMapping("/registry/{reference}")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Remove a registry entry recorded in error (role ADMIN)")
    ResponseEntity<Void> unregister(@PathVariable String reference, Principal principal) {
        return registry.remove(reference, principal.getName()) ? ResponseEntity.noContent().build()
                : ResponseEntity.notFound().build();
    }

    /** A caseworker sees and acts on the cases of their team only (refused with TEAM_NOT_ALLOWED, audited). */
    private void requireTeam(String ref, String action) {
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
                registry.reasonFor(c.biometricRef()).orElse(null), c.securityOutcome(), c.openedAt(),
                c.presenceDueAt(), c.updatedAt(), history);
    }
}
