package org.passerelle.gateway.agreement;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SchemeProperties.class)
class AgreementConfiguration {
}
