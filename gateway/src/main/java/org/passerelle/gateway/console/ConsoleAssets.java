package org.passerelle.gateway.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves GOV.UK Frontend (from its WebJar) and the console's own script and styles under {@code /assets/}, where
 * GOV.UK Frontend's stylesheet expects its fonts and images.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleAssets implements WebMvcConfigurer {

    static final String GOVUK = "classpath:/META-INF/resources/webjars/govuk-frontend/5.14.0/dist/govuk/";

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/assets/**")
                .addResourceLocations(GOVUK + "assets/", GOVUK, "classpath:/console/")
                .setCachePeriod(3600);
    }
}
