package org.passerelle.gateway.exchange.outbound;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.apache.camel.ProducerTemplate;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.Bulkheads;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.ExchangeMetrics;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.exchange.OutboxWorker;
import org.passerelle.gateway.exchange.Outcome;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.gateway.partner.PartnerSuspensions;
import org.passerelle.gateway.routes.RouteCalls;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.SecurityCheckException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends one outbox entry to its partner node, through the {@code partner-send} route: signs the exact envelope bytes,
 * encrypts to the partner's certificate and posts over mutual TLS; the signed receipt the partner answers with is
 * verified by {@link Receipts} in the {@code receipts} route (its digest must be that of the bytes sent) before the
 * message counts as delivered.
 * A retried message that the partner answers tells {@link PartnerRecovery}, which brings the partner's backlog forward.
 */
@Component
public class PartnerSender extends OutboxWorker {

    /** The faults with which a partner's node says "not now, nothing taken": retried without counting as a failure. */
    private static final Set<String> BUSY_FAULTS = Set.of(GatewayErrorCode.NODE_BUSY.name(),
            GatewayErrorCode.NODE_NOT_READY.name());

    static final String MEDIA_TYPE = "application/pkcs7-mime; smime-type=enveloped-data";

    private final PartnerRegistry partners;
    private final PartnerClients clients;
    private final CmsSigner signer;
    private final CmsEncryptor encryptor;
    private final DeliveryProperties delivery;
    private final PartnerSuspensions suspensions;
    private final PartnerRecovery recovery;
    private final ProducerTemplate routes;

