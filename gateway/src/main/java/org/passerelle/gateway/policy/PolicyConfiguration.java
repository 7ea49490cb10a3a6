package org.passerelle.gateway.policy;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds the settings of the edge policies. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SearchLimitsProperties.class)
class PolicyConfiguration {
}
