package org.passerelle.gateway.exchange.mail;

import java.util.Properties;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailMessage;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code mail-inbox} route, when the node has a mailbox: Camel's mail component polls it (IMAP or POP3, over TLS,
 * with the node's {@link MailSessions session}) and hands each mail to {@link MailInbox}. A mail is deleted once it was
 * handled, and left for the next poll when handling it failed.
 */
@Configuration(proxyBeanMethods = false)
class MailRoutes {

    /**
     * The session's settings (TLS only, the anchors' socket factory, host name checks, timeouts), which the route's
     * endpoint takes by name ({@link MailSessions#SESSION_BEAN}) over Camel's own: Camel builds its session from them.
     */
    @Bean(MailSessions.SESSION_BEAN)
    Properties passerelleMailSettings(MailSessions sessions) {
        return sessions.configured() ? sessions.session().getProperties() : new Properties();
    }

    @Bean
    RouteBuilder mailInboxRoute(MailSessions sessions, MailInbox inbox) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                if (!sessions.configured()) {
                    return;
                }
                MailProperties.Store store = sessions.properties().store();
                long delay = sessions.properties().pollInterval().toMillis();
                String uri = store.scheme() + "://" + store.host() + ":" + store.port()
                        + "?additionalJavaMailProperties=#" + MailSessions.SESSION_BEAN
                        + "&username=RAW(" + store.username() + ")&password=RAW(" + store.password() + ")"
                        + "&folderName=" + store.folder()
                        + "&delete=true&mapMailMessage=false&maxMessagesPerPoll=500"
                        + "&initialDelay=" + delay + "&delay=" + delay
                        + "&connectionTimeout=" + sessions.properties().timeout().toMillis();
                from(uri)
                        .routeId("mail-inbox")
                        .routeConfigurationId(RouteErrors.ID)
                        .process(exchange -> inbox.process(
                                (MimeMessage) exchange.getIn(MailMessage.class).getOriginalMessage()));
            }
        };
    }
}
