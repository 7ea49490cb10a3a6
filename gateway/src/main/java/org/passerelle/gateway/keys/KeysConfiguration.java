package org.passerelle.gateway.keys;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.node.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the party's KEK and the data keys it wraps from {@code passerelle.keys}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KeysProperties.class)
class KeysConfiguration {

    /** Where a node without a configured KEK keeps one of its own. */
    static final String LOCAL_KEK_FILE = "payload-kek.p12";
    /** Its entry's alias; its password is the node's key store password ({@code passerelle.node.keystore-password}). */
    static final String LOCAL_KEK_ALIAS = "data-kek";
    /** The audit channel of what the node does to its data keys. */
    static final AuditChannel CHANNEL = AuditChannel.KEYS;

    private static final Logger log = LoggerFactory.getLogger(KeysConfiguration.class);

    @Bean
    KekProvider kekProvider(KeysProperties keys, NodeProperties node) {
        return keks(keys, node.dataDir(), node.keystorePassword());
    }

    /** Settles the data keys once the schema is migrated (the JdbcClient waits for Flyway). */
    @Bean
    DataKeys dataKeys(JdbcClient jdbc, KekProvider keks, AuditTrail audit, Clock clock, NodeProperties node) {
        KeyAudit trail = (action, keyId, detail) -> audit.record(AuditTrail.Entry.of(node.nodeId(),
                CHANNEL, action, AuditOutcome.OK)
                .resource("data-key/" + keyId).detail(detail));
        return DataKeys.start(jdbc, keks, trail, clock, node.nodeId(), node.dataDir().resolve(DataKeys.LEGACY_FILE));
    }

    /** The KEKs the settings name; without any, a local one in the data folder (or a refusal if one is required). */
    static KeyEncryptionKeys keks(KeysProperties keys, Path dataDir, String nodeKeystorePassword) {
        String password = keys.keystorePassword() != null ? keys.keystorePassword() : nodeKeystorePassword;
        List<Kek> others = new ArrayList<>();
        for (KeysProperties.EarlierKeystore earlier : keys.earlierKeystores()) {
            others.add(KeystoreKeks.load(earlier.path(),
                    (earlier.password() != null ? earlier.password() : password).toCharArray(),
                    earlier.alias() != null ? earlier.alias() : keys.alias()));
        }
        Path local = dataDir.resolve(LOCAL_KEK_FILE);
        boolean configured = true;
        Kek current;
        if (keys.provider() == KeysProperties.Provider.PKCS11) {
            KeysProperties.Pkcs11 p11 = keys.pkcs11();
            Pkcs11Keks token = Pkcs11Keks.open(p11.config(), p11.pin() == null ? null : p11.pin().toCharArray());
            current = token.kek(p11.label());
            p11.earlierLabels().forEach(label -> others.add(token.kek(label)));
        } else if (keys.keystore() != null) {
            current = KeystoreKeks.load(keys.keystore(), password.toCharArray(), keys.alias());
        } else if (keys.requireKek()) {
            throw new IllegalStateException("No KEK configured: set passerelle.keys.keystore (or passerelle.keys.provider"
                    + "=pkcs11 and passerelle.keys.pkcs11.*) to the party's KEK, the same on every node of the party"
                    + " (README, \"Payload keys\")");
        } else {
            configured = false;
            if (!local.toFile().exists()) {
                KeystoreKeks.create(local, nodeKeystorePassword.toCharArray(), LOCAL_KEK_ALIAS);
            }
            current = KeystoreKeks.load(local, nodeKeystorePassword.toCharArray(), LOCAL_KEK_ALIAS);
            log.warn("NO KEK CONFIGURED: this node wraps its data keys under a KEK of its own, {}. No other node can open"
                    + " the payloads it stores unless given this same key store, and a node started on the same"
                    + " database without it refuses to start. Configure the party's KEK under passerelle.keys for"
                    + " anything but a single development node (README, \"Payload keys\").", local);
        }
        if (configured && local.toFile().exists()) {
            // A node that ran without a configured KEK before: its own KEK unwraps what it wrapped, and the re-wrap at
            // start-up moves those keys under the configured KEK; then the file may go.
            others.add(KeystoreKeks.load(local, nodeKeystorePassword.toCharArray(), LOCAL_KEK_ALIAS));
            log.warn("{} holds this node's former local KEK: the data keys wrapped under it are re-wrapped under the"
                    + " configured KEK at start-up; delete the file once health component payloadKeys shows"
                    + " awaitingRewrap empty", local);
        }
        return new KeyEncryptionKeys(current, others);
    }
}
