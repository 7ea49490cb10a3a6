package org.passerelle.gateway.connectors.queue;

import com.rabbitmq.client.AMQP;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.camel.component.jms.DefaultJmsKeyFormatStrategy;

/**
 * Makes each message the node publishes an ordinary AMQP message: its headers are the Camel headers under their own
 * names ({@code X-Passerelle-Message-Id}, not the JMS-safe {@code X_HYPHEN_Passerelle_HYPHEN_Message_HYPHEN_Id} that
 * Camel writes into JMS properties), without the JMS client's own fields, and its AMQP message id is
 * {@code X-Passerelle-Message-Id}, so a back-end can deduplicate on the property as well as the header. The
 * correlation id comes from JMS's own correlation id; the delivery mode (persistent) from the producer.
 */
final class AmqpProperties implements BiFunction<AMQP.BasicProperties.Builder, Message, AMQP.BasicProperties.Builder> {

    static final String MESSAGE_ID = "X-Passerelle-Message-Id";
    private static final DefaultJmsKeyFormatStrategy NAMES = new DefaultJmsKeyFormatStrategy();

    @Override
    public AMQP.BasicProperties.Builder apply(AMQP.BasicProperties.Builder properties, Message message) {
        try {
            Map<String, Object> headers = new LinkedHashMap<>();
            for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
                String name = (String) names.nextElement();
                if (!name.startsWith("JMS") && !name.startsWith("rmq.")) {
                    headers.put(NAMES.decodeKey(name), message.getObjectProperty(name));
                }
            }
            properties.headers(headers);
            Object messageId = headers.get(MESSAGE_ID);
            if (messageId != null) {
                properties.messageId(messageId.toString());
            }
            return properties;
        } catch (JMSException e) {
            throw new IllegalStateException("Could not read the message's properties", e);
        }
    }
}
