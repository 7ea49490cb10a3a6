package org.passerelle.gateway.connectors.queue;

import com.rabbitmq.jms.admin.RMQDestination;
import jakarta.jms.Destination;
import jakarta.jms.Session;
import org.springframework.jms.support.destination.DestinationResolver;

/**
 * Resolves the connector's queue names to plain AMQP destinations, so that the back-end reads and writes ordinary
 * AMQP messages (the body as bytes, JMS properties as AMQP headers) with any client, not RabbitMQ's JMS format: a
 * delivery queue is published to through the delivery exchange under its own name as the routing key; the submission
 * and reply queues through the default exchange.
 */
final class AmqpDestinations implements DestinationResolver {

    private static final String DEFAULT_EXCHANGE = "";

    private final QueueProperties settings;

    AmqpDestinations(QueueProperties settings) {
        this.settings = settings;
    }

    @Override
    public Destination resolveDestinationName(Session session, String queue, boolean pubSubDomain) {
        String exchange = settings.isDeliveryQueue(queue) ? settings.exchange() : DEFAULT_EXCHANGE;
        return new RMQDestination(queue, exchange, queue, queue);
    }
}
