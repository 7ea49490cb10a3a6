package org.passerelle.gateway.audit;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.passerelle.gateway.node.Certificates;
import org.passerelle.gateway.node.DecryptionKeys;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.routes.JobRoute;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.CheckpointSigner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the audit chain: its settings, the checkpoint signer with the node's current key, the certificates checkpoints
 * are verified with (current, next and previous, so checkpoints signed before a key rollover still verify), and the
 * periodic seal and checkpoint: the {@code audit-sealing} and {@code audit-checkpoint} timer routes, each on one node
 * of the party at a time.
 */
@Configuration(proxyBeanMethods = false)
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

    @Bean
    RouteBuilder auditSealingRoute(AuditCheckpoints checkpoints, SingletonJobs jobs) {
        return JobRoute.ofParty(jobs, "audit-sealing", "{{passerelle.audit.sweep-interval:10s}}", Duration.ofMinutes(2),
                checkpoints::sweep);
    }

    @Bean
    RouteBuilder auditCheckpointRoute(AuditCheckpoints checkpoints, SingletonJobs jobs) {
        return JobRoute.ofParty(jobs, "audit-checkpoint", "{{passerelle.audit.checkpoint-interval:5m}}",
                Duration.ofMinutes(10), checkpoints::scheduled);
    }
}
