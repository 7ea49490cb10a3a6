package org.passerelle.gateway.connectors.queue;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Declares the connector's queues on the broker, on every new connection (so a broker that lost them, or a first
 * start against an empty broker, gets them before anything is sent or taken): the submission and reply queues, the
 * direct delivery exchange, and one delivery queue per message type bound to it under its own name. All durable; a
 * declaration that differs from what the broker already has fails the connection, with the broker's reason.
 */
final class QueueTopology implements Consumer<Connection> {

    private final QueueProperties settings;

    QueueTopology(QueueProperties settings) {
        this.settings = settings;
    }

    @Override
    public void accept(Connection connection) {
        try (Channel channel = connection.createChannel()) {
            declareQueue(channel, settings.submissionQueue());
            declareQueue(channel, settings.replyQueue());
            channel.exchangeDeclare(settings.exchange(), BuiltinExchangeType.DIRECT, true);
            for (String queue : settings.deliveryQueues().values()) {
                declareQueue(channel, queue);
                channel.queueBind(queue, settings.exchange(), queue);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not declare the queue connector's queues on the broker", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("The broker did not answer the queue connector's declarations", e);
        }
    }

    private static void declareQueue(Channel channel, String queue) throws IOException {
        channel.queueDeclare(queue, true, false, false, Map.of());
    }
}
