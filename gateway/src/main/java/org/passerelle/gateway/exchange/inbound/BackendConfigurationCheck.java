package org.passerelle.gateway.exchange.inbound;

import jakarta.xml.bind.annotation.XmlElement;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.util.URISupport;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.security.PartyBinding;

/**
 * Refuses, when the node starts, a back-end configuration that could not be delivered to, naming each setting at
 * fault: a message type the envelope schema does not have (or {@code AuditCheckpoint}, which the node keeps and never
 * dispatches), a party code that is not one, an endpoint whose placeholders do not resolve, whose scheme names no
 * Camel component on the class path, or whose options the component refuses, an {@code http:} endpoint without
 * {@code passerelle.backend.allow-plain-http}, and an {@code https:} endpoint without a client key store.
 */
final class BackendConfigurationCheck {

    /** Folder schemes that would send the decrypted envelopes unauthenticated or in the clear. */
    private static final List<String> REFUSED_FOLDERS = List.of("ftp", "ftps");


    /** The business message types a back-end may receive: the envelope's bodies, less what the node keeps itself. */
    static final Set<String> DISPATCHED_TYPES = Arrays.stream(Body.class.getDeclaredFields())
            .map(field -> field.getAnnotation(XmlElement.class)).filter(Objects::nonNull).map(XmlElement::name)
            .filter(name -> !name.equals("Receipt") && !name.equals(Partner.AUDIT_CHECKPOINT)
                    && !name.equals(Partner.EQUIVALENCE_RECONCILIATION))
            .collect(Collectors.toUnmodifiableSet());

    private final BackendProperties properties;
    private final CamelContext camel;
    private final List<String> problems = new ArrayList<>();

    private BackendConfigurationCheck(BackendProperties properties, CamelContext camel) {
        this.properties = properties;
        this.camel = camel;
    }

    /** Throws an {@link IllegalStateException} listing every problem, or returns if there is none. */
    static void check(BackendProperties properties, CamelContext camel) {
        BackendConfigurationCheck check = new BackendConfigurationCheck(properties, camel);
        check.run();
        if (!check.problems.isEmpty()) {
            throw new IllegalStateException("passerelle.backend is not a configuration the node can deliver with:\n  "
                    + String.join("\n  ", check.problems));
        }
    }

    private void run() {
        String prefix = "passerelle.backend.";
        for (int i = 0; i < properties.routes().size(); i++) {
            BackendProperties.Route route = properties.routes().get(i);
            String at = prefix + "routes[" + i + "]";
            route.types().forEach(type -> type(at + ".types", type));
            route.partners().stream().filter(party -> !PartyBinding.isPartyCode(party)).forEach(party ->
                    problems.add(at + ".partners: '" + party + "' is not a party code (two upper-case letters)"));
            endpoints(at + ".endpoints", route.endpoints());
        }
        for (Map.Entry<String, List<String>> entry : properties.endpoints().entrySet()) {
            type(prefix + "endpoints", entry.getKey());
            endpoints(prefix + "endpoints." + entry.getKey(), entry.getValue());
        }
        endpoints(prefix + "default-endpoints", properties.defaultEndpoints());
        BackendProperties.Tls tls = properties.tls();
        if (tls.keyStore() != null && !Files.isReadable(tls.keyStore())) {
            problems.add(prefix + "tls.key-store: cannot read " + tls.keyStore());
        }
        if (tls.trustStore() != null && !Files.isReadable(tls.trustStore())) {
            problems.add(prefix + "tls.trust-store: cannot read " + tls.trustStore());
        }
    }

