package org.passerelle.gateway.exchange.inbound;

import java.util.List;
import java.util.Map;
import org.apache.camel.Predicate;
import org.apache.camel.builder.PredicateBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ChoiceDefinition;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * The way to back-ends as two routes, made once {@link BackendComponents} has readied the components and checked the
 * configuration.
 *
 * <p>{@code backend-routing} is the content-based router: given a message's type and sending partner (headers
 * {@link BackendDispatcher#MESSAGE_TYPE} and {@link BackendDispatcher#FROM}), it answers the endpoint URIs the message
 * goes to (a {@code List<String>} body): none for {@code AuditCheckpoint}, else those of the first configured rule
 * that matches, else those configured for the type, else the default ones. The inbox asks it when it accepts a message
 * and stores one outbox DISPATCH entry per endpoint, so that every endpoint has its own retries, bulkhead and order.
 *
 * <p>{@code backend-dispatch} sends each attempt of such an entry to the Camel endpoint URI the entry names, its
 * property placeholders resolved then. It adds nothing of its own; an exception from the endpoint's producer is left
 * on the exchange for {@link BackendDispatcher} to settle.
 */
@Component
@DependsOn("backendComponents")
class BackendRoutes extends RouteBuilder {

    static final String ROUTING = "direct:backend-routing";
    static final String DISPATCH = "direct:backend-dispatch";
    /** Exchange property, not a header: headers travel to the back-end (as HTTP or AMQP headers). */
    static final String TARGET = "passerelleTarget";

    private final BackendProperties backend;

    BackendRoutes(BackendProperties backend) {
        this.backend = backend;
    }

    @Override
    public void configure() {
        ChoiceDefinition router = from(ROUTING).routeId("backend-routing").routeConfigurationId(RouteErrors.ID).choice();
        // Kept by the node as a witness of the partner's audit log; no back-end system takes part.
        router.when(header(BackendDispatcher.MESSAGE_TYPE).isEqualTo(Partner.AUDIT_CHECKPOINT)).setBody(constant(List.of()));
        // Kept by the node as its partner's answer to its equivalence statement.
        router.when(header(BackendDispatcher.MESSAGE_TYPE).isEqualTo(Partner.EQUIVALENCE_RECONCILIATION))
                .setBody(constant(List.of()));
        for (BackendProperties.Route rule : backend.routes()) {
            router.when(PredicateBuilder.and(anyOf(BackendDispatcher.MESSAGE_TYPE, rule.types()),
                    anyOf(BackendDispatcher.FROM, rule.partners()))).setBody(constant(List.copyOf(rule.endpoints())));
        }
        for (Map.Entry<String, List<String>> byType : backend.endpoints().entrySet()) {
            router.when(header(BackendDispatcher.MESSAGE_TYPE).isEqualTo(byType.getKey()))
                    .setBody(constant(List.copyOf(byType.getValue())));
        }
        router.otherwise().setBody(constant(List.copyOf(backend.defaultEndpoints())));

        from(DISPATCH)
                .routeId("backend-dispatch")
                .routeConfigurationId(RouteErrors.ID)
                // The entry keeps the URI as configured; its placeholders (secrets among them) resolve only here.
                .process(exchange -> exchange.setProperty(TARGET, exchange.getContext()
                        .resolvePropertyPlaceholders(exchange.getProperty(TARGET, String.class))))
                .toD("${exchangeProperty." + TARGET + "}");
    }

    /** True when the header is one of the values, or always when there are none. */
    private Predicate anyOf(String name, List<String> values) {
        return values.isEmpty() ? PredicateBuilder.constant(true) : header(name).in(values.toArray());
    }
}
