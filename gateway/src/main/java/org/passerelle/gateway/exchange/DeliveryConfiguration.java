package org.passerelle.gateway.exchange;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binds the exchange's settings and provides the delivery routes' workers. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DeliveryProperties.class)
class DeliveryConfiguration {

    static final String EXECUTOR = Bulkheads.EXECUTOR;

    /** Attempts block on the network, so each runs on a virtual thread; the per-target bulkheads bound how many. */
    @Bean(name = EXECUTOR, destroyMethod = "shutdown")
    ExecutorService passerelleDeliveryExecutor() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }
}
