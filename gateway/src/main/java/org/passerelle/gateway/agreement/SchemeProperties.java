package org.passerelle.gateway.agreement;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The agreement as configured under {@code passerelle.scheme}: the first version, put in force at the node's first
 * start (README "Agreements, phases and caps" has an example). Later versions are changed through the API.
 *
 * @param scheme the scheme's agreement; none configured means no agreement: no case can start
 */
@ConfigurationProperties("passerelle")
record SchemeProperties(Scheme scheme) {

    SchemeProperties {
        scheme = scheme == null ? new Scheme(null, null) : scheme;
    }
}
