package org.passerelle.gateway.gallery;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gallery's matcher: SourceAFIS unless the application provides another {@link FingerprintMatcher}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GalleryProperties.class)
class GalleryConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FingerprintMatcher fingerprintMatcher() {
        return new SourceAfisMatcher();
    }
}
