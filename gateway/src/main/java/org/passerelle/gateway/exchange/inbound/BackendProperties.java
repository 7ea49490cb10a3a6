package org.passerelle.gateway.exchange.inbound;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where inbound business messages go ({@code passerelle.backend}): each message is delivered to the endpoints of the
 * first of the {@code routes} that matches its type and sending partner; failing that, to the endpoints configured
 * for its type; failing that, to the default endpoints. Endpoints are Camel endpoint URIs
 * ({@code https://casework.example/inbound}, {@code rabbitmq:...}, {@code file:...}) and may hold property
 * placeholders ({@code {{casework.url}}}), resolved when each attempt is sent. {@link BackendConfigurationCheck}
 * refuses, at start, a configuration that could not be delivered to.
 *
 * @param routes           ordered rules, first match wins
 * @param endpoints        message type (e.g. {@code ReadmissionDecision}) → endpoint URIs
 * @param defaultEndpoints endpoints for every type no rule and no {@code endpoints} entry names
 * @param allowPlainHttp   whether {@code http:} endpoints are allowed (development and tests only: the envelope would
 *                         travel unauthenticated and in the clear)
 * @param tls              the node's client certificate and the trust for back-ends' server certificates, for
 *                         {@code https:} endpoints
 */
@ConfigurationProperties("passerelle.backend")
public record BackendProperties(@DefaultValue List<Route> routes, @DefaultValue Map<String, List<String>> endpoints,
                                @DefaultValue List<String> defaultEndpoints, @DefaultValue("false") boolean allowPlainHttp,
                                @DefaultValue Tls tls) {

    /** The longest endpoint URI an outbox entry holds (its {@code target} column). */
    public static final int MAX_ENDPOINT_LENGTH = 500;

    /** Every endpoint URI configured, as written (placeholders unresolved): the only ones the node dispatches to. */
    public Set<String> allEndpoints() {
        Set<String> all = new HashSet<>(defaultEndpoints);
        routes.forEach(route -> all.addAll(route.endpoints()));
        endpoints.values().forEach(all::addAll);
        return Set.copyOf(all);
    }

    /**
     * One rule of the content-based router.
     *
     * @param types     the message types it takes (none: every type)
     * @param partners  the sending partners' party codes it takes (none: every partner)
     * @param endpoints where the messages it takes go (none: nowhere, the node keeps them)
     */
    public record Route(@DefaultValue List<String> types, @DefaultValue List<String> partners,
                        @DefaultValue List<String> endpoints) {
    }

    /**
     * Mutual TLS to {@code https:} back-ends: the node presents the key store's certificate (a system certificate,
     * clientAuth) and trusts the server certificates the trust store anchors (the JVM's default trust without one).
     * Host names are verified.
     *
     * @param keyStore           key store with the node's client key and chain
     * @param keyStorePassword   its password (also the key's)
     * @param keyStoreType       PKCS12 or JKS
     * @param trustStore         trust anchors for back-ends' server certificates
     * @param trustStorePassword its password
     * @param trustStoreType     PKCS12 or JKS
     */
    public record Tls(Path keyStore, String keyStorePassword, @DefaultValue("PKCS12") String keyStoreType,
                      Path trustStore, String trustStorePassword, @DefaultValue("PKCS12") String trustStoreType) {
    }
}
