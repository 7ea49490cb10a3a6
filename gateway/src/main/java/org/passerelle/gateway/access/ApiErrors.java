package org.passerelle.gateway.access;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.exchange.Faults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.servlet.NoHandlerFoundException;

/**
 * Every API error (of the REST controllers and of any request under {@code /api/}; the console renders its own pages)
 * as an RFC 9457 problem with the stable {@code code} and safe {@code details}, audited, never with exception text;
 * a request the framework refuses (method, media type, parameters, body) is first checked against the endpoint's
 * roles, so that a caller who may not use it learns only that.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private final AuditTrail audit;
    private final AccessRefusals refusals;
    private final ListableBeanFactory beans;

    ApiErrors(AuditTrail audit, AccessRefusals refusals, ListableBeanFactory beans) {
        this.audit = audit;
        this.refusals = refusals;
        this.beans = beans;
    }

    @ExceptionHandler(GatewayException.class)
    ResponseEntity<ProblemDetail> gateway(GatewayException e, HttpServletRequest request) throws GatewayException {
        if (!api(request)) {
            throw e;
        }
        // NODE_NOT_READY is not audited: nothing was read or decided, and the audit log may be starting or stopping.
        if (!audit.refusalAudited(e.code()) && !e.is(GatewayErrorCode.NODE_NOT_READY)) {
            // Thrown without an audit entry of its own (a malformed query, an unknown id): every API error is audited.
            audit.refused(entry(request, AuditAction.REQUEST_REFUSED)
                    .code(e.code(), request.getMethod() + " " + request.getRequestURI()));
        }
        ResponseEntity<ProblemDetail> answer = problem(e.status(), e.code().name(), e.getMessage(), e.details());
        if (e.retryLater()) {
            // The intake's memory budget is full, or the node is starting or stopping: the system sends again after
            // this many seconds.
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header("Retry-After", String.valueOf(InboundMemory.RETRY_AFTER_SECONDS)).body(answer.getBody());
        }
        return answer;
    }

    @ExceptionHandler(ContractViolationException.class)
    ResponseEntity<ProblemDetail> contract(ContractViolationException e, HttpServletRequest request) {
        return gateway(Faults.from(e), request);
    }

    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    ResponseEntity<ProblemDetail> denied(RuntimeException e, HttpServletRequest request) {
        if (!api(request)) {
            throw e;
        }
        return forbidden(refusals, request);
    }

    /**
     * What Spring MVC refuses before a controller method runs: no endpoint, wrong method, media type or Accept,
     * missing or mistyped parameters, an unreadable or invalid body. The endpoint's roles are checked first, since
     * method security ({@code @PreAuthorize}) only runs once the method is called.
     */
    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class,
            HttpRequestMethodNotSupportedException.class, HttpMediaTypeNotSupportedException.class,
            HttpMediaTypeNotAcceptableException.class, ServletRequestBindingException.class,
            MissingServletRequestPartException.class, TypeMismatchException.class,
            HttpMessageNotReadableException.class, MethodArgumentNotValidException.class,
            HandlerMethodValidationException.class, MaxUploadSizeExceededException.class, MultipartException.class})
    ResponseEntity<ProblemDetail> request(Exception e, HttpServletRequest request) throws Exception {
        if (!api(request)) {
            throw e;
        }
        if (!mayUse(request)) {
            return forbidden(refusals, request);
        }
        GatewayErrorCode code = code(e);
        audit.refused(entry(request, AuditAction.REQUEST_REFUSED)
                .code(code, request.getMethod() + " " + request.getRequestURI()));
        ResponseEntity<ProblemDetail> answer = problem(code.status(), code.name(), title(code), details(e));
        if (e instanceof ErrorResponse framework) {
            // Allow (405) and Accept (415) tell a caller what the endpoint takes; the framework computed them.
            HttpHeaders headers = new HttpHeaders();
            headers.putAll(answer.getHeaders());
            framework.getHeaders().forEach((name, values) -> {
                if (name.equalsIgnoreCase(HttpHeaders.ALLOW) || name.equalsIgnoreCase(HttpHeaders.ACCEPT)) {
                    headers.put(name, values);
                }
            });
            return new ResponseEntity<>(answer.getBody(), headers, answer.getStatusCode());
        }
        return answer;
    }

    /** Anything else: a failure inside the node, answered without its text (which goes to the log). */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request, HttpServletResponse response)
            throws Exception {
        if (!api(request) || response.isCommitted()) {
            throw e;
        }
        log.error("API request {} {} failed", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, GatewayErrorCode.INTERNAL_ERROR.name(), "Internal error", List.of());
    }

    static GatewayErrorCode code(Exception e) {
        return switch (e) {
            case NoResourceFoundException x -> GatewayErrorCode.NOT_FOUND;
            case NoHandlerFoundException x -> GatewayErrorCode.NOT_FOUND;
            case HttpRequestMethodNotSupportedException x -> GatewayErrorCode.METHOD_NOT_ALLOWED;
            case HttpMediaTypeNotSupportedException x -> GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case HttpMediaTypeNotAcceptableException x -> GatewayErrorCode.NOT_ACCEPTABLE;
            case MaxUploadSizeExceededException x -> GatewayErrorCode.BODY_TOO_LARGE;
            default -> GatewayErrorCode.REQUEST_INVALID;
        };
    }

    private static String title(GatewayErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> "No such endpoint";
            case METHOD_NOT_ALLOWED -> "Method not allowed here";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported media type";
            case NOT_ACCEPTABLE -> "No acceptable representation";
            case BODY_TOO_LARGE -> "Body too large";
            default -> "Invalid request";
        };
    }

    /** Only what the API itself defines (parameter names), never the exception's text, which may quote the input. */
    private static List<String> details(Exception e) {
        return switch (e) {
            case MissingServletRequestParameterException p -> List.of("missing parameter " + p.getParameterName());
            case MissingServletRequestPartException p -> List.of("missing part " + p.getRequestPartName());
            case TypeMismatchException t when t.getPropertyName() != null -> List.of("malformed parameter " + t.getPropertyName());
            case HttpMessageNotReadableException x -> List.of("unreadable body");
            case MethodArgumentNotValidException v -> v.getFieldErrors().stream()
                    .map(f -> "invalid field " + f.getField()).distinct().toList();
            default -> List.of();
        };
    }

    /**
     * Whether the caller holds a role of the endpoint the request was matched to or, when no single method matched
     * (wrong method, media type or Accept), of any endpoint at this path; a path no endpoint has protects nothing.
     */
    private boolean mayUse(HttpServletRequest request) {
        Set<String> held = heldRoles();
        if (request.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE) instanceof HandlerMethod matched) {
            return admits(matched, held);
        }
        Collection<HandlerMethod> candidates = candidates(request);
        return candidates.isEmpty() || candidates.stream().anyMatch(h -> admits(h, held));
    }

    private Collection<HandlerMethod> candidates(HttpServletRequest request) {
        RequestMappingHandlerMapping mapping = beans.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        List<HandlerMethod> atPath = new ArrayList<>();
        List<HandlerMethod> atPathAndMethod = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = e.getKey();
            boolean pathMatches = info.getPathPatternsCondition() != null
                    ? info.getPathPatternsCondition().getMatchingCondition(request) != null
                    : info.getPatternsCondition() != null && info.getPatternsCondition().getMatchingCondition(request) != null;
            if (pathMatches) {
                atPath.add(e.getValue());
                if (info.getMethodsCondition().getMatchingCondition(request) != null) {
                    atPathAndMethod.add(e.getValue());
                }
            }
        }
        return atPathAndMethod.isEmpty() ? atPath : atPathAndMethod;
    }

    private static boolean admits(HandlerMethod handler, Set<String> held) {
        PreAuthorize rule = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), PreAuthorize.class);
        if (rule == null) {
            rule = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), PreAuthorize.class);
        }
        // No rule of its own: the filter chain's "authenticated" is the whole rule, and the caller passed it.
        return rule == null || RolesInApiDescription.roles(rule.value()).stream().anyMatch(held::contains);
    }

    private static Set<String> heldRoles() {
        Caller caller = Callers.current();
        return caller == null ? Set.of() : caller.roles().stream().map(Enum::name).collect(Collectors.toSet());
    }

    /** A REST controller's error, or any error of a request to the versioned API (even one no controller took). */
    private static boolean api(HttpServletRequest request) {
        if (request.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE) instanceof HandlerMethod h
                && AnnotatedElementUtils.hasAnnotation(h.getBeanType(), RestController.class)) {
            return true;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/api/");
    }

    private static AuditTrail.Entry entry(HttpServletRequest request, AuditAction action) {
        Caller caller = Callers.current();
        String actor = caller != null ? caller.name()
                : request.getUserPrincipal() == null ? "anonymous" : request.getUserPrincipal().getName();
        return AuditTrail.Entry.of(actor, AuditChannel.API, action, AuditOutcome.REFUSED)
                .role(caller == null ? null : caller.auditRole()).resource(request.getMethod() + " " + request.getRequestURI());
    }

    /** 403 {@code FORBIDDEN}, audited as {@code ACCESS_DENIED}: from method security, a URL rule or a refused request. */
    static ResponseEntity<ProblemDetail> forbidden(AccessRefusals refusals, HttpServletRequest request) {
        refusals.denied(request, AuditChannel.API, GatewayErrorCode.FORBIDDEN);
        return problem(HttpStatus.FORBIDDEN, GatewayErrorCode.FORBIDDEN.name(), "Not allowed", List.of());
    }

    /** The security filter chain's answer when a URL rule (the actuator's) refuses an authenticated caller. */
    static AccessDeniedHandler deniedHandler(AccessRefusals refusals) {
        return (request, response, denied) -> {
            forbidden(refusals, request);
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write("{\"status\":403,\"title\":\"Not allowed\",\"code\":\"FORBIDDEN\",\"details\":[]}");
        };
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String title, List<String> details) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setTitle(title);
        problem.setProperty("code", code);
        problem.setProperty("details", details);
        // Set, not negotiated: a caller whose Accept the endpoint could not satisfy still gets the problem.
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
