package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpServletRequest;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.springframework.stereotype.Component;

/**
 * Records a person's view of a console page the way the API records a view ({@code API_VIEW}, the path looked at,
 * never a query's values), on channel {@code CONSOLE}. Pages whose API records a richer entry (audit) record that
 * instead.
 */
@Component
class PageViews {

    private final AuditTrail audit;

    PageViews(AuditTrail audit) {
        this.audit = audit;
    }

    void record(HttpServletRequest request) {
        Caller caller = Callers.current();
        if (caller == null) {
            return;
        }
        String path = request.getRequestURI();
        audit.record(AuditTrail.Entry.of(caller.name(), AuditChannel.CONSOLE, AuditAction.API_VIEW, AuditOutcome.GRANTED)
                .role(caller.auditRole())
                .partner(caller.partner()).resource("GET " + (path.length() > 190 ? path.substring(0, 190) : path)));
    }

    /** Who acts, for the services shared with the API. */
    static org.passerelle.gateway.exchange.outbound.PartnerOperations.Actor actor() {
        Caller caller = Callers.current();
        return new org.passerelle.gateway.exchange.outbound.PartnerOperations.Actor(caller.name(), caller.auditRole(),
                AuditChannel.CONSOLE);
    }
}
