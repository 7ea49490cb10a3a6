package org.passerelle.gateway.exchange.outbound;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.util.List;
import org.passerelle.gateway.audit.AuditChannel;
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

    private final PartnerOperations operations;

    PartnersController(PartnerOperations operations) {
        this.operations = operations;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR', 'SYSTEM')")
    @Operation(summary = "Every partner's delivery state (roles ADMIN, AUDITOR, SYSTEM): circuit, suspension, waiting and parked counts")
    List<PartnerOperations.PartnerView> list() {
        return operations.all();
    }

    @GetMapping("/{party}")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR', 'SYSTEM')")
    @Operation(summary = "One partner's delivery state (roles ADMIN, AUDITOR, SYSTEM)")
    PartnerOperations.PartnerView one(@PathVariable String party) {
        return operations.one(party);
    }

    @GetMapping("/{party}/parked")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Messages parked for a partner, oldest first, metadata only (role ADMIN); replay with POST /api/v1/messages/{id}/replay")
    List<PartnerOperations.ParkedView> parked(@PathVariable String party, @RequestParam(defaultValue = "50") int limit) {
        return operations.parked(party, limit);
    }

    @PostMapping("/{party}/suspend")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Suspend the exchange with a partner (role ADMIN): outbound messages wait, inbound ones are answered 503 PARTNER_SUSPENDED")
    PartnerOperations.PartnerView suspend(@PathVariable String party, @RequestParam String reason, Principal principal) {
        return operations.suspend(party, reason, new PartnerOperations.Actor(principal.getName(), null, AuditChannel.API));
    }

    @PostMapping("/{party}/resume")
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Resume the exchange with a suspended partner (role ADMIN); waiting messages then go out in order")
    PartnerOperations.PartnerView resume(@PathVariable String party, Principal principal) {
        return operations.resume(party, new PartnerOperations.Actor(principal.getName(), null, AuditChannel.API));
    }
}
