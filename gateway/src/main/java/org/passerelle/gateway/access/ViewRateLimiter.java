package org.passerelle.gateway.access;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Limits each person's single-record views to {@code passerelle.access.view-limit} per
 * {@code passerelle.access.view-limit-period}, apart from their searches, so that nobody walks the records one id at
 * a time; a view over the limit is refused at once with {@code VIEW_RATE_LIMITED} and audited. Per node, like
 * {@link SearchRateLimiter}.
 */
@Component
public class ViewRateLimiter {

    private final RateLimiterConfig config;
    private final ConcurrentMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final AccessRules rules;

    @Autowired
    public ViewRateLimiter(AccessProperties properties, AccessRules rules) {
        this(properties.viewLimit(), properties.viewLimitPeriod(), rules);
    }

    ViewRateLimiter(int limit, Duration period, AccessRules rules) {
        this.config = RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(period)
                .timeoutDuration(Duration.ZERO).build();
        this.rules = rules;
    }

    /** Takes one view from the caller's allowance, or refuses (audited, {@code 429 VIEW_RATE_LIMITED}). */
    public void acquire(AccessRules.Scope scope, String action, String resource) {
        if (scope.role() == Caller.Role.SYSTEM) {
            return; // back-end systems are limited by their own design, not per user
        }
        RateLimiter limiter = limiters.computeIfAbsent(scope.caller().name(),
                name -> RateLimiter.of("view-" + name, config));
        if (!limiter.acquirePermission()) {
            throw rules.refuse(scope, action, resource, GatewayErrorCode.VIEW_RATE_LIMITED,
                    "Too many record views: the limit is " + config.getLimitForPeriod() + " per "
                            + config.getLimitRefreshPeriod());
        }
    }
}
