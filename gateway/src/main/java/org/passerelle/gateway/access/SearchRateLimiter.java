package org.passerelle.gateway.access;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Limits each person's searches (back-end systems are not limited here) (records queries and biometric searches) to {@code passerelle.access.search-limit}
 * per {@code passerelle.access.search-limit-period}, with one Resilience4j rate limiter per caller name. A search over
 * the limit is refused at once (never queued) with {@code SEARCH_RATE_LIMITED} and audited. The limit is per node:
 * nodes of one party sharing a database each count their own.
 */
@Component
public class SearchRateLimiter {

    private final RateLimiterConfig config;
    private final ConcurrentMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final AccessRules rules;

    public SearchRateLimiter(@Value("${passerelle.access.search-limit:30}") int limit,
                             @Value("${passerelle.access.search-limit-period:1m}") Duration period,
                             AccessRules rules) {
        if (limit < 1) {
            throw new IllegalStateException("passerelle.access.search-limit must be at least 1, was " + limit);
        }
        this.config = RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(period)
                .timeoutDuration(Duration.ZERO).build();
        this.rules = rules;
    }

    /**
     * Takes one search from the caller's allowance, or refuses (audited, {@code 429 SEARCH_RATE_LIMITED}) when it is
     * spent for this period.
     */
    public void acquire(AccessRules.Scope scope, String action, String resource) {
        if (scope.role() == Caller.Role.SYSTEM) {
            return; // back-end systems are limited by their own design, not per user
        }
        RateLimiter limiter = limiters.computeIfAbsent(scope.caller().name(),
                name -> RateLimiter.of("search-" + name, config));
        if (!limiter.acquirePermission()) {
            throw rules.refuse(scope, action, resource, GatewayErrorCode.SEARCH_RATE_LIMITED,
                    "Too many searches: the limit is " + config.getLimitForPeriod() + " per "
                            + config.getLimitRefreshPeriod());
        }
    }
}
