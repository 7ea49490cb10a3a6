package org.passerelle.gateway.connectors.queue;

import com.rabbitmq.jms.admin.RMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The message-queue connector, present only when {@code passerelle.connectors.queue.host} is set: a node without it
 * has no connection to a broker, no broker in its health, and no {@code passerelle-queue} component (Spring Boot's own
 * RabbitMQ and JMS auto-configurations are not on the class path, so nothing else connects either).
 *
 * <p>The Camel component {@value #COMPONENT} is Camel's JMS component over RabbitMQ's JMS client, with the queue
 * names resolved to plain AMQP queues ({@link AmqpDestinations}), headers published under their own names (so
 * {@code X-Passerelle-Message-Id} arrives as an AMQP header of that name, {@link AmqpProperties}), JMS's missing
 * fields filled in on what it takes ({@link AmqpDefaults}), persistent messages, and every send in a
 * broker transaction: a send completes only when the broker has committed the message to its queue (for RabbitMQ,
 * the same guarantee as a publisher confirm, and the one the JMS client offers synchronously).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "passerelle.connectors.queue", name = "host")
@EnableConfigurationProperties(QueueProperties.class)
class QueueConfiguration {

    /** The Camel component's name: the scheme of the delivery endpoint URIs. */
    static final String COMPONENT = "passerelle-queue";
    /** Sessions kept open for sending: the dispatch workers and the replies share them. */
    private static final int SESSIONS = 10;

    @Bean(destroyMethod = "destroy")
    CachingConnectionFactory queueConnections(QueueProperties settings) {
        RMQConnectionFactory broker = new RMQConnectionFactory();
        broker.setHost(settings.host());
        broker.setPort(settings.port());
        broker.setVirtualHost(settings.virtualHost());
        broker.setUsername(settings.username());
        broker.setPassword(settings.password());
        if (settings.tls()) {
            broker.setSsl(true);
            broker.setUseDefaultSslContext(true);
            broker.setHostnameVerification(true);
        }
        broker.setAmqpConnectionPostProcessor(new QueueTopology(settings));
        broker.setAmqpPropertiesCustomiser(new AmqpProperties());
        broker.setReceivingContextConsumer(new AmqpDefaults());
        CachingConnectionFactory connections = new CachingConnectionFactory(broker);
        connections.setSessionCacheSize(SESSIONS);
        connections.setReconnectOnException(true);
        return connections;
    }

    @Bean(COMPONENT)
    JmsComponent passerelleQueue(CachingConnectionFactory queueConnections, QueueProperties settings) {
        JmsComponent component = JmsComponent.jmsComponent(queueConnections);
        component.setDestinationResolver(new AmqpDestinations(settings));
        component.setDeliveryPersistent(true);
        component.setTransacted(true);
        return component;
    }

    @Bean
    QueueSubmissionRoutes queueSubmissionRoutes(QueueSubmissions submissions, QueueProperties settings) {
        return new QueueSubmissionRoutes(submissions, settings);
    }

    @Bean
    QueueSubmissions queueSubmissions(IntakeService intake, InboundMemory memory, NodeProperties node,
                                      QueueProperties settings) {
        return new QueueSubmissions(intake, memory, node, settings);
    }
}
