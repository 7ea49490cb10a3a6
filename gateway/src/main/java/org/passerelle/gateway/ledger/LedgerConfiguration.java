package org.passerelle.gateway.ledger;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.passerelle.gateway.routes.JobRoute;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Ledger settings and the weekly statement job: the {@code ledger-weekly-statements} timer route, which sends last
 * week's statements when due, on one node of the party at a time so that no week's statement is sent twice.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LedgerProperties.class)
class LedgerConfiguration {

    @Bean
    RouteBuilder weeklyStatementRoute(Statements statements, JointReconciliation answers, SingletonJobs jobs) {
        // Also answers the partners' statements a stop left unanswered: the answer is otherwise sent at once.
        return JobRoute.ofParty(jobs, "ledger-weekly-statements", "{{passerelle.ledger.statement-check-interval:1h}}",
                Duration.ofMinutes(10), () -> {
                    statements.sendLastWeekIfDue();
                    answers.answerOutstanding();
                });
    }
}
