package org.passerelle.gateway.casework.readmission;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.passerelle.gateway.routes.JobRoute;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binds the readmission settings and runs the legal clocks: the {@code readmission-deadlines} timer route. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReadmissionProperties.class)
class ReadmissionConfiguration {

    @Bean
    RouteBuilder readmissionDeadlinesRoute(DeadlineWatch watch, SingletonJobs jobs) {
        return JobRoute.ofParty(jobs, "readmission-deadlines", "{{passerelle.readmission.check-interval:1m}}",
                Duration.ofMinutes(10), watch::check);
    }
}
