package org.passerelle.gateway.casework.readmission;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Binds the readmission settings and runs the legal clocks on a schedule. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReadmissionProperties.class)
@EnableScheduling
class ReadmissionConfiguration {
}
