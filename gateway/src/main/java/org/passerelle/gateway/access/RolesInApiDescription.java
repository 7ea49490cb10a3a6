package org.passerelle.gateway.access;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;

/**
 * The API description states, for every operation, the roles allowed to call it — read from the very
 * {@code @PreAuthorize} expression that enforces them, as the extension {@code x-roles} and a line in the
 * description — and the ways to authenticate.
 */
@Configuration(proxyBeanMethods = false)
class RolesInApiDescription {

    private static final Pattern ONE = Pattern.compile("hasRole\\('([A-Z_]+)'\\)");
    private static final Pattern ANY = Pattern.compile("hasAnyRole\\(([^)]*)\\)");
    private static final Pattern NAME = Pattern.compile("'([A-Z_]+)'");

    @Bean
    OpenAPI passerelleApi() {
        return new OpenAPI()
                .info(new Info().title("Passerelle node API")
                        .description("Back-end systems, liaison officers, caseworkers, auditors and administrators. "
                                + "Each operation lists its roles in x-roles; every refusal is a problem with a stable code."))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("An API token of a back-end system, or an OpenID Connect access token (JWT)"))
                        .addSecuritySchemes("basic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                                .description("A person of the embedded user store"))
                        .addSecuritySchemes("mutualTLS", new SecurityScheme().type(SecurityScheme.Type.MUTUALTLS)
                                .description("A client certificate of this party's PKI naming a system or an officer")));
    }

    @Bean
    OperationCustomizer rolesFromPreAuthorize() {
        return (operation, handler) -> {
            PreAuthorize rule = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), PreAuthorize.class);
            if (rule == null) {
                rule = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), PreAuthorize.class);
            }
            if (rule != null) {
                List<String> roles = roles(rule.value());
                operation.addExtension("x-roles", roles);
                String line = "Roles: " + String.join(", ", roles) + ".";
                operation.setDescription(operation.getDescription() == null ? line : operation.getDescription() + "\n\n" + line);
            }
            return operation;
        };
    }

    /** The role names a {@code @PreAuthorize} expression admits; {@code isAuthenticated()} admits every role. */
    static List<String> roles(String expression) {
        if (expression.strip().equals("isAuthenticated()")) {
            return java.util.Arrays.stream(Caller.Role.values()).map(Enum::name).toList();
        }
        List<String> roles = new ArrayList<>();
        Matcher one = ONE.matcher(expression);
        while (one.find()) {
            roles.add(one.group(1));
        }
        Matcher any = ANY.matcher(expression);
        while (any.find()) {
            Matcher name = NAME.matcher(any.group(1));
            while (name.find()) {
                roles.add(name.group(1));
            }
        }
        return roles.stream().distinct().toList();
    }
}
