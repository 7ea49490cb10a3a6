package org.passerelle.gateway.keys;

import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The party's key-encryption key (KEK) that wraps the data keys sealing payloads and gallery templates
 * ({@code passerelle.keys}). Every node of a party sharing a database must hold the same KEK (README, "Payload keys").
 *
 * @param provider          where the current KEK lives: {@code keystore} (a PKCS#12 or JCEKS file) or {@code pkcs11}
 *                          (a token, through the JDK's SunPKCS11 provider)
 * @param keystore          the key store holding the current KEK as an AES-256 secret key entry; when neither it nor
 *                          PKCS#11 is configured the node uses a KEK of its own in {@code <data-dir>/payload-kek.p12},
 *                          which no other node holds (unless {@code require-kek} is set, then it refuses to start)
 * @param keystorePassword  its password (store and entry); defaults to {@code passerelle.node.keystore-password}
 * @param alias             the entry's alias
 * @param earlierKeystores  more KEKs this node unwraps with but never wraps under: the earlier ones after a rotation
 *                          (until the re-wrap at start-up has moved every data key off them), and the next one before it
 * @param pkcs11            the token, when {@code provider} is {@code pkcs11}
 * @param requireKek        refuse to start without a configured KEK rather than use a local one (set by the
 *                          {@code postgres} profile: nodes sharing a database must share the KEK)
 */
@ConfigurationProperties("passerelle.keys")
public record KeysProperties(@DefaultValue("keystore") Provider provider,
                             Path keystore,
                             String keystorePassword,
                             @DefaultValue("data-kek") String alias,
                             @DefaultValue List<EarlierKeystore> earlierKeystores,
                             @DefaultValue Pkcs11 pkcs11,
                             @DefaultValue("false") boolean requireKek) {

    public enum Provider { KEYSTORE, PKCS11 }

    /**
     * A key store holding a KEK kept for unwrapping.
     *
     * @param path     the file
     * @param password its password; defaults to the current KEK key store's
     * @param alias    the entry's alias; defaults to the current one's
     */
    public record EarlierKeystore(Path path, String password, String alias) {
    }

    /**
     * A KEK on a PKCS#11 token.
     *
     * @param config        the SunPKCS11 configuration file (library, slot or token label)
     * @param pin           the user PIN of the token
     * @param label         the CKA_LABEL of the current KEK, an AES key with CKA_ENCRYPT and CKA_DECRYPT
     * @param earlierLabels labels of more KEKs on the same token kept for unwrapping (as {@code earlier-keystores})
     */
    public record Pkcs11(Path config, String pin, @DefaultValue("passerelle-kek") String label,
                         @DefaultValue List<String> earlierLabels) {
    }
}
