package org.passerelle.gateway.gallery;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.passerelle.gateway.routes.JobRoute;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gallery's matcher (SourceAFIS unless the application provides another {@link FingerprintMatcher}) and its jobs:
 * {@code gallery-work} (enrolments and searches, claimed row by row, so every node takes part) and
 * {@code gallery-retention} (on one node of the party at a time).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GalleryProperties.class)
class GalleryConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FingerprintMatcher fingerprintMatcher() {
        return new SourceAfisMatcher();
    }

    @Bean
    RouteBuilder galleryWorkRoute(GalleryWork work) {
        return JobRoute.ofNode("gallery-work", "{{passerelle.gallery.work-interval:1s}}", work::runDue);
    }

    @Bean
    RouteBuilder galleryRetentionRoute(GalleryWork work, SingletonJobs jobs) {
        return JobRoute.ofParty(jobs, "gallery-retention", "{{passerelle.gallery.purge-interval:1h}}",
                Duration.ofHours(1), work::purgeExpired);
    }
}
