package org.passerelle.gateway.trust;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code trust-watch} job: a timer route, on every node (each holds its own CRLs), that refreshes the CRLs when due
 * and looks for what is about to expire; its first run is at once, so a node starts with fresh revocation lists.
 */
@Configuration(proxyBeanMethods = false)
class TrustConfiguration {

    @Bean
    RouteBuilder trustWatchRoute(TrustWatch watch) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:trust-watch?delay=0&period={{passerelle.trust.check-every:5s}}")
                        .routeId("trust-watch")
                        .routeConfigurationId(RouteErrors.ID)
                        .process(exchange -> watch.check());
            }
        };
    }
}
