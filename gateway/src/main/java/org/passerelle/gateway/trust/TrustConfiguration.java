package org.passerelle.gateway.trust;

import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.node.TrustProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The trust-watch job: a timer route that refreshes CRLs when due and looks for what is about to expire. */
@Configuration(proxyBeanMethods = false)
class TrustConfiguration {

    @Bean
    RouteBuilder trustWatchRoute(TrustWatch watch, TrustProperties properties) {
        long period = properties.checkEvery().toMillis();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:trust-watch?delay=0&period=" + period)
                        .routeId("trust-watch")
                        .bean(watch, "check");
            }
        };
    }
}
