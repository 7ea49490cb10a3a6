package org.passerelle.gateway.audit;

import java.security.cert.X509Certificate;
import java.util.List;
import org.passerelle.gateway.node.Certificates;
import org.passerelle.gateway.node.DecryptionKeys;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.CheckpointSigner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Wires the audit chain: its settings, the checkpoint signer with the node's current key, the certificates checkpoints
 * are verified with (current, next and previous, so checkpoints signed before a key rollover still verify), and the
 * scheduled seal and checkpoint.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(AuditProperties.class)
class AuditConfiguration {

    @Bean
    CheckpointSigner checkpointSigner(KeyMaterial nodeKey, NodeProperties node) {
        return new CheckpointSigner(nodeKey, node.nodeId());
    }

    @Bean
    CheckpointCertificates checkpointCertificates(DecryptionKeys keys, NodeProperties node, AuditProperties audit) {
        List<X509Certificate> retired = audit.retiredCertificates().stream()
                .flatMap(file -> Certificates.read(file).stream()).toList();
        return CheckpointCertificates.of(keys, node.nextKeystore() != null, retired);
    }
}
