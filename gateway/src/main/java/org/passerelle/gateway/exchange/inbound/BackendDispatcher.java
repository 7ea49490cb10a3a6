package org.passerelle.gateway.exchange.inbound;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.Backoff;
import org.passerelle.gateway.exchange.Bulkheads;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.ExchangeMetrics;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.exchange.Outcome;
import org.passerelle.gateway.exchange.OutboxWorker;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands accepted inbound messages to our back-end: sends the exact envelope bytes through the {@code backend-dispatch}
 * route to each Camel endpoint configured for the type (an HTTPS URL, a queue, a drop folder), with the message id in
 * {@code X-Passerelle-Message-Id} so the back-end can recognise a redelivery after a crash, and the same retry and
 * parking rules as sending. An attempt counts as delivered only when the endpoint's producer completed without an
 * exception (a 2xx answer, a broker's confirm, a file renamed into place). An HTTP back-end's 400, 413, 415 or 422
 * (it read this message and will not take it) parks the message at once ({@code BACKEND_REFUSED}); any other failure
 * (5xx, 3xx, the other 4xx such as 401, 403 or 404, which say the back-end or the node is misconfigured rather than
 * that the message is bad, timeouts, connection and TLS errors) is retried with back-off ({@code BACKEND_UNAVAILABLE})
 * and parks when the attempts are spent. An entry is sent only to an endpoint the node is configured with now: one
 * naming any other URI (written into the database by someone else, or left from an endpoint since removed) is parked
 * unsent ({@code BACKEND_NOT_CONFIGURED}), so that whoever can write the outbox table cannot make the node run an
 * arbitrary Camel endpoint with the decrypted envelope. Each endpoint has its own bulkhead, so an
 * endpoint that hangs holds up only the messages for it.
 */
@Component
public class BackendDispatcher extends OutboxWorker {

    /** The headers every back-end receives with an envelope, whatever the connector. */
    public static final String MESSAGE_ID = "X-Passerelle-Message-Id";
    public static final String MESSAGE_TYPE = "X-Passerelle-Message-Type";
    public static final String FROM = "X-Passerelle-From";

    /** The HTTP answers that refuse the message itself: sending the same bytes again would be refused again. */
    private static final Set<Integer> REFUSALS = Set.of(400, 413, 415, 422);

    private final ProducerTemplate producer;
    private final Set<String> configured;

    BackendDispatcher(MessageStore store, AuditTrail audit, ExchangeMetrics metrics, Clock clock,
                      DeliveryProperties delivery, NodeProperties node,
                      @Qualifier(Bulkheads.EXECUTOR) ExecutorService executor, ProducerTemplate producer,
                      BackendProperties backend, TransactionTemplate transaction, InboundMemory memory) {
        super(store, audit, metrics, clock, transaction, new RetryPolicy(delivery.batchSize(), delivery.lease(),
                delivery.maxAttempts(), Backoff.of(delivery)), node.nodeId(),
                Bulkheads.of("dispatch", delivery, executor, metrics), delivery.wakeOnCommit(), memory);
        this.producer = producer;
        this.configured = backend.allEndpoints();
    }

    @Override
    protected OutboxKind kind() {
        return OutboxKind.DISPATCH;
    }

    @Override
    protected AuditChannel channel() {
        return AuditChannel.DISPATCH;
    }

    @Override
    protected Outcome attempt(OutboxEntry entry, MessageRecord message) {
        byte[] xml = store.payload(message.messageId()).orElse(null);
        if (xml == null) {
            return new Outcome.Park(GatewayErrorCode.INTERNAL_ERROR.name(), "payload purged before dispatch");
        }
        if (!configured.contains(entry.target())) {
            return new Outcome.Park(GatewayErrorCode.BACKEND_NOT_CONFIGURED.name(),
                    "the entry's endpoint is not one this node is configured with");
        }
        Exchange sent = producer.send(BackendRoutes.DISPATCH, exchange -> {
            exchange.setProperty(BackendRoutes.TARGET, entry.target());
            var out = exchange.getIn();
            out.setBody(xml);
            out.setHeader(Exchange.CONTENT_TYPE, "application/xml");
            out.setHeader(Exchange.HTTP_METHOD, "POST");
            out.setHeader(Exchange.FILE_NAME, message.messageId() + ".xml");
            out.setHeader(MESSAGE_ID, message.messageId());
            out.setHeader(MESSAGE_TYPE, message.messageType());
            out.setHeader(FROM, message.fromParty());
        });
        Exception failure = sent.getException();
        if (failure == null) {
            return new Outcome.Delivered(MessageStatus.DELIVERED, "back-end took it");
        }
        if (failure instanceof HttpOperationFailedException answered) {
            int status = answered.getStatusCode();
            String detail = "back-end answered " + status;
            return refusal(status)
                    ? new Outcome.Park(GatewayErrorCode.BACKEND_REFUSED.name(), detail)
                    : new Outcome.Retry(GatewayErrorCode.BACKEND_UNAVAILABLE.name(), detail);
        }
        return new Outcome.Retry(GatewayErrorCode.BACKEND_UNAVAILABLE.name(), rootCause(failure));
    }

    /**
     * 400, 413, 415 and 422 say the back-end read this message and will not take it: trying the same bytes again would
     * get the same answer, so it parks at once. Any other status (401, 403 or 404 among them: a certificate not yet
     * allowed, a path being deployed) may pass once an operator has fixed the back-end, and is retried.
     */
    private static boolean refusal(int status) {
        return REFUSALS.contains(status);
    }

    /** The innermost cause's class name: never its message, which may quote the payload or a path. */
    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
