package org.passerelle.gateway.exchange.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.exchange.DeliveryProperties;

/**
 * The back-end routes on a bare Camel context: the content-based router's rules (first match by type and partner,
 * then per type, then default, never the audit checkpoints), the dispatch of an attempt to the endpoint its entry
 * names with placeholders resolved, and the configuration check that keeps a node from starting with endpoints it
 * could not deliver to.
 */
class BackendRoutesTest extends CamelTestSupport {

    static final DeliveryProperties DELIVERY = new DeliveryProperties(Duration.ofMillis(250), true, 20, Duration.ofMinutes(2),
            12, Duration.ofSeconds(1), Duration.ofMinutes(5), 2.0, 0.2, Duration.ofSeconds(5), Duration.ofSeconds(30),
            new DeliveryProperties.Circuit(50, 5, 10, Duration.ofSeconds(3)), new DeliveryProperties.Bulkhead(4));
    static final BackendProperties.Tls NO_TLS = new BackendProperties.Tls(null, null, "PKCS12", null, null, "PKCS12");

    static final BackendProperties ROUTED = new BackendProperties(List.of(
            new BackendProperties.Route(List.of("ReadmissionDecision", "TransferStatus"), List.of("FR"),
                    List.of("mock:fr-readmission", "{{backend.archive}}")),
            new BackendProperties.Route(List.of(), List.of("BE"), List.of("mock:everything-from-be")),
            new BackendProperties.Route(List.of("ReadmissionDecision"), List.of(), List.of("mock:never-reached-for-fr"))),
            Map.of("BiometricSearchResponse", List.of("mock:biometric-unit")),
            List.of("mock:casework"), false, NO_TLS);

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        Properties placeholders = new Properties();
        placeholders.setProperty("backend.archive", "mock:archive");
        context.getPropertiesComponent().setInitialProperties(placeholders);
        return context;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        new BackendComponents(context, DELIVERY, ROUTED);
        return new BackendRoutes(ROUTED);
    }

    @Test
    void theFirstRuleMatchingTypeAndPartnerWins() {
        assertThat(route("ReadmissionDecision", "FR")).containsExactly("mock:fr-readmission", "{{backend.archive}}");
        assertThat(route("TransferStatus", "FR")).containsExactly("mock:fr-readmission", "{{backend.archive}}");
        assertThat(route("ReadmissionDecision", "BE")).containsExactly("mock:everything-from-be");
        assertThat(route("ReadmissionDecision", "NL")).containsExactly("mock:never-reached-for-fr");
    }

    @Test
    void withoutAMatchingRuleTheTypesEndpointsThenTheDefaultOnesTakeIt() {
        assertThat(route("BiometricSearchResponse", "FR")).containsExactly("mock:biometric-unit");
        assertThat(route("TransferStatus", "NL")).containsExactly("mock:casework");
    }

    @Test
    void auditCheckpointsGoNowhereWhateverTheRules() {
        assertThat(route("AuditCheckpoint", "BE")).isEmpty();
        assertThat(route("AuditCheckpoint", "FR")).isEmpty();
    }

    @Test
    void anAttemptReachesTheEndpointItsEntryNamesWithPlaceholdersResolved() throws Exception {
        MockEndpoint archive = getMockEndpoint("mock:archive");
        archive.expectedBodiesReceived("<Envelope/>");
        archive.expectedHeaderReceived(BackendDispatcher.MESSAGE_ID, "m-1");

        template.send(BackendRoutes.DISPATCH, exchange -> {
            exchange.setProperty(BackendRoutes.TARGET, "{{backend.archive}}");
            exchange.getIn().setBody("<Envelope/>");
            exchange.getIn().setHeader(BackendDispatcher.MESSAGE_ID, "m-1");
        });

        archive.assertIsSatisfied();
    }

    @Test
    void anHttpsTargetIsSentThroughTheHttpsComponent() throws Exception {
        AdviceWith.adviceWith(context, "backend-dispatch", route -> route.mockEndpointsAndSkip("https*"));
        MockEndpoint casework = getMockEndpoint("mock:https:casework.test/inbound");
        casework.expectedMessageCount(1);
        casework.expectedHeaderReceived(BackendDispatcher.MESSAGE_TYPE, "ReadmissionDecision");

        Exchange sent = template.send(BackendRoutes.DISPATCH, exchange -> {
            exchange.setProperty(BackendRoutes.TARGET, "https://casework.test/inbound");
            exchange.getIn().setBody("<Envelope/>");
            exchange.getIn().setHeader(BackendDispatcher.MESSAGE_TYPE, "ReadmissionDecision");
        });

        casework.assertIsSatisfied();
        assertThat(sent.getException()).isNull();
    }

    @Test
    void aConfigurationTheNodeCouldNotDeliverWithIsRefusedNamingEachSetting() {
        BackendProperties wrong = new BackendProperties(List.of(
                new BackendProperties.Route(List.of("ReadmisionDecision"), List.of("France"), List.of("mock:a")),
                new BackendProperties.Route(List.of("AuditCheckpoint"), List.of(), List.of("{{no.such.setting}}"))),
                Map.of("TransferStatus", List.of("nosuchcomponent:x", "http://casework.test/inbound")),
                List.of("https://casework.test/inbound", "direct:b?noSuchOption=1",
                        "sftp://backend.test/inbox?username=p&tempPrefix=.part-", "file:target/inbox", "ftp://backend.test/in"),
                false, NO_TLS);

        assertThatThrownBy(() -> start(wrong)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("passerelle.backend.routes[0].types: unknown message type 'ReadmisionDecision'")
                .hasMessageContaining("passerelle.backend.routes[0].partners: 'France' is not a party code")
                .hasMessageContaining("passerelle.backend.routes[1].types: AuditCheckpoint is kept by the node")
                .hasMessageContaining("passerelle.backend.routes[1].endpoints[0]: a placeholder does not resolve")
                .hasMessageContaining("passerelle.backend.endpoints.TransferStatus[0]: no Camel component 'nosuchcomponent'")
                .hasMessageContaining("passerelle.backend.endpoints.TransferStatus[1]: plain http is refused")
                .hasMessageContaining("passerelle.backend.default-endpoints[0]: https needs the node's client certificate")
                .hasMessageContaining("passerelle.backend.default-endpoints[1]: ")
                .hasMessageContaining("noSuchOption")
                .hasMessageContaining("passerelle.backend.default-endpoints[2]: sftp needs strictHostKeyChecking=yes and a knownHostsFile")
                .hasMessageContaining("passerelle.backend.default-endpoints[3]: a folder endpoint needs tempPrefix")
                .hasMessageContaining("passerelle.backend.default-endpoints[4]: ftp is refused");
    }

    @Test
    void plainHttpIsTakenWhenAllowedAndHttpsWithAClientKeyStore() throws Exception {
        BackendProperties development = new BackendProperties(List.of(), Map.of(),
                List.of("http://localhost:8081/inbound"), true, NO_TLS);
        BackendProperties missingStore = new BackendProperties(List.of(), Map.of(), List.of(), false,
                new BackendProperties.Tls(Path.of("no-such-store.p12"), "changeit", "PKCS12", null, null, "PKCS12"));

        start(development).close();
        assertThatThrownBy(() -> start(missingStore))
                .hasMessageContaining("passerelle.backend.tls.key-store: cannot read no-such-store.p12");
    }

    private List<String> route(String type, String from) {
        @SuppressWarnings("unchecked")
        List<String> endpoints = template.requestBodyAndHeaders(BackendRoutes.ROUTING, null,
                Map.of(BackendDispatcher.MESSAGE_TYPE, type, BackendDispatcher.FROM, from), List.class);
        return endpoints;
    }

    private static CamelContext start(BackendProperties properties) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        new BackendComponents(camel, DELIVERY, properties);
        camel.addRoutes(new BackendRoutes(properties));
        camel.start();
        return camel;
    }
}
