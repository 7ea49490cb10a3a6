package org.passerelle.gateway.exchange.inbound;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.Backoff;
import org.passerelle.gateway.exchange.Bulkheads;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.ExchangeMetrics;
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

/**
 * Hands accepted inbound messages to our back-end: POSTs the exact envelope bytes to each endpoint configured
 * for the type, with the message id in {@code X-Passerelle-Message-Id} so the back-end can recognise a
 * redelivery after a crash, and the same retry and parking rules as sending. Each endpoint has its own bulkhead, so an
 * endpoint that hangs holds up only the messages for it.
 */
@Component
public class BackendDispatcher extends OutboxWorker {

    private final DeliveryProperties delivery;
    private final HttpClient http;

    BackendDispatcher(MessageStore store, AuditTrail audit, ExchangeMetrics metrics, Clock clock,
                      DeliveryProperties delivery, NodeProperties node,
                      @Qualifier(Bulkheads.EXECUTOR) ExecutorService executor) {
        super(store, audit, metrics, clock, new RetryPolicy(delivery.batchSize(), delivery.lease(),
                delivery.maxAttempts(), Backoff.of(delivery)), node.nodeId(),
                Bulkheads.of("dispatch", delivery, executor, metrics));
        this.delivery = delivery;
        this.http = HttpClient.newBuilder().connectTimeout(delivery.connectTimeout()).build();
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(entry.target()))
                .timeout(delivery.requestTimeout())
                .header("Content-Type", "application/xml")
                .header("X-Passerelle-Message-Id", message.messageId())
                .header("X-Passerelle-Message-Type", message.messageType())
                .header("X-Passerelle-From", message.fromParty())
                .POST(HttpRequest.BodyPublishers.ofByteArray(xml))
                .build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                return new Outcome.Delivered(MessageStatus.DELIVERED, "back-end answered " + status);
            }
            return new Outcome.Retry(GatewayErrorCode.BACKEND_UNAVAILABLE.name(), "back-end answered " + status);
        } catch (IOException e) {
            return new Outcome.Retry(GatewayErrorCode.BACKEND_UNAVAILABLE.name(), e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry(GatewayErrorCode.BACKEND_UNAVAILABLE.name(), "interrupted");
        }
    }
}
