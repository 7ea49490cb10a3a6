package org.passerelle.gateway.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Allowances counted in the shared database, so that a person's limit holds across all the party's nodes behind a
 * load balancer: a fixed window per person and kind ({@code rate_window}), taken one at a time by a conditional update
 * that can never overshoot the limit, committed at once outside any caller's transaction (a refused or failed request
 * still used its allowance, as with an in-memory limiter; and a duplicate window row, opened by two nodes at once,
 * cannot abort a caller's PostgreSQL transaction). Windows are aligned on the epoch, so every node agrees on them as long as
 * their clocks agree to well within a window.
 */
@Component
public class RateWindows {

    private static final long KEEP_MILLIS = Duration.ofDays(1).toMillis();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate transaction;

    RateWindows(JdbcClient jdbc, Clock clock, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
    }

    /** Takes one from {@code subject}'s allowance of {@code kind} for the current window; false when it is spent. */
    public boolean tryTake(String subject, String kind, int limit, Duration window) {
        long length = window.toMillis();
        long start = Math.floorDiv(clock.millis(), length) * length;
        Boolean taken = transaction.execute(tx -> take(subject, kind, limit, start));
        if (ThreadLocalRandom.current().nextInt(1000) == 0) {
            forgetOld(start);
        }
        return Boolean.TRUE.equals(taken);
    }

    private boolean take(String subject, String kind, int limit, long start) {
        if (increment(subject, kind, limit, start)) {
            return true;
        }
        try {
            int inserted = jdbc.sql("insert into rate_window (subject, kind, window_start, used) values (:s, :k, :w, 1)")
                    .param("s", subject).param("k", kind).param("w", start).update();
            return inserted == 1 && limit >= 1;
        } catch (DuplicateKeyException opened) {
            // The window exists (opened by another request, maybe on another node): the update decides.
            return increment(subject, kind, limit, start);
        }
    }

    private boolean increment(String subject, String kind, int limit, long start) {
        return jdbc.sql("""
                        update rate_window set used = used + 1
                        where subject = :s and kind = :k and window_start = :w and used < :limit""")
                .param("s", subject).param("k", kind).param("w", start).param("limit", limit).update() == 1;
    }

    private void forgetOld(long start) {
        transaction.executeWithoutResult(tx -> jdbc.sql("delete from rate_window where window_start < :before")
                .param("before", start - KEEP_MILLIS).update());
    }
}
