package org.passerelle.gateway.connectors.queue;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The message-queue connector's settings ({@code passerelle.connectors.queue}); the connector, and every connection to
 * the broker, exists only when {@code host} is set. All queues and the delivery exchange are declared durable by the
 * node on every connection. The password is never shown by {@link #toString()}; set it from the environment
 * ({@code PASSERELLE_CONNECTORS_QUEUE_PASSWORD}) rather than a file.
 *
 * @param host             the broker's host
 * @param port             the broker's AMQP port (5671 is the usual one with TLS)
 * @param virtualHost      the broker's virtual host
 * @param username         the node's user on the broker
 * @param password         its password
 * @param tls              connect with TLS, trusting the JVM's default trust store and checking the host name (the
 *                         default)
 * @param allowPlain       let {@code tls=false} start: the decrypted envelopes and the password would cross the network
 *                         in the clear, so only in development
 * @param submissionQueue  the queue the back-end puts envelopes on for the node to take in
 * @param replyQueue       the queue the node answers each submission on, correlated with it
 * @param system           the back-end system the submissions are attributed to (the actor in the audit log)
 * @param exchange         the direct exchange inbound messages are published to
 * @param deliveryQueues   message type → the delivery queue (and routing key) for it, bound to {@code exchange}
 * @param consumers        how many submissions are taken in at once
 * @param redeliveryDelay  the wait between attempts at a submission that failed inside the node (it is tried three
 *                         more times, then put back on the queue)
 */
@ConfigurationProperties("passerelle.connectors.queue")
public record QueueProperties(
        String host,
        @DefaultValue("5672") int port,
        @DefaultValue("/") String virtualHost,
        String username,
        String password,
        @DefaultValue("true") boolean tls,
        @DefaultValue("false") boolean allowPlain,
        String submissionQueue,
        String replyQueue,
        String system,
        @DefaultValue("passerelle.delivery") String exchange,
        @DefaultValue Map<String, String> deliveryQueues,
        @DefaultValue("1") int consumers,
        @DefaultValue("1s") Duration redeliveryDelay) {

    public QueueProperties {
        require(host, "host");
        require(username, "username");
        require(password, "password");
        require(submissionQueue, "submission-queue");
        require(replyQueue, "reply-queue");
        require(system, "system");
        if (!tls && !allowPlain) {
            throw new IllegalStateException("passerelle.connectors.queue.tls=false is refused: the decrypted envelopes"
                    + " and the broker password would travel in the clear; connect with TLS, or set"
                    + " passerelle.connectors.queue.allow-plain=true in development");
        }
        if (consumers < 1) {
            throw new IllegalStateException("passerelle.connectors.queue.consumers must be at least 1");
        }
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("passerelle.connectors.queue." + name + " is required with a queue host");
        }
    }

    /** Whether {@code queue} is one of the per-type delivery queues, published to through the delivery exchange. */
    boolean isDeliveryQueue(String queue) {
        return deliveryQueues.containsValue(queue);
    }

    @Override
    public String toString() {
        return "QueueProperties[host=" + host + ", port=" + port + ", virtualHost=" + virtualHost + ", username="
                + username + ", password=(hidden), tls=" + tls + ", allowPlain=" + allowPlain + ", submissionQueue=" + submissionQueue
                + ", replyQueue=" + replyQueue + ", system=" + system + ", exchange=" + exchange
                + ", deliveryQueues=" + deliveryQueues + ", consumers=" + consumers
                + ", redeliveryDelay=" + redeliveryDelay + "]";
    }
}