    private void type(String at, String type) {
        if (Partner.AUDIT_CHECKPOINT.equals(type)) {
            problems.add(at + ": " + type + " is kept by the node as a witness of the partner's audit log, never dispatched");
        } else if (Partner.EQUIVALENCE_RECONCILIATION.equals(type)) {
            problems.add(at + ": " + type + " is kept by the node as the partner's answer to its statement, never dispatched");
        } else if (!DISPATCHED_TYPES.contains(type)) {
            problems.add(at + ": unknown message type '" + type + "' (known: " + DISPATCHED_TYPES.stream().sorted()
                    .collect(Collectors.joining(", ")) + ")");
        }
    }

    private void endpoints(String at, List<String> uris) {
        for (int i = 0; i < uris.size(); i++) {
            endpoint(at + "[" + i + "]", uris.get(i));
        }
    }

    /**
     * Folders are written safely or not at all: an SFTP server's host key is always checked (Camel's default accepts
     * any server, so a man in the middle would receive the decrypted envelopes), FTP is refused, and a file is written
     * under a temporary name and renamed into place, so that a back-end never reads half a message.
     */
    private boolean connectorAllows(String at, String scheme, String resolved) {
        if (REFUSED_FOLDERS.contains(scheme)) {
            problems.add(at + ": " + scheme + " is refused (the envelopes would travel with an unchecked server or in the"
                    + " clear); use sftp with strictHostKeyChecking=yes and a knownHostsFile");
            return false;
        }
        if (!"file".equals(scheme) && !"sftp".equals(scheme)) {
            return true;
        }
        Map<String, Object> options;
        try {
            int query = resolved.indexOf('?');
            options = query < 0 ? Map.of() : URISupport.parseQuery(resolved.substring(query + 1));
        } catch (URISyntaxException e) {
            problems.add(at + ": unreadable options");
            return false;
        }
        boolean ok = true;
        if (!options.containsKey("tempPrefix") && !options.containsKey("tempFileName")) {
            problems.add(at + ": a folder endpoint needs tempPrefix (or tempFileName), so that each file is renamed into"
                    + " place whole");
            ok = false;
        }
        if ("sftp".equals(scheme) && (!"yes".equals(String.valueOf(options.get("strictHostKeyChecking")))
                || !options.containsKey("knownHostsFile"))) {
            problems.add(at + ": sftp needs strictHostKeyChecking=yes and a knownHostsFile: the server's host key is"
                    + " always checked");
            ok = false;
        }
        return ok;
    }

    private void endpoint(String at, String uri) {
        if (uri.length() > BackendProperties.MAX_ENDPOINT_LENGTH) {
            problems.add(at + ": longer than " + BackendProperties.MAX_ENDPOINT_LENGTH + " characters (as written, before"
                    + " its placeholders resolve); put the long parts in placeholders");
            return;
        }
        String resolved;
        try {
            resolved = camel.resolvePropertyPlaceholders(uri);
        } catch (RuntimeException e) {
            problems.add(at + ": a placeholder does not resolve (" + e.getMessage() + ")");
            return;
        }
        int colon = resolved.indexOf(':');
        if (colon < 1) {
            problems.add(at + ": not a Camel endpoint URI (scheme:...)");
            return;
        }
        String scheme = resolved.substring(0, colon);
        if ("http".equals(scheme) && !properties.allowPlainHttp()) {
            problems.add(at + ": plain http is refused (the envelope would travel unauthenticated, in the clear); use"
                    + " https with passerelle.backend.tls, or set passerelle.backend.allow-plain-http=true in development");
            return;
        }
        if ("https".equals(scheme) && properties.tls().keyStore() == null) {
            problems.add(at + ": https needs the node's client certificate: set passerelle.backend.tls.key-store");
            return;
        }
        try {
            if (camel.getComponent(scheme) == null) {
                problems.add(at + ": no Camel component '" + scheme + "' on the class path");
                return;
            }
            if (!connectorAllows(at, scheme, resolved)) {
                return;
            }
            camel.getEndpoint(resolved);
        } catch (RuntimeException e) {
            // The message names the option at fault; it quotes the URI, which holds no payload.
            problems.add(at + ": " + e.getMessage());
        }
    }
}
