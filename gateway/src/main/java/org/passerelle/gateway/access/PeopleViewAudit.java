package org.passerelle.gateway.access;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Every view a person is granted through the API lands in the audit log ({@code API_VIEW}, with the path looked at
 * but never the query's values), so that "who looked at what" has no gap. The records and audit endpoints record
 * their own richer entries (purpose, case, filters) and are left to them; refusals are recorded where they are
 * decided. Back-end systems' reads of message and case metadata are recorded the same way; their other reads are not.
 */
@Configuration(proxyBeanMethods = false)
class PeopleViewAudit implements WebMvcConfigurer {

    /** Paths whose controllers audit their own views with more detail, and the caller's own identity. */
    private static final List<String> SELF_AUDITED = List.of("/api/v1/records", "/api/v1/audit", "/api/v1/me");

    /** Paths whose reads by a back-end system are consultations of personal data's metadata, audited too. */
    private static final List<String> SYSTEM_READS = List.of("/api/v1/messages/", "/api/v1/cases/");

    private final AuditTrail audit;

    PeopleViewAudit(AuditTrail audit) {
        this.audit = audit;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                        Exception ex) {
                record(request, response);
            }
        }).addPathPatterns("/api/v1/**");
    }

    private void record(HttpServletRequest request, HttpServletResponse response) {
        if (!"GET".equals(request.getMethod()) || response.getStatus() >= 300) {
            return;
        }
        String path = request.getRequestURI();
        if (SELF_AUDITED.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
            return;
        }
        Caller caller = Callers.current();
        // People's views, and systems' reads of message and case metadata (a consultation in the sense of DPA 2018
        // s.62); systems' other reads (health, partners, ledger) are not recorded.
        if (caller == null || caller.kind() != Caller.Kind.PERSON && !SYSTEM_READS.stream().anyMatch(path::startsWith)) {
            return;
        }
        audit.record(AuditTrail.Entry.of(caller.name(), AuditChannel.API, AuditAction.API_VIEW, AuditOutcome.GRANTED)
                .role(caller.auditRole())
                .partner(caller.partner()).resource("GET " + (path.length() > 190 ? path.substring(0, 190) : path)));
    }
}
