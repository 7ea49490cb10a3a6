package org.passerelle.gateway.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The party's nodes as this node sees them in the shared database: each one's state and last heartbeat, and which is
 * this one. DOWN when another process has taken this node's id (two processes must never settle the same claims).
 */
@Component("cluster")
class ClusterHealth implements HealthIndicator {

    private final ClusterMembers members;

    ClusterHealth(ClusterMembers members) {
        this.members = members;
    }

    @Override
    public Health health() {
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (ClusterMembers.Member m : members.members()) {
            nodes.put(m.nodeId(), Map.of("state", m.state(), "heartbeat", m.heartbeatAt().toInstant().toString()));
        }
        Health.Builder health = members.holdsItsId() ? Health.up() : Health.down().withDetail("problem",
                "another process has taken this node's id");
        return health.withDetail("self", members.nodeId()).withDetail("nodes", nodes).build();
    }
}
