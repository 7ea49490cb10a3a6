package org.passerelle.gateway.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.passerelle.gateway.messagelog.Direction;
import org.springframework.stereotype.Component;

/** The exchange's Micrometer meters: messages by type, direction and outcome; delivery latency; retries. */
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

    public void parked(String type, Direction direction, String code) {
        count(type, direction, "parked", code);
    }

    private void count(String type, Direction direction, String outcome, String code) {
        Counter.builder("passerelle.messages").description("Messages by type, direction and outcome")
                .tag("type", type).tag("direction", direction.name().toLowerCase()).tag("outcome", outcome)
                .tag("code", code).register(registry).increment();
    }
}
