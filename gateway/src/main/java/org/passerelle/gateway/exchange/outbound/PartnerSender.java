package org.passerelle.gateway.exchange.outbound;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.ProducerTemplate;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.Backoff;
import org.passerelle.gateway.exchange.Bulkheads;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.ExchangeMetrics;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.exchange.OutboxWorker;
import org.passerelle.gateway.exchange.Outcome;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.gateway.partner.PartnerSuspensions;
import org.passerelle.gateway.partner.Transport;
import org.passerelle.gateway.routes.RouteCalls;
import org.passerelle.security.SecurityCheckException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends one outbox entry to its partner, through the {@code partner-send} route, over the partner's transport
 * ({@link PartnerTransport}): the native exchange signs the exact envelope bytes, encrypts them to the partner's
 * certificate and posts them over mutual TLS, and the signed receipt the partner answers with is verified by
 * {@link Receipts} in the {@code receipts} route (its digest must be that of the bytes sent) before the message counts
 * as delivered. What every transport shares is here: expiry, suspension, the partner's certificates, its circuit, and
 * the recovery of its backlog once a retried message is answered ({@link PartnerRecovery}).
 */
@Component
public class PartnerSender extends OutboxWorker {

    private final PartnerRegistry partners;
    private final PartnerClients clients;
    private final DeliveryProperties delivery;
    private final PartnerSuspensions suspensions;
    private final PartnerRecovery recovery;
    private final ProducerTemplate routes;
    private final Map<Transport, PartnerTransport> transports = new EnumMap<>(Transport.class);

    PartnerSender(MessageStore store, AuditTrail audit, ExchangeMetrics metrics, Clock clock, DeliveryProperties delivery,
                  NodeProperties node, PartnerRegistry partners, PartnerClients clients, List<PartnerTransport> transports,
                  PartnerSuspensions suspensions, PartnerRecovery recovery,
                  @Qualifier(Bulkheads.EXECUTOR) ExecutorService executor, ProducerTemplate routes,
                  TransactionTemplate transaction, InboundMemory memory) {
        super(store, audit, metrics, clock, transaction, new RetryPolicy(delivery.batchSize(), delivery.lease(),
                delivery.maxAttempts(), Backoff.of(delivery)), node.nodeId(),
                Bulkheads.of("send", delivery, executor, metrics), delivery.wakeOnCommit(), memory);
        this.partners = partners;
        this.clients = clients;
        this.delivery = delivery;
        this.suspensions = suspensions;
        this.recovery = recovery;
        this.routes = routes;
        transports.forEach(t -> this.transports.put(t.transport(), t));
    }

    /** Nothing is claimed for a partner whose circuit is open: it would only be handed back (its trial call comes). */
    @Override
    protected boolean accepting(String target) {
        return clients.circuit(target).getState() != CircuitBreaker.State.OPEN;
    }

    @Override
    protected OutboxKind kind() {
        return OutboxKind.SEND;
    }

    @Override
    protected AuditChannel channel() {
        return AuditChannel.DELIVERY;
    }

    /** Each attempt goes through the {@code partner-send} route (and a receipt on through {@code receipts}). */
    @Override
    protected Outcome attempt(OutboxEntry entry, MessageRecord message) {
        return RouteCalls.request(routes, PartnerRoutes.SEND, new Attempt(entry, message), Map.of(), Outcome.class);
    }

    /** One claimed outbox entry and its message, as the {@code partner-send} route carries it. */
    public record Attempt(OutboxEntry entry, MessageRecord message) {
    }

    /**
     * Posts the attempt's message to its partner (the {@code partner-send} route's step): the outcome when there is one
     * already, or the partner's signed receipt, which the {@code receipts} route verifies.
     */
    Object post(Attempt attempt) {
        OutboxEntry entry = attempt.entry();
        MessageRecord message = attempt.message();
        Partner partner = partners.require(entry.target());
        // An answer the partner already gave (a receipt mail) settles the message, even one that has expired since.
        Object held = transport(partner).held(attempt, partner);
        if (held != null) {
            recovery.answered(partner.party(), false);
            return held;
        }
        if (!message.expiresAt().isAfter(clock.instant())) {
            return new Outcome.Park(GatewayErrorCode.MESSAGE_EXPIRED.name(), "expired before it could be delivered");
        }
        if (suspensions.suspended(partner.party())) {
            // Held while an administrator has the partner suspended; expiry still parks it as above.
            return new Outcome.Deferred(clock.instant().plus(delivery.pollInterval().multipliedBy(4)));
        }
        List<X509Certificate> recipients;
        try {
            recipients = clients.encryptionCertificates(partner);
        } catch (SecurityCheckException e) {
            // Revoked, expired or not registered: nothing may be sent to that key; the message waits, as for a
            // suspended partner, until the certificate validates again (a renewal, a fresh CRL) or the message expires.
            return new Outcome.Deferred(clock.instant().plus(delivery.pollInterval().multipliedBy(4)));
        }
        CircuitCall call = CircuitCall.acquire(clients.circuit(partner.party()));
        if (call == null) {
            return new Outcome.Deferred(clock.instant().plus(delivery.pollInterval().multipliedBy(4)));
        }
        // The permission is recorded (the partner answered, or could not be reached) or else given back when the
        // call closes, whatever is thrown, and never both: see CircuitCall.
        PartnerTransport.Sent sent;
        try (call) {
            sent = transport(partner).send(attempt, partner, recipients, call);
        }
        if (sent.answered()) {
            // After failures, or for a message tried before: what else waits out a back-off for this partner need not.
            recovery.answered(partner.party(), entry.attempts() > 0);
        } else if (sent.unreachable()) {
            recovery.unreachable(partner.party());
        }
        return sent.result();
    }

    private PartnerTransport transport(Partner partner) {
        PartnerTransport transport = transports.get(partner.transport());
        if (transport == null) {
            throw new IllegalStateException("No " + partner.transport() + " transport on this node");
        }
        return transport;
    }

    /** A partner's signed receipt for a message, to be verified before the message counts as delivered. */
    public record SignedReceipt(Partner partner, MessageRecord message, byte[] bytes) {
    }
}
