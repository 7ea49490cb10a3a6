package org.passerelle.gateway.access;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.Faults;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every API error (of the REST controllers; the console renders its own pages) as an RFC 9457 problem with the stable {@code code} and safe {@code details}; never a stack trace. */
@RestControllerAdvice(annotations = RestController.class)
class ApiErrors {

    private final AuditTrail audit;

    ApiErrors(AuditTrail audit) {
        this.audit = audit;
    }

    @ExceptionHandler(GatewayException.class)
    ResponseEntity<ProblemDetail> gateway(GatewayException e) {
        return problem(e.status(), e.code(), e.getMessage(), e.details());
    }

    @ExceptionHandler(ContractViolationException.class)
    ResponseEntity<ProblemDetail> contract(ContractViolationException e) {
        return gateway(Faults.from(e));
    }

    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    ResponseEntity<ProblemDetail> denied(RuntimeException e, HttpServletRequest request) {
        Caller caller = Callers.current();
        String actor = caller != null ? caller.name()
                : request.getUserPrincipal() == null ? "anonymous" : request.getUserPrincipal().getName();
        audit.refused(AuditTrail.Entry.of(actor, "API", "ACCESS_DENIED", "REFUSED")
                .role(caller == null ? null : caller.auditRole()).resource(request.getMethod() + " " + request.getRequestURI())
                .code(GatewayErrorCode.FORBIDDEN.name(), request.getMethod() + " " + request.getRequestURI()));
        return problem(HttpStatus.FORBIDDEN, GatewayErrorCode.FORBIDDEN.name(), "Not allowed", List.of());
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String title, List<String> details) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setTitle(title);
        problem.setProperty("code", code);
        problem.setProperty("details", details);
        return ResponseEntity.status(status).body(problem);
    }
}
