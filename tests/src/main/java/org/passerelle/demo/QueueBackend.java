package org.passerelle.demo;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo's GB biometric unit on the machine's RabbitMQ (127.0.0.1:5672, guest/guest): it puts envelopes on GB's
 * submission queue (with publisher confirms) and reads each outcome on the reply queue by its correlation id, and
 * takes GB's inbound biometric messages from their delivery queues, one per type. Its queues are emptied when it
 * connects, so a demo sees only its own messages.
 */
final class QueueBackend implements AutoCloseable {

    static final String HOST = "127.0.0.1";
    static final int PORT = 5672;
    static final List<String> TYPES = List.of("BiometricSearchRequest", "BiometricSearchResponse");
    private static final String PREFIX = "passerelle-demo.gb.";
    static final String SUBMISSIONS = PREFIX + "submissions";
    static final String REPLIES = PREFIX + "replies";

    private final Connection connection;
    private final Channel channel;
    private final Map<String, JsonNode> replies = new HashMap<>();
    private final Set<String> delivered = new HashSet<>();

    private QueueBackend(Connection connection) throws IOException {
        this.connection = connection;
        this.channel = connection.createChannel();
        channel.confirmSelect();
        for (String queue : queues()) {
            channel.queueDeclare(queue, true, false, false, Map.of());
            channel.queuePurge(queue);
        }
    }

    /** The unit, connected; empty when no broker answers at {@value #HOST}:{@value #PORT}. */
    static Optional<QueueBackend> connect() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(HOST);
        factory.setPort(PORT);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setConnectionTimeout(2000);
        try {
            return Optional.of(new QueueBackend(factory.newConnection("passerelle-demo")));
        } catch (IOException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** GB's node settings: the queue connector, and a delivery queue as the back-end endpoint of each biometric type. */
    Map<String, Object> settings() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("passerelle.connectors.queue.host", HOST);
        p.put("passerelle.connectors.queue.port", PORT);
        p.put("passerelle.connectors.queue.username", "guest");
        p.put("passerelle.connectors.queue.password", "guest");
        // The machine's broker listens without TLS: allowed in the demo only.
        p.put("passerelle.connectors.queue.tls", "false");
        p.put("passerelle.connectors.queue.allow-plain", "true");
        p.put("passerelle.connectors.queue.submission-queue", SUBMISSIONS);
        p.put("passerelle.connectors.queue.reply-queue", REPLIES);
        p.put("passerelle.connectors.queue.system", "gb-biometric-unit");
        p.put("passerelle.connectors.queue.exchange", PREFIX + "delivery");
        for (String type : TYPES) {
            p.put("passerelle.connectors.queue.delivery-queues." + type, deliveryQueue(type));
            p.put("passerelle.backend.endpoints." + type + "[0]", "passerelle-queue:queue:" + deliveryQueue(type));
        }
        return p;
    }

    static String deliveryQueue(String type) {
        return PREFIX + type;
    }

    /** Puts the envelope on the submission queue and waits for its outcome on the reply queue (up to a minute). */
    Optional<JsonNode> submit(byte[] xml) throws IOException, InterruptedException, TimeoutException {
        String correlation = UUID.randomUUID().toString();
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().deliveryMode(2)
                .contentType("application/xml").correlationId(correlation).build();
        channel.basicPublish("", SUBMISSIONS, properties, xml);
        channel.waitForConfirmsOrDie(10_000);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (Instant.now().isBefore(deadline)) {
            for (GetResponse reply = channel.basicGet(REPLIES, true); reply != null;
                    reply = channel.basicGet(REPLIES, true)) {
                replies.put(reply.getProps().getCorrelationId(),
                        JsonMapper.shared().readTree(new String(reply.getBody(), StandardCharsets.UTF_8)));
            }
            if (replies.containsKey(correlation)) {
                return Optional.of(replies.get(correlation));
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    /** Whether the message has been taken off its type's delivery queue (a type without one never is). */
    boolean delivered(String type, String messageId) throws IOException {
        if (TYPES.contains(type)) {
            for (GetResponse d = channel.basicGet(deliveryQueue(type), true); d != null;
                    d = channel.basicGet(deliveryQueue(type), true)) {
                delivered.add(d.getProps().getMessageId());
            }
        }
        return delivered.contains(messageId);
    }

    private static List<String> queues() {
        return Stream.concat(Stream.of(SUBMISSIONS, REPLIES),
                TYPES.stream().map(QueueBackend::deliveryQueue)).toList();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
