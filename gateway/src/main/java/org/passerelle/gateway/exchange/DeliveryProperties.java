package org.passerelle.gateway.exchange;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the outbox is worked ({@code passerelle.delivery}), for partners and back-ends alike.
 *
 * @param pollInterval      how often due outbox entries are looked for: the safety net when entries are claimed as
 *                          they are committed, the only way when not
 * @param wakeOnCommit      whether a committed outbox entry is claimed at once by its worker (true), or waits for the
 *                          next poll (false: tests that work the outbox by hand set it)
 * @param batchSize         how many entries one poll claims at most
 * @param lease             how long a claim holds before another node may take the entry (a crashed node's claims lapse)
 * @param maxAttempts       attempts before an entry is parked
 * @param initialBackoff    the wait after the first failed attempt
 * @param maxBackoff        the longest wait between attempts
 * @param multiplier        how much the wait grows after each failure
 * @param jitter            the random share (0–1) taken off or added to each wait, so retries do not march in step
 * @param connectTimeout    TCP and TLS connection timeout
 * @param requestTimeout    the longest wait for an answer
 * @param circuit           the per-partner circuit breaker
 * @param bulkhead          how many attempts run at once for one partner (or one back-end endpoint)
 */
@ConfigurationProperties("passerelle.delivery")
public record DeliveryProperties(
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("true") boolean wakeOnCommit,
        @DefaultValue("20") int batchSize,
        @DefaultValue("2m") Duration lease,
        @DefaultValue("12") int maxAttempts,
        @DefaultValue("1s") Duration initialBackoff,
        @DefaultValue("5m") Duration maxBackoff,
        @DefaultValue("2.0") double multiplier,
        @DefaultValue("0.2") double jitter,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue Circuit circuit,
        @DefaultValue Bulkhead bulkhead) {

    public DeliveryProperties {
        // An attempt holds its claim from claiming to settling: connecting, then waiting for the answer. A lease
        // shorter than that would let another poll (of this node or another) claim the entry again and send it twice.
        if (lease.compareTo(connectTimeout.plus(requestTimeout)) <= 0) {
            throw new IllegalArgumentException("passerelle.delivery.lease (" + lease + ") must exceed connect-timeout ("
                    + connectTimeout + ") plus request-timeout (" + requestTimeout + ")");
        }
    }

    /**
     * @param failureRateThreshold percentage of failed calls that opens the circuit
     * @param minimumCalls         calls in the window before the rate counts
     * @param windowSize           calls remembered
     * @param openWait             how long the circuit stays open before a trial call: how soon a partner that is back
     *                             is noticed (a trial call every few seconds costs a partner that is down nothing)
     */
    public record Circuit(
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("5") int minimumCalls,
            @DefaultValue("10") int windowSize,
            @DefaultValue("3s") Duration openWait) {
    }

    /**
     * Bounded concurrency per delivery target, so that a partner that accepts connections but never answers holds
     * at most {@code maxConcurrent} attempts (each waiting out the request timeout) and nothing of the others'.
     * Nothing queues in memory: a target's due entries stay unclaimed in the database until one of its slots is
     * free, so no lease runs while an entry waits, and a finished attempt claims the target's next entry at once.
     *
     * @param maxConcurrent attempts in flight at once per partner (per back-end endpoint for dispatch), on each node
     */
    public record Bulkhead(@DefaultValue("4") int maxConcurrent) {

        public Bulkhead {
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("passerelle.delivery.bulkhead.max-concurrent must be at least 1");
            }
        }
    }
}
