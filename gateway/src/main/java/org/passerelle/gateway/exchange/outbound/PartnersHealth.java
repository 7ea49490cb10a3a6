package org.passerelle.gateway.exchange.outbound;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the exchange with each partner (its circuit state and failure rate, whether its gateway certificate can be
 * encrypted to, or why not, and the attempts in flight to it on this node), and the parked and pending gauges, overall
 * and per partner. An open circuit or a refused certificate
 * reports the node as up but degraded for that partner: messages wait, none is lost.
 */
@Component("partners")
class PartnersHealth implements HealthIndicator {

    private final PartnerRegistry partners;
    private final PartnerClients clients;
    private final PartnerSender sender;

    PartnersHealth(PartnerRegistry partners, PartnerClients clients, PartnerSender sender, MessageStore store,
                   MeterRegistry registry) {
        this.partners = partners;
        this.clients = clients;
        this.sender = sender;
        Gauge.builder("passerelle.outbox.parked", store, s -> s.countOutbox("PARKED"))
                .description("Outbox entries parked for an administrator").register(registry);
        Gauge.builder("passerelle.outbox.pending", store, s -> s.countOutbox("PENDING"))
                .description("Outbox entries waiting for delivery").register(registry);
        for (Partner partner : partners.all()) {
            // Read at each scrape: what waits for the partner, in flight or not, on every node sharing the database.
            Gauge.builder("passerelle.delivery.waiting", store, s -> s.countOutbox(OutboxKind.SEND, partner.party(), "PENDING"))
                    .description("Messages for one partner waiting for delivery (its queue)")
                    .tag("target", partner.party()).register(registry);
        }
        Gauge.builder("passerelle.outbox.held", store, MessageStore::countHeld)
                .description("Outbox entries held behind a parked entry of their conversation").register(registry);
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        for (Partner partner : partners.all()) {
            CircuitBreaker circuit = clients.circuit(partner.party());
            details.put(partner.party(), Map.of(
                    "circuit", circuit.getState().name(),
                    "inFlight", sender.inFlight(partner.party()),
                    "failureRate", circuit.getMetrics().getFailureRate(),
                    "baseUrl", partner.address(),
                    "certificate", clients.certificateProblem(partner.party()).orElse("VALID")));
        }
        return Health.up().withDetails(details).build();
    }
}
