package org.passerelle.gateway.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the nodes of one party sharing a database keep track of each other ({@code passerelle.cluster}).
 *
 * @param heartbeatInterval how often a node records that it is alive
 * @param staleAfter        how long without a heartbeat before the other nodes take a node for dead and release its
 *                          claims and job locks; also how long a node starting under the id of one that still beats
 *                          waits for it to stop before refusing to start. Longer than the worst pause of a live node
 *                          (a garbage collection, a stalled disk), or its work would be taken over while it still runs
 */
@ConfigurationProperties("passerelle.cluster")
public record ClusterProperties(
        @DefaultValue("2s") Duration heartbeatInterval,
        @DefaultValue("10s") Duration staleAfter) {

    public ClusterProperties {
        if (staleAfter.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
            throw new IllegalStateException("passerelle.cluster.stale-after must be at least three heartbeat intervals");
        }
    }
}
