package org.passerelle.gateway.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audit chain's settings ({@code passerelle.audit}).
 *
 * @param checkpointInterval how often the node signs a checkpoint over the chain head (only when the head moved);
 *                           one is also signed at startup and at shutdown
 * @param sweepInterval      how often pending events are sealed as a backstop (each commit already asks for a seal)
 * @param sealBatch          how many pending events one sealing transaction moves into the chain at most
 * @param sealLinger         how long the background sealer waits, once asked, before it seals, so that the events of
 *                           that while go into one sealing transaction (readers seal before they read, so they never
 *                           wait for it; a crash leaves the events pending, sealed at the next start)
 * @param retiredCertificates PEM files of the certificates of gateway keys retired after a rollover (no private key
 *                           is needed): the checkpoints they signed still verify once the key store itself is gone
 * @param witness            whether each checkpoint signed on schedule or at startup is sent to every partner to
 *                           witness (an AuditCheckpoint message), and verification asks the partners for the copies
 *                           they kept
 * @param witnessTimeout     how long verification waits for one partner's copies before reporting it unreachable
 * @param witnessMaxLag      how far a partner's latest witnessed checkpoint may fall behind this node's checkpoints
 *                           before verification reports the log UNWITNESSED (witnessing has stopped)
 * @param allowPrivilegedDatabaseRole on PostgreSQL the node refuses to start when it connects as a superuser or as the
 *                           owner of the audit log or its schema, since either could drop or disable the append-only
 *                           trigger; {@code true} lets it start all the same (one database role for Flyway and the
 *                           node), with a warning in the log and the health component {@code auditGuard} at
 *                           {@code UNGUARDED}
 */
@ConfigurationProperties("passerelle.audit")
public record AuditProperties(@DefaultValue("5m") Duration checkpointInterval,
                              @DefaultValue("10s") Duration sweepInterval,
                              @DefaultValue("500") int sealBatch,
                              @DefaultValue("50ms") Duration sealLinger,
                              @DefaultValue List<Path> retiredCertificates,
                              @DefaultValue("true") boolean witness,
                              @DefaultValue("10s") Duration witnessTimeout,
                              @DefaultValue("30m") Duration witnessMaxLag,
                              @DefaultValue("false") boolean allowPrivilegedDatabaseRole) {
}
