package org.passerelle.gateway.exchange;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/** Exponential back-off with jitter: when the next attempt of an entry that has failed {@code attempts} times is due. */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter, RandomGenerator random) {

    public static Backoff of(DeliveryProperties p) {
        return new Backoff(p.initialBackoff(), p.maxBackoff(), p.multiplier(), p.jitter(), RandomGenerator.getDefault());
    }

    /** The wait after the given number of failed attempts (1 = the first failure). */
    public Duration delayAfter(int failedAttempts) {
        double base = initial.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
        double capped = Math.min(base, max.toMillis());
        double spread = capped * jitter;
        double withJitter = capped - spread + random.nextDouble() * 2 * spread;
        return Duration.ofMillis(Math.max(1, Math.round(Math.min(withJitter, max.toMillis()))));
    }

    public Instant nextAttempt(Instant now, int failedAttempts) {
        return now.plus(delayAfter(failedAttempts));
    }
}
