package org.passerelle.gateway.access;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The settings and password encoder of people's and systems' access, needed whether or not the node serves HTTP. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AccessProperties.class, ApiProperties.class, ConsoleOidcProperties.class})
class AccessConfiguration {

    /** Argon2id for new hashes; each stored hash names its algorithm ({@code {argon2}}, or {@code {bcrypt}}). */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordHash.encoder();
    }
}
