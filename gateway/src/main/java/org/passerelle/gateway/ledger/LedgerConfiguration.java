package org.passerelle.gateway.ledger;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Ledger settings and the weekly statement job: a timer route that sends last week's statements when due. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LedgerProperties.class)
class LedgerConfiguration {

    @Bean
    RouteBuilder weeklyStatementRoute(Statements statements, LedgerProperties properties, SingletonJobs jobs) {
        long period = properties.statementCheckInterval().toMillis();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:ledger-statements?delay=" + period + "&period=" + period)
                        .routeId("ledger-weekly-statements")
                        // One node of the party at a time, so that no week's statement is sent twice.
                        .process(exchange -> jobs.runAlone("ledger-weekly-statements", Duration.ofMinutes(10),
                                statements::sendLastWeekIfDue));
            }
        };
    }
}
