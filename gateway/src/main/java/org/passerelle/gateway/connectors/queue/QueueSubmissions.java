package org.passerelle.gateway.connectors.queue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.support.SynchronizationAdapter;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.exchange.outbound.IntakeRoutes;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.node.NodeProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * The steps of the {@code queue-submissions} route around the intake: attributes each submission to the configured
 * system on channel {@value #CHANNEL} (set here, after it was taken off the queue, never from its headers), refuses an
 * oversize one before it is handed on, holds its bytes against the inbound memory budget while it is taken in, and
 * writes its outcome as the reply: accepted with the message id, or refused with the stable code, title and details
 * the API's problem answers carry, correlated with the submission. Failures inside the node (codes
 * {@link GatewayException#nodeFailure()}, or any other exception) are not refusals: they are left to fail the route, so the submission is
 * tried again and then put back on its queue, unanswered.
 */
final class QueueSubmissions {

    /** The audit channel of submissions taken from the queue. */
    static final AuditChannel CHANNEL = AuditChannel.QUEUE;
    /** Codes that say the node, not the submission, failed: the submission is taken again later. */
    /** Reply header: {@code ACCEPTED} or {@code REFUSED}, the same as the body's {@code outcome}. */
    static final String OUTCOME = "X-Passerelle-Outcome";
    private static final String CORRELATION = "JMSCorrelationID";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final IntakeService intake;
    private final InboundMemory memory;
    private final NodeProperties node;
    private final QueueProperties settings;

    QueueSubmissions(IntakeService intake, InboundMemory memory, NodeProperties node, QueueProperties settings) {
        this.intake = intake;
        this.memory = memory;
        this.node = node;
        this.settings = settings;
    }

    /**
     * Attributes the submission and notes what its reply is correlated with: its own correlation id, else its AMQP
     * message id.
     */
    void receive(Exchange exchange) {
        exchange.setProperty(IntakeRoutes.ACTOR, settings.system());
        exchange.setProperty(IntakeRoutes.CHANNEL, CHANNEL);
        String correlation = exchange.getMessage().getHeader(CORRELATION, String.class);
        if (correlation == null || correlation.isBlank()) {
            correlation = exchange.getMessage().getHeader("JMSMessageID", String.class);
        }
        exchange.setProperty(CORRELATION, correlation);
    }

    /**
     * Refuses a body over {@code passerelle.node.max-body-size} ({@code BODY_TOO_LARGE}, nothing of it kept), and
     * reserves the body's bytes of the inbound memory budget until the exchange is done, or fails with
     * {@code NODE_BUSY} (taken again later) when they do not fit now.
     */
    void admit(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        long size = body == null ? 0 : body.length;
        if (size > node.maxBodySize().toBytes()) {
            exchange.getMessage().setBody(null);
            intake.refuseOversize(settings.system(), CHANNEL);
        }
        InboundMemory.Reservation reservation = memory.tryReserve(size)
                .orElseThrow(() -> intake.refuseBusy(settings.system(), CHANNEL));
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                reservation.close();
            }
        });
        exchange.getMessage().setBody(body);
    }

    /** Whether the exchange failed with a definite refusal, to be answered, rather than a failure of the node. */
    boolean isRefusal(Exchange exchange) {
        Exception failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return failure instanceof GatewayException refusal && !refusal.nodeFailure();
    }

    /**
     * After a failure of the node: waits {@code redelivery-delay} on the consumer's thread, then fails the exchange
     * again with what was caught, so that the submission goes back on the queue unanswered and is not taken again
     * before the delay.
     */
    void giveBackAfterDelay(Exchange exchange) throws Exception {
        Thread.sleep(settings.redeliveryDelay().toMillis());
        throw exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    /** The reply to an accepted submission; the body in is the message id. */
    void accepted(Exchange exchange) throws InvalidPayloadException {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("outcome", "ACCEPTED");
        answer.put("messageId", exchange.getMessage().getMandatoryBody(String.class));
        reply(exchange, "ACCEPTED", answer);
    }

    /** The reply to a refused submission: the refusal's code, title and details, as the API's problem answer. */
    void refused(Exchange exchange) {
        GatewayException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("outcome", "REFUSED");
        answer.put("status", refusal.status().value());
        answer.put("code", refusal.code().name());
        answer.put("title", refusal.getMessage());
        answer.put("details", refusal.details());
        reply(exchange, "REFUSED", answer);
    }

    private static void reply(Exchange exchange, String outcome, Map<String, Object> answer) {
        String correlation = exchange.getProperty(CORRELATION, String.class);
        org.apache.camel.Message reply = exchange.getMessage();
        reply.getHeaders().clear();
        if (correlation != null) {
            reply.setHeader(CORRELATION, correlation);
        }
        reply.setHeader(OUTCOME, outcome);
        reply.setBody(JSON.writeValueAsBytes(answer));
    }
}
