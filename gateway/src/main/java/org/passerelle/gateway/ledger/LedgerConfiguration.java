package org.passerelle.gateway.ledger;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Ledger settings and the weekly statement job: a timer route that sends last week's statements when due. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LedgerProperties.class)
class LedgerConfiguration {

    @Bean
    RouteBuilder weeklyStatementRoute(Statements statements, LedgerProperties properties) {
        long period = properties.statementCheckInterval().toMillis();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:ledger-statements?delay=" + period + "&period=" + period)
                        .routeId("ledger-weekly-statements")
                        .bean(statements, "sendLastWeekIfDue");
            }
        };
    }
}
