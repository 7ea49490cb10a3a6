package org.passerelle.gateway.exchange;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * The delivery routes' shared error policy. Workers settle every attempt themselves; what reaches here is a
 * failure to claim or settle (the database is unavailable, say). It is logged and dropped: the claim lapses
 * after its lease and the entry is attempted again, so nothing is lost.
 */
@Component
class OutboxErrorPolicy extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        routeConfiguration("outbox-errors")
                .onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.WARN, "org.passerelle.gateway.exchange", "Outbox poll failed: ${exception.class.simpleName}; the lease will lapse and the entry be retried");
    }
}
