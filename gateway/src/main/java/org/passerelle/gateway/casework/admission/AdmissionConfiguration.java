package org.passerelle.gateway.casework.admission;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Admission settings and the lapse clock: a timer route that lapses cases whose presence window has ended. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdmissionProperties.class)
class AdmissionConfiguration {

    @Bean
    RouteBuilder admissionLapseRoute(AdmissionWorkflow workflow, AdmissionProperties properties, SingletonJobs jobs) {
        long period = properties.lapseCheckInterval().toMillis();
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:admission-lapse?delay=" + period + "&period=" + period)
                        .routeId("admission-lapse")
                        .process(exchange -> jobs.runAlone("admission-lapse", Duration.ofMinutes(10),
                                workflow::lapseOverdue));
            }
        };
    }
}
