package org.passerelle.gateway.access;

import java.time.Duration;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.cluster.RateWindows;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Limits each person's single-record views to {@code passerelle.access.view-limit} per
 * {@code passerelle.access.view-limit-period}, apart from their searches, so that nobody walks the records one id at
 * a time; a view over the limit is refused at once with {@code VIEW_RATE_LIMITED} and audited. Counted across the
 * party's nodes, like {@link SearchRateLimiter}.
 */
@Component
public class ViewRateLimiter {

    private final int limit;
    private final Duration period;
    private final RateWindows windows;
    private final AccessRules rules;

    @Autowired
    public ViewRateLimiter(AccessProperties properties, AccessRules rules, RateWindows windows) {
        this(properties.viewLimit(), properties.viewLimitPeriod(), rules, windows);
    }

    ViewRateLimiter(int limit, Duration period, AccessRules rules, RateWindows windows) {
        this.limit = limit;
        this.period = period;
        this.rules = rules;
        this.windows = windows;
    }

    /** Takes one view from the caller's allowance, or refuses (audited, {@code 429 VIEW_RATE_LIMITED}). */
    public void acquire(AccessRules.Scope scope, AuditAction action, String resource) {
        if (scope.role() == Caller.Role.SYSTEM) {
            return; // back-end systems are limited by their own design, not per user
        }
        if (!windows.tryTake(scope.caller().name(), "view", limit, period)) {
            throw rules.refuse(scope, action, resource, GatewayErrorCode.VIEW_RATE_LIMITED,
                    "Too many record views: the limit is " + limit + " per " + period);
        }
    }
}
