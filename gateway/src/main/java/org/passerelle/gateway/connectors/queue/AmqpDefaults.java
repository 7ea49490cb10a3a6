package org.passerelle.gateway.connectors.queue;

import com.rabbitmq.jms.client.ReceivingContext;
import com.rabbitmq.jms.client.ReceivingContextConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;

/**
 * Gives a message taken from a plain AMQP queue the JMS fields an ordinary AMQP client leaves out: RabbitMQ's JMS
 * client maps a missing AMQP priority or timestamp to a property that cannot be read (its getters throw), and Camel
 * reads every JMS header of each message it takes. The JMS defaults are set instead: priority 4, timestamp 0.
 */
final class AmqpDefaults implements ReceivingContextConsumer {

    @Override
    public void accept(ReceivingContext context) throws JMSException {
        Message message = context.getMessage();
        try {
            message.getJMSPriority();
        } catch (NumberFormatException missing) {
            message.setJMSPriority(Message.DEFAULT_PRIORITY);
        }
        try {
            message.getJMSTimestamp();
        } catch (NumberFormatException missing) {
            message.setJMSTimestamp(0);
        }
    }
}
