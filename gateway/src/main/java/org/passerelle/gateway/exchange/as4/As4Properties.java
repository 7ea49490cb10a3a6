package org.passerelle.gateway.exchange.as4;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * This node's side of eDelivery AS4, under {@code passerelle.as4}; each partner's side is its {@code as4} entry in the
 * partner registry.
 *
 * @param keystore         PKCS#12 file of the key this node signs its AS4 messages and receipts with and is encrypted
 *                         to: RSA, as the eDelivery AS4 profile signs with RSA-SHA256 and encrypts keys with RSA-OAEP.
 *                         The node's gateway keystore by default (then it must be RSA)
 * @param keystorePassword its password; the node's keystore password by default
 * @param path             where the AS4 endpoint listens on the node's HTTP port
 */
@ConfigurationProperties("passerelle.as4")
public record As4Properties(Path keystore, String keystorePassword, @DefaultValue("/as4") String path) {

    @Override
    public String toString() {
        return "As4Properties[keystore=" + keystore + ", path=" + path + "]"; // never the password
    }
}