    PartnerSender(MessageStore store, AuditTrail audit, ExchangeMetrics metrics, Clock clock, DeliveryProperties delivery,
                  NodeProperties node, PartnerRegistry partners, PartnerClients clients, CmsSigner signer,
                  CmsEncryptor encryptor, PartnerSuspensions suspensions, PartnerRecovery recovery,
                  @Qualifier(Bulkheads.EXECUTOR) ExecutorService executor, ProducerTemplate routes,
                  TransactionTemplate transaction, InboundMemory memory) {
        super(store, audit, metrics, clock, transaction, new RetryPolicy(delivery.batchSize(), delivery.lease(),
                delivery.maxAttempts(), org.passerelle.gateway.exchange.Backoff.of(delivery)), node.nodeId(),
                Bulkheads.of("send", delivery, executor, metrics), delivery.wakeOnCommit(), memory);
        this.partners = partners;
        this.clients = clients;
        this.signer = signer;
        this.encryptor = encryptor;
        this.delivery = delivery;
        this.suspensions = suspensions;
        this.recovery = recovery;
        this.routes = routes;
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
    record Attempt(OutboxEntry entry, MessageRecord message) {
    }

    /**
     * Posts the attempt's message to its partner (the {@code partner-send} route's step): the outcome when there is one
     * already, or the partner's signed receipt, which the {@code receipts} route verifies.
     */
    Object post(Attempt attempt) {
        OutboxEntry entry = attempt.entry();
        MessageRecord message = attempt.message();
        if (!message.expiresAt().isAfter(clock.instant())) {
            return new Outcome.Park(GatewayErrorCode.MESSAGE_EXPIRED.name(), "expired before it could be delivered");
        }
        Partner partner = partners.require(entry.target());
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
        Exchanged exchanged;
        try (call) {
            exchanged = exchange(entry, message, partner, recipients, call);
        }
        if (exchanged.response() != null) {
            // After failures, or for a message tried before: what else waits out a back-off for this partner need not.
            recovery.answered(partner.party(), entry.attempts() > 0);
        } else if (exchanged.unreachable()) {
            recovery.unreachable(partner.party());
        }
        return exchanged.outcome() != null ? exchanged.outcome() : answered(partner, message, exchanged.response());
    }

    /** A partner's signed receipt for a message, to be verified before the message counts as delivered. */
    record SignedReceipt(Partner partner, MessageRecord message, byte[] bytes) {
    }

    /**
     * What one exchange with the partner came to: an outcome already, or the partner's answer to look at; and whether
     * the partner could not be reached or failed.
     */
    private record Exchanged(Outcome outcome, HttpResponse<byte[]> response, boolean unreachable) {
    }

    /**
     * The message signed and encrypted for the recipients; null when its payload was purged. Only the result outlives
     * this method: the payload and its signed form are not held while the body is posted.
     */
    private byte[] sealed(MessageRecord message, List<X509Certificate> recipients) {
        byte[] signed = signed(message);
        return signed == null ? null : encryptor.encrypt(signed, recipients);
    }

    /** The message signed; null when its payload was purged. The payload is not held once it is signed. */
    private byte[] signed(MessageRecord message) {
        byte[] xml = store.payload(message.messageId()).orElse(null);
        return xml == null ? null : signer.sign(xml);
    }

    /** Signs, encrypts and posts the message; records the call on the circuit when the partner answered or failed. */
    private Exchanged exchange(OutboxEntry entry, MessageRecord message, Partner partner, List<X509Certificate> recipients,
                               CircuitCall call) {
        byte[] cms = sealed(message, recipients);
        if (cms == null) {
            return new Exchanged(new Outcome.Park(GatewayErrorCode.INTERNAL_ERROR.name(), "payload purged before delivery"), null, false);
        }

        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(exchangeUri(partner))
                    .timeout(delivery.requestTimeout())
                    .header("Content-Type", MEDIA_TYPE)
                    .header("X-Passerelle-Message-Id", message.messageId())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(cms))
                    .build();
            // Signed and sent, as the message's history and the audit trail say it: one commit before the bytes leave.
            transaction.executeWithoutResult(tx -> {
                store.recordStatus(message.messageId(), MessageStatus.SIGNED, null, "attempt " + (entry.attempts() + 1));
                store.recordStatus(message.messageId(), MessageStatus.SENT, null, partner.party());
                audit.record(AuditTrail.Entry.of("node", channel(), AuditAction.MESSAGE_SENT, AuditOutcome.OK)
                        .partner(partner.party())
                        .message(message.messageId(), message.messageType(), message.payloadSha256())
                        .detail("attempt " + (entry.attempts() + 1)));
            });
            call.begin();
            response = clients.client(partner).send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            call.failed(e);
            return new Exchanged(new Outcome.Retry(GatewayErrorCode.PARTNER_UNAVAILABLE.name(), e.getClass().getSimpleName()), null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Exchanged(new Outcome.Retry(GatewayErrorCode.PARTNER_UNAVAILABLE.name(), "interrupted"), null, false);
        }
        int status = response.statusCode();
        Optional<String> later = response.headers().firstValue("X-Passerelle-Fault").filter(BUSY_FAULTS::contains);
        if (status == 503 && later.isPresent()) {
            // Busy or starting, not failing (its memory budget for bodies in flight is full, or its routes are not
            // running yet): retried, not counted against its circuit (the call is neither recorded nor failed, so
            // closing it gives the permission back).
            return new Exchanged(new Outcome.Retry(GatewayErrorCode.PARTNER_UNAVAILABLE.name(),
                    "partner answered 503 (" + later.get() + ")"), null, false);
        }
        if (status >= 500 || status == 429) {
            call.failed(new IOException("HTTP " + status));
            String code = status == 429 ? GatewayErrorCode.RATE_LIMITED.name() : GatewayErrorCode.PARTNER_UNAVAILABLE.name();
            return new Exchanged(new Outcome.Retry(code, "partner answered " + status + faultOf(response)), null, true);
        }
        call.succeeded();
        return new Exchanged(null, response, false);
    }

    private Object answered(Partner partner, MessageRecord message, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status != 200) {
            return new Outcome.Park(GatewayErrorCode.PARTNER_REFUSED.name(), "partner answered " + status + faultOf(response));
        }
        return new SignedReceipt(partner, message, response.body());
    }

    private static URI exchangeUri(Partner partner) {
        return partner.baseUrl().resolve("/exchange/v1/messages");
    }

    /** The partner's fault code, when its refusal carries one in the header the inbox sets. */
    private static String faultOf(HttpResponse<byte[]> response) {
        return response.headers().firstValue("X-Passerelle-Fault").map(code -> " (" + code + ")").orElse("");
    }
}
