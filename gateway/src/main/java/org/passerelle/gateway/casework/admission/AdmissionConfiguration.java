package org.passerelle.gateway.casework.admission;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.passerelle.gateway.routes.JobRoute;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Admission settings and the lapse clock: the {@code admission-lapse} timer route, which lapses cases whose presence
 * window has ended, on one node of the party at a time.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdmissionProperties.class)
class AdmissionConfiguration {

    @Bean
    RouteBuilder admissionLapseRoute(AdmissionWorkflow workflow, SingletonJobs jobs) {
        return JobRoute.ofParty(jobs, "admission-lapse", "{{passerelle.admission.lapse-check-interval:1m}}",
                Duration.ofMinutes(10), workflow::lapseOverdue);
    }
}
