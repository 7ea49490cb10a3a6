package org.passerelle.gateway.retention;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.audit.AuditPruning;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.passerelle.gateway.routes.JobRoute;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Retention settings and the {@code payload-retention}, {@code records-retention} and {@code audit-retention} jobs:
 * timer routes, each on one node of the party at a time.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RetentionProperties.class)
class RetentionConfiguration {

    @Bean
    RouteBuilder payloadRetentionRoute(PayloadRetention retention, SingletonJobs jobs) {
        return JobRoute.ofParty(jobs, "payload-retention", "{{passerelle.retention.check-interval:1h}}",
                Duration.ofHours(1), retention::purgeIfEnabled);
    }

    @Bean
    RouteBuilder recordsRetentionRoute(RecordsRetention retention, SingletonJobs jobs) {
        return JobRoute.ofParty(jobs, "records-retention", "{{passerelle.retention.check-interval:1h}}",
                Duration.ofHours(1), retention::eraseIfEnabled);
    }

    @Bean
    RouteBuilder auditRetentionRoute(AuditPruning pruning, RetentionProperties properties, SingletonJobs jobs,
                                     org.springframework.core.env.Environment environment) {
        // The gallery keeps biometric templates longest (passerelle.gallery.retention): the log outlives them too.
        Duration gallery = org.springframework.boot.context.properties.bind.Binder.get(environment)
                .bind("passerelle.gallery.retention", Duration.class).orElse(Duration.ofDays(1826));
        if (properties.auditLog().compareTo(gallery.plus(RetentionProperties.AUDIT_MARGIN)) < 0) {
            throw new IllegalStateException("passerelle.retention.audit-log (" + properties.auditLog().toDays()
                    + " days) must be at least passerelle.gallery.retention plus a year: "
                    + gallery.plus(RetentionProperties.AUDIT_MARGIN).toDays() + " days");
        }
        return JobRoute.ofParty(jobs, "audit-retention", "{{passerelle.retention.check-interval:1h}}",
                Duration.ofHours(1), () -> {
                    if (properties.enabled()) {
                        pruning.prune(properties.auditLog());
                    }
                });
    }
}
