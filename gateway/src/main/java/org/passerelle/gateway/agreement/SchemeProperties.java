package org.passerelle.gateway.agreement;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The agreement as configured under {@code passerelle.scheme}: the first version, put in force at the node's first
 * start (README "Agreements, phases and caps" has an example). Later versions are changed through the API.
 *
 * @param scheme      the scheme's agreement; none configured means no agreement: no case can start
 * @param dataSharing party code → what may be shared with that partner and on what basis; part of the first version
 *                    with the scheme, and changed later through the API like the rest of it
 */
@ConfigurationProperties("passerelle")
record SchemeProperties(Scheme scheme, Map<String, Scheme.DataSharing> dataSharing) {

    SchemeProperties {
        scheme = scheme == null ? Scheme.of(null, null) : scheme;
        dataSharing = dataSharing == null ? Map.of() : Map.copyOf(dataSharing);
    }

    /** The agreement as configured: the scheme with the data-sharing entries. */
    Scheme configured() {
        return scheme.withDataSharing(dataSharing);
    }
}
