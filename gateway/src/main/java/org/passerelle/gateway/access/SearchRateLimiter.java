package org.passerelle.gateway.access;

import java.time.Duration;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.cluster.RateWindows;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Limits each person's searches (back-end systems are not limited here) (records queries and biometric searches) to {@code passerelle.access.search-limit}
 * per {@code passerelle.access.search-limit-period}, counted per caller name in the shared database ({@link RateWindows}),
 * so that the limit holds across all the party's nodes. A search over the limit is refused at once (never queued) with
 * {@code SEARCH_RATE_LIMITED} and audited.
 */
@Component
public class SearchRateLimiter {

    private final int limit;
    private final Duration period;
    private final RateWindows windows;
    private final AccessRules rules;

    public SearchRateLimiter(@Value("${passerelle.access.search-limit:30}") int limit,
                             @Value("${passerelle.access.search-limit-period:1m}") Duration period,
                             AccessRules rules, RateWindows windows) {
        if (limit < 1) {
            throw new IllegalStateException("passerelle.access.search-limit must be at least 1, was " + limit);
        }
        this.limit = limit;
        this.period = period;
        this.rules = rules;
        this.windows = windows;
    }

    /**
     * Takes one search from the caller's allowance, or refuses (audited, {@code 429 SEARCH_RATE_LIMITED}) when it is
     * spent for this period.
     */
    public void acquire(AccessRules.Scope scope, AuditAction action, String resource) {
        if (scope.role() == Caller.Role.SYSTEM) {
            return; // back-end systems are limited by their own design, not per user
        }
        if (!windows.tryTake(scope.caller().name(), "search", limit, period)) {
            throw rules.refuse(scope, action, resource, GatewayErrorCode.SEARCH_RATE_LIMITED,
                    "Too many searches: the limit is " + limit + " per " + period);
        }
    }
}
