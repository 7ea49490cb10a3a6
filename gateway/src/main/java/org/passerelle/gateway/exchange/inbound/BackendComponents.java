package org.passerelle.gateway.exchange.inbound;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.springframework.stereotype.Component;

/**
 * Readies the Camel components that carry envelopes to back-ends, and refuses a configuration the node could not
 * deliver with ({@link BackendConfigurationCheck}) while the node's beans are being made, so that a node so
 * configured never opens a port. The http and https components share the delivery timeouts and keep a pool of
 * connections per endpoint, reused (keep-alive) from one attempt to the next; https presents the node's client
 * certificate ({@code passerelle.backend.tls}), trusts the configured anchors, and verifies the back-end's host name.
 */
@Component
class BackendComponents {

    BackendComponents(CamelContext camel, DeliveryProperties delivery, BackendProperties backend) {
        withTimeouts(camel.getComponent("http", HttpComponent.class), delivery);
        HttpComponent https = camel.getComponent("https", HttpComponent.class);
        withTimeouts(https, delivery);
        if (backend.tls().keyStore() != null) {
            https.setSslContextParameters(sslContext(backend.tls()));
        }
        BackendConfigurationCheck.check(backend, camel);
    }

    private static void withTimeouts(HttpComponent component, DeliveryProperties delivery) {
        component.setConnectTimeout(delivery.connectTimeout().toMillis());
        component.setResponseTimeout(delivery.requestTimeout().toMillis());
        component.setSoTimeout(delivery.requestTimeout().toMillis());
    }

    private static SSLContextParameters sslContext(BackendProperties.Tls tls) {
        KeyStoreParameters keyStore = new KeyStoreParameters();
        keyStore.setResource("file:" + tls.keyStore().toAbsolutePath());
        keyStore.setPassword(tls.keyStorePassword());
        keyStore.setType(tls.keyStoreType());
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keyStore);
        keyManagers.setKeyPassword(tls.keyStorePassword());
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keyManagers);
        if (tls.trustStore() != null) {
            KeyStoreParameters trustStore = new KeyStoreParameters();
            trustStore.setResource("file:" + tls.trustStore().toAbsolutePath());
            trustStore.setPassword(tls.trustStorePassword());
            trustStore.setType(tls.trustStoreType());
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(trustStore);
            parameters.setTrustManagers(trustManagers);
        }
        return parameters;
    }
}
