package org.passerelle.gateway.exchange.outbound;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.gateway.partner.PartnerSuspensions;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deliveries by partner for operations: circuit state, waiting and parked messages (metadata only), and the
 * administrator's suspension and resumption of a partner — each change audited as an administrative change.
 */
@RestController
@RequestMapping(path = "/api/v1/partners", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Partners", description = "Delivery state per partner; administrators suspend and resume partners")
class PartnersController {

    private static final int MAX_REASON = 200;

    private final PartnerRegistry partners;
    private final PartnerClients clients;
    private final PartnerSuspensions suspensions;
    private final MessageStore store;
    private final AuditTrail audit;

    PartnersController(PartnerRegistry partners, PartnerClients clients, PartnerSuspensions suspensions,
                       MessageStore store, AuditTrail audit) {
        this.partners = partners;
        this.clients = clients;
        this.suspensions = suspensions;
        this.store = store;
        this.audit = audit;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR', 'SYSTEM')")
    @Operation(summary = "Every partner's delivery state (roles ADMIN, AUDITOR, SYSTEM): circuit, suspension, waiting and parked counts")
    List<PartnerView> list() {
        return partners.all().stream().map(this::view).toList();
    }

    @GetMapping("/{party}")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR', 'SYSTEM')")
    @Operation(summary = "One partner's delivery state (roles ADMIN, AUDITOR, SYSTEM)")
    PartnerView one(@PathVariable String party) {
        return view(partners.require(party));
    }

    @GetMapping("/{party}/parked")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Messages parked for a partner, oldest first, metadata only (role ADMIN); replay with POST /api/v1/messages/{id}/replay")
    List<ParkedView> parked(@PathVariable String party, @RequestParam(defaultValue = "50") int limit) {
        Partner partner = partners.require(party);
        return store.parked(OutboxKind.SEND, partner.party(), Math.clamp(limit, 1, 500)).stream()
                .map(p -> new ParkedView(p.entry().messageId(), p.messageType(), p.entry().conversationId(),
                        p.entry().attempts(), p.code(), p.entry().createdAt()))
                .toList();
    }

    @PostMapping("/{party}/suspend")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Suspend the exchange with a partner (role ADMIN): outbound messages wait, inbound ones are answered 503 PARTNER_SUSPENDED")
    PartnerView suspend(@PathVariable String party, @RequestParam String reason, Principal principal) {
        Partner partner = partners.require(party);
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            audit.refused(AuditTrail.Entry.of(principal.getName(), "API", "PARTNER_SUSPENDED", "REFUSED")
                    .partner(partner.party()).resource("partner:" + partner.party())
                    .code(GatewayErrorCode.SUSPENSION_REASON_REQUIRED.name(), "reason missing or too long"));
            throw new GatewayException(GatewayErrorCode.SUSPENSION_REASON_REQUIRED,
                    "A reason of 1 to " + MAX_REASON + " characters is required");
        }
        if (suspensions.suspend(partner.party(), why, principal.getName())) {
            audit.record(AuditTrail.Entry.of(principal.getName(), "API", "PARTNER_SUSPENDED", "GRANTED")
                    .partner(partner.party()).resource("partner:" + partner.party()).code(null, why));
        }
        return view(partner);
    }

    @PostMapping("/{party}/resume")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Resume the exchange with a suspended partner (role ADMIN); waiting messages then go out in order")
    PartnerView resume(@PathVariable String party, Principal principal) {
        Partner partner = partners.require(party);
        if (suspensions.resume(partner.party())) {
            audit.record(AuditTrail.Entry.of(principal.getName(), "API", "PARTNER_RESUMED", "GRANTED")
                    .partner(partner.party()).resource("partner:" + partner.party()));
        }
        return view(partner);
    }

    private PartnerView view(Partner partner) {
        var circuit = clients.circuit(partner.party());
        var suspension = suspensions.of(partner.party());
        return new PartnerView(partner.party(), partner.baseUrl().toString(), circuit.getState().name(),
                circuit.getMetrics().getFailureRate(), suspension.isPresent(),
                suspension.map(PartnerSuspensions.Suspension::reason).orElse(null),
                suspension.map(PartnerSuspensions.Suspension::since).orElse(null),
                store.countOutbox(OutboxKind.SEND, partner.party(), "PENDING"),
                store.countOutbox(OutboxKind.SEND, partner.party(), "PARKED"));
    }

    /** A partner's delivery state as operations see it. */
    record PartnerView(String party, String baseUrl, String circuit, float failureRate, boolean suspended,
                       String suspensionReason, Instant suspendedSince, long waiting, long parked) {
    }

    /** A parked message, metadata only. */
    record ParkedView(String messageId, String messageType, String conversationId, int attempts, String code,
                      Instant queuedAt) {
    }
}
