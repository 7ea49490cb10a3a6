package org.passerelle.gateway.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.passerelle.gateway.messagelog.Direction;
import org.springframework.stereotype.Component;

/**
 * The exchange's Micrometer meters: messages by type, direction and outcome; delivery latency; retries; per delivery
 * target, the attempts in flight in its bulkhead, the polls that found it full, and waiting entries brought forward.
 */
@Component
public class ExchangeMetrics {

    private final MeterRegistry registry;

    public ExchangeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(String type, Direction direction) {
        count(type, direction, "accepted", "none");
    }

    public void refused(String type, Direction direction, String code) {
        count(type, direction, "refused", code);
    }

    public void delivered(String type, Direction direction, Duration sinceAccepted) {
        count(type, direction, "delivered", "none");
        Timer.builder("passerelle.delivery.latency").description("From acceptance to verified delivery")
                .tag("type", type).tag("direction", direction.name().toLowerCase())
                .publishPercentileHistogram().register(registry).record(sinceAccepted);
    }

    public void retried(String target, String code) {
        Counter.builder("passerelle.delivery.retries").description("Failed delivery attempts that will be retried")
                .tag("target", target).tag("code", code).register(registry).increment();
    }

    /** The attempts in flight to one target ({@code kind} send or dispatch), read live from the bulkhead. */
    public void bulkhead(String kind, String target, AtomicInteger inFlight) {
        Gauge.builder("passerelle.delivery.in.flight", inFlight, AtomicInteger::get)
                .description("Delivery attempts in flight to one target (at most the bulkhead's max-concurrent)")
                .tag("kind", kind).tag("target", target).register(registry);
    }

    /** A poll found due entries for the target but every slot of its bulkhead busy: they wait, unclaimed. */
    public void bulkheadFull(String kind, String target) {
        Counter.builder("passerelle.delivery.bulkhead.full")
                .description("Polls that found a target's entries due and its bulkhead full")
                .tag("kind", kind).tag("target", target).register(registry).increment();
    }

    /** Entries waiting out a back-off made due at once because their target answers again. */
    public void broughtForward(String target, int count) {
        Counter.builder("passerelle.delivery.brought.forward")
                .description("Entries waiting out a back-off made due at once when their partner answered again")
                .tag("target", target).register(registry).increment(count);
    }

    public void parked(String type, Direction direction, String code) {
        count(type, direction, "parked", code);
    }

    private void count(String type, Direction direction, String outcome, String code) {
        Counter.builder("passerelle.messages").description("Messages by type, direction and outcome")
                .tag("type", type).tag("direction", direction.name().toLowerCase()).tag("outcome", outcome)
                .tag("code", code).register(registry).increment();
    }
}
