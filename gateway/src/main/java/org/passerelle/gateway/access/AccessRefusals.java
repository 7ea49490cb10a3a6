package org.passerelle.gateway.access;

import jakarta.servlet.http.HttpServletRequest;
import org.passerelle.contracts.ErrorCode;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.springframework.stereotype.Component;

/**
 * The one writer of refusals at the door: a request the API's or the console's security chain, a role rule or a
 * page refuses is audited here, in a transaction of its own, as {@code ACCESS_DENIED} (or {@code AUTHENTICATION} for a
 * request to the API that presented no credentials), with the caller and their role when known, the request as the
 * resource, the code, and the channel the request came through.
 */
@Component
public class AccessRefusals {

    private final AuditTrail audit;

    AccessRefusals(AuditTrail audit) {
        this.audit = audit;
    }

    /** A caller (signed in or not) refused a request with this code. */
    public void denied(HttpServletRequest request, AuditChannel channel, ErrorCode code) {
        Caller caller = Callers.current();
        String actor = caller != null ? caller.name()
                : request.getUserPrincipal() == null ? "anonymous" : request.getUserPrincipal().getName();
        audit.refused(AuditTrail.Entry.of(actor, channel, AuditAction.ACCESS_DENIED, AuditOutcome.REFUSED)
                .role(caller == null ? null : caller.auditRole()).resource(request.getMethod() + " " + request.getRequestURI())
                .code(code, request.getMethod() + " " + request.getRequestURI()));
    }

    /** A request to the API that presented no credentials (a refused sign-in is audited with its reason instead). */
    public void unauthenticated(HttpServletRequest request) {
        audit.refused(AuditTrail.Entry.of("anonymous", AuditChannel.API, AuditAction.AUTHENTICATION, AuditOutcome.REFUSED)
                .code(GatewayErrorCode.UNAUTHENTICATED, request.getMethod() + " " + request.getRequestURI()));
    }
}
