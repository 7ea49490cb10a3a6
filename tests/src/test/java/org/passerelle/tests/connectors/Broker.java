package org.passerelle.tests.connectors;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The machine's real RabbitMQ (127.0.0.1:5672, guest/guest) as a back-end sees it: publishes submissions with
 * publisher confirms, takes what is on a queue, and deletes a test run's queues and exchange afterwards. Each test
 * run names its queues with a fresh prefix ({@link #runPrefix()}), so parallel runs never share one.
 */
final class Broker implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final int PORT = 5672;

    private final Connection connection;
    private final Channel channel;

    Broker() {
        try {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost(HOST);
            factory.setPort(PORT);
            factory.setUsername("guest");
            factory.setPassword("guest");
            connection = factory.newConnection("passerelle-tests");
            channel = connection.createChannel();
            channel.confirmSelect();
        } catch (IOException e) {
            throw new UncheckedIOException("RabbitMQ is not reachable at " + HOST + ":" + PORT, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    static String runPrefix() {
        return "passerelle-it." + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    /**
     * One test run's queues for GB's queue connector (named with a fresh {@link #runPrefix()}), and the node settings
     * that name them.
     *
     * @param deliveredType the message type delivered to a queue of its own ({@code deliveries})
     */
    record Queues(String run, String deliveredType, String submissions, String replies, String deliveries,
                  String exchange) {

        static Queues forRun(String deliveredType) {
            String run = runPrefix();
            return new Queues(run, deliveredType, run + "gb.submissions", run + "gb.replies", run + "gb." + deliveredType,
                    run + "delivery");
        }

        /** GB's settings for the connector at this port of this machine, plain AMQP (allowed in tests only). */
        Map<String, Object> settings(int port) {
            String prefix = "passerelle.connectors.queue.";
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put(prefix + "host", HOST);
            settings.put(prefix + "port", port);
            settings.put(prefix + "username", "guest");
            settings.put(prefix + "password", "guest");
            settings.put(prefix + "tls", "false");
            settings.put(prefix + "allow-plain", "true");
            settings.put(prefix + "submission-queue", submissions);
            settings.put(prefix + "reply-queue", replies);
            settings.put(prefix + "system", "gb-biometric-unit");
            settings.put(prefix + "exchange", exchange);
            settings.put(prefix + "delivery-queues." + deliveredType, deliveries);
            settings.put(prefix + "redelivery-delay", "200ms");
            settings.put("passerelle.backend.endpoints." + deliveredType + "[0]",
                    "passerelle-queue:queue:${" + prefix + "delivery-queues." + deliveredType + "}");
            return settings;
        }
    }

    /** Declares a queue as the node does (durable), so a test may publish before the node has connected. */
    synchronized Broker declare(String queue) {
        try {
            channel.queueDeclare(queue, true, false, false, Map.of());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes a persistent message to a queue through the default exchange; returns once the broker confirmed it. */
    synchronized void publish(String queue, byte[] body, String correlationId) {
        try {
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .contentType("application/xml").correlationId(correlationId).build();
            channel.basicPublish("", queue, properties, body);
            channel.waitForConfirmsOrDie(10_000);
        } catch (IOException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Could not publish to " + queue, e);
        }
    }

    /** Takes (and acknowledges) every message on the queue now. */
    synchronized List<GetResponse> drain(String queue) {
        List<GetResponse> taken = new ArrayList<>();
        try {
            GetResponse next;
            while ((next = channel.basicGet(queue, true)) != null) {
                taken.add(next);
            }
            return taken;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void delete(List<String> queues, String exchange) {
        try {
            for (String queue : queues) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(exchange);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
