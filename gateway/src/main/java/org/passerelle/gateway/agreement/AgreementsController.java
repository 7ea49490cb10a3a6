package org.passerelle.gateway.agreement;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The agreement in force, its versions and the partners' standing; administrators propose and approve versions, set a
 * partner's standing and record cap overrides, each audited.
 */
@RestController
@RequestMapping(path = "/api/v1/agreements", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Agreements", description = "Phases, caps and standing of the scheme's agreement; versions with a second administrator's approval")
class AgreementsController {

    private final Agreements agreements;
    private final AgreementVersions versions;
    private final AgreementAdministration administration;
    private final PartnerStandings standings;
    private final PartnerRegistry partners;

    AgreementsController(Agreements agreements, AgreementVersions versions, AgreementAdministration administration,
                         PartnerStandings standings, PartnerRegistry partners) {
        this.agreements = agreements;
        this.versions = versions;
        this.administration = administration;
        this.standings = standings;
        this.partners = partners;
    }

    record VersionView(long id, String status, boolean needsApproval, Long basedOn, String changes, String note,
                       String proposedBy, Instant proposedAt, String decidedBy, Instant decidedAt, String sha256) {

        static VersionView of(AgreementVersions.Version v) {
            return new VersionView(v.id(), v.status().name(), v.needsApproval(), v.basedOn(), v.changes(), v.note(),
                    v.proposedBy(), v.proposedAt(), v.decidedBy(), v.decidedAt(), v.sha256());
        }
    }

    record CapView(String partner, String kind, String week, int cap, long used) {
    }

    record PartnerView(String party, String standing, boolean admissionsOpen, String reason, String changedBy,
                       Instant changedAt, boolean agreementInForce, List<CapView> caps) {
    }

    record AgreementView(VersionView version, String phaseInForce, Instant at, List<PartnerView> partners,
                         List<CapView> schemeCaps, Scheme scheme) {
    }

    record Proposal(Scheme scheme, Long basedOn, String note) {
    }

    /** Proposals are read strictly: a misspelt or unknown name would otherwise silently take its default. */
    private static final tools.jackson.databind.json.JsonMapper STRICT = tools.jackson.databind.json.JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    record StandingChange(PartnerStandings.Standing standing, Boolean admissionsOpen, String reason) {
    }

    record OverrideRequest(String partner, CaseKind kind, String caseReference, String reason) {
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR', 'SYSTEM')")
    @Operation(summary = "The agreement in force, its phase now, each partner's standing and how full each cap is (roles ADMIN, AUDITOR, SYSTEM)")
    AgreementView inForce() {
        Instant now = agreements.now();
        Scheme scheme = agreements.scheme();
        Scheme.Phase phase = scheme.phaseAt(now).orElse(null);
        List<PartnerView> views = new ArrayList<>();
        List<CapView> schemeCaps = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        for (Partner p : partners.all()) {
            PartnerStandings.PartnerStanding s = standings.of(p.party());
            List<CapView> caps = new ArrayList<>();
            if (phase != null) {
                for (CaseKind kind : CaseKind.values()) {
                    for (Agreements.CapUse use : agreements.uses(phase, p.party(), kind, now, null)) {
                        CapView view = new CapView(use.partner(), kind.name(), use.week(), use.cap(), use.used());
                        if (use.partner() != null) {
                            caps.add(view);
                        } else if (seen.add(kind + "/" + use.week())) {
                            schemeCaps.add(view);
                        }
                    }
                }
            }
            views.add(new PartnerView(p.party(), s.standing().name(), s.admissionsOpen(), s.reason(), s.changedBy(),
                    s.changedAt(), phase != null && phase.partners().containsKey(p.party()), caps));
        }
        return new AgreementView(versions.inForce().map(VersionView::of).orElse(null),
                phase == null ? null : phase.name(), now, views, schemeCaps, scheme);
    }

    @GetMapping("/versions")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
    @Operation(summary = "The agreement's versions, newest first, with what each changed and who proposed and decided it (roles ADMIN, AUDITOR)")
    List<VersionView> versions() {
        return versions.latest(100).stream().map(VersionView::of).toList();
    }

    @PostMapping(path = "/versions", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Propose a new version of the whole agreement (role ADMIN): 202, pending until a second"
            + " administrator approves it; every change waits (dates, arrival modes and clocks as much as caps)")
    ResponseEntity<VersionView> propose(@RequestBody String json, Principal principal) {
        Proposal body;
        try {
            body = STRICT.readValue(json, Proposal.class);
        } catch (RuntimeException e) {
            // Unknown names, wrong types, a phase without 'from', a date that is none: said in the first line.
            Throwable why = e.getCause() instanceof IllegalArgumentException cause ? cause : e;
            throw new org.passerelle.gateway.error.GatewayException(
                    org.passerelle.gateway.error.GatewayErrorCode.AGREEMENT_INVALID, "The proposal cannot be read",
                    List.of(why.getMessage() == null ? why.getClass().getSimpleName() : firstLine(why.getMessage())), null);
        }
        Scheme scheme = body.scheme() == null ? Scheme.of(null, null) : body.scheme();
        if (!STRICT.readTree(json).path("scheme").has("dataSharing")) {
            // A proposal about phases and caps keeps the data-sharing in force; "dataSharing": {} would end it.
            scheme = scheme.withDataSharing(agreements.scheme().dataSharing());
        }
        AgreementVersions.Version v = administration.propose(scheme, body.basedOn(), body.note(), actor(principal));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(VersionView.of(v));
    }

    @PostMapping("/versions/{id}/approval")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Approve a pending version (role ADMIN, not its proposer): it comes into force")
    VersionView approve(@PathVariable long id, Principal principal) {
        return VersionView.of(administration.decide(id, true, actor(principal)));
    }

    @PostMapping("/versions/{id}/rejection")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Reject a pending version (role ADMIN)")
    VersionView reject(@PathVariable long id, Principal principal) {
        return VersionView.of(administration.decide(id, false, actor(principal)));
    }

    @PutMapping(path = "/partners/{party}/standing", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Set a partner's standing (role ADMIN): WINDING_DOWN after it walked away (no new case either"
            + " way, open cases complete) or ACTIVE, and whether its admission window is open; a reason is required")
    PartnerView standing(@PathVariable String party, @RequestBody StandingChange body, Principal principal) {
        PartnerStandings.PartnerStanding s = administration.setStanding(party, body.standing(), body.admissionsOpen(),
                body.reason(), actor(principal));
        return new PartnerView(s.party(), s.standing().name(), s.admissionsOpen(), s.reason(), s.changedBy(),
                s.changedAt(), agreements.termsAt(party, agreements.now()).isPresent(), List.of());
    }

    record OverrideView(long id, String partner, String kind, String caseReference) {
    }

    @PostMapping(path = "/cap-overrides", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Let one case past a full cap, with a reason (role ADMIN); used once, by the case's first message")
    ResponseEntity<OverrideView> override(@RequestBody OverrideRequest body, Principal principal) {
        long id = administration.recordOverride(body.partner(), body.kind(), body.caseReference(), body.reason(),
                actor(principal));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new OverrideView(id, body.partner(), body.kind().name(), body.caseReference()));
    }

    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse(message);
        return line.length() <= 300 ? line : line.substring(0, 300);
    }

    @GetMapping("/versions/{id}")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
    @Operation(summary = "One version with its whole document, for the approver to read before deciding (roles ADMIN, AUDITOR)")
    ResponseEntity<Map<String, Object>> version(@PathVariable long id) {
        return versions.find(id).<ResponseEntity<Map<String, Object>>>map(v -> ResponseEntity.ok(
                        Map.of("version", VersionView.of(v), "scheme", v.scheme())))
                .orElseThrow(() -> new org.passerelle.gateway.error.GatewayException(
                        org.passerelle.gateway.error.GatewayErrorCode.AGREEMENT_CHANGE_NOT_FOUND, "No agreement version " + id));
    }

    private static AgreementAdministration.Actor actor(Principal principal) {
        return new AgreementAdministration.Actor(principal.getName(), "ADMIN", AuditChannel.API);
    }
}
