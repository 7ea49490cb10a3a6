package org.passerelle.gateway.cluster;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.node.HeldWork;
import org.passerelle.gateway.node.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * This node among the party's nodes on one database. At start, before any route or job runs, it takes its row in
 * {@code cluster_node} (refusing to start if a node with the same id still beats) and has the outbox and gallery
 * claims and job locks its previous run left behind released, so that they need not wait out their lease (each by the
 * owner of its table, as {@link HeldWork}: this class writes only {@code cluster_node}). While it runs it
 * beats every {@code heartbeat-interval}, renews its outbox claims (so that a slow attempt never outlives its claim),
 * and looks for nodes that stopped beating more than {@code stale-after} ago:
 * the first live node to see one marks it {@code LOST}, releases its claims and locks, and audits it
 * ({@code NODE_LOST}), which is how a killed node's work is taken over within seconds. Heartbeats are in database
 * time; a node that cannot record its heartbeat stops claiming before the others may take it for dead. Outbox claims
 * are in each node's own time, so the nodes' clocks must agree to well within the delivery lease (NTP).
 */
@Component
public class ClusterMembers implements InitializingBean, DisposableBean, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterMembers.class);
    static final AuditChannel CHANNEL = AuditChannel.CLUSTER;
    private static final String MEMBERS = "select node_id, instance, state, heartbeat_at from cluster_node";

    private final JdbcClient jdbc;
    private final String nodeId;
    private final ClusterProperties properties;
    private final AuditTrail audit;
    private final TransactionTemplate transaction;
    private final Duration lease;
    private final MessageStore store;
    /** What nodes hold in the database, each released by its table's owner; in a fixed order for the audit log. */
    private final List<HeldWork> held;
    /** When this node last recorded its heartbeat (System.nanoTime). */
    private volatile long lastBeat = System.nanoTime();
    private final String instance = UUID.randomUUID().toString();
    private ScheduledExecutorService beats;
    private volatile boolean running;
    private volatile boolean displaced;

    ClusterMembers(JdbcClient jdbc, NodeProperties node, ClusterProperties properties, AuditTrail audit,
                   PlatformTransactionManager transactions, DeliveryProperties delivery, MessageStore store,
                   List<HeldWork> held) {
        this.jdbc = jdbc;
        this.store = store;
        this.held = held.stream().sorted(Comparator.comparing(HeldWork::what)).toList();
        this.lease = delivery.lease();
        this.transaction = new TransactionTemplate(transactions);
        this.nodeId = node.nodeId();
        this.properties = properties;
        this.audit = audit;
    }

    public String nodeId() {
        return nodeId;
    }

    /** False once another process has taken this node's id: health then reports the node DOWN. */
    public boolean holdsItsId() {
        return !displaced;
    }

    /** Joins before the routes and jobs start (they are started after every bean is ready). */
    @Override
    public void afterPropertiesSet() throws InterruptedException {
        join();
        lastBeat = System.nanoTime();
        // A node that cannot record its heartbeat stops claiming before the others may take its work for a dead node's.
        store.claimOnlyWhile(this::beatsFresh);
        // Beats from now on, not from when the context has started: that can take longer than stale-after.
        startBeating();
        Released released = release(nodeId, false);
        audit.record(AuditTrail.Entry.of("node", CHANNEL, AuditAction.NODE_STARTED, AuditOutcome.OK).detail("node " + nodeId
                + (released.any() ? "; released from its previous run: " + released : "")));
        log.info("Node {} joined its party's nodes{}", nodeId, released.any() ? "; released " + released : "");
    }

    private void join() throws InterruptedException {
        long giveUpAt = System.nanoTime() + properties.staleAfter().plus(properties.heartbeatInterval()).toNanos();
        while (true) {
            OffsetDateTime now = databaseNow();
            List<Member> rows = jdbc.sql(MEMBERS + " where node_id = :n").param("n", nodeId).query(ClusterMembers::member)
                    .list();
            if (rows.isEmpty()) {
                try {
                    jdbc.sql("""
                            insert into cluster_node (node_id, instance, state, version, started_at, heartbeat_at)
                            values (:n, :i, 'UP', :v, current_timestamp, current_timestamp)""")
                            .param("n", nodeId).param("i", instance).param("v", version()).update();
                    return;
                } catch (DuplicateKeyException race) {
                    continue; // another process is starting under this id at this very moment: look again
                }
            }
            Member m = rows.getFirst();
            boolean beating = "UP".equals(m.state()) && m.heartbeatAt().isAfter(now.minus(properties.staleAfter()));
            if (beating) {
                if (System.nanoTime() > giveUpAt) {
                    throw new IllegalStateException("Node id " + nodeId + " is in use by a running node (last heartbeat "
                            + m.heartbeatAt() + "): give each node of a party its own passerelle.node.node-id");
                }
                log.warn("Node id {} still beats (last heartbeat {}): waiting for it to stop", nodeId, m.heartbeatAt());
                Thread.sleep(properties.heartbeatInterval().toMillis());
                continue;
            }
            int taken = jdbc.sql("""
                    update cluster_node set instance = :i, state = 'UP', version = :v, started_at = current_timestamp,
                      heartbeat_at = current_timestamp
                    where node_id = :n and instance = :old and heartbeat_at = :beat""")
                    .param("i", instance).param("v", version()).param("n", nodeId).param("old", m.instance())
                    .param("beat", m.heartbeatAt()).update();
            if (taken == 1) {
                return;
            }
            Thread.sleep(properties.heartbeatInterval().toMillis() / 4); // another start took it between: look again
        }
    }

    @Override
    public void start() {
        running = true;
    }

    private void startBeating() {
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = properties.heartbeatInterval().toMillis();
        beats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Lets a beat in progress finish rather than interrupting it: an interrupted thread closes the embedded
     * database's file channel under it, and with it the whole database.
     */
    private void stopBeating() {
        if (beats == null) {
            return;
        }
        beats.shutdown();
        try {
            if (!beats.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Node {}: a heartbeat is still running after 10 s", nodeId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** If the context fails to start after this node joined, it stops beating (and is taken for dead). */
    @Override
    public void destroy() {
        stopBeating();
    }

    /** One heartbeat, then the look for nodes that stopped beating. Never throws: the next beat tries again. */
    void beat() {
        try {
            String was = jdbc.sql("select state from cluster_node where node_id = :n and instance = :i")
                    .param("n", nodeId).param("i", instance).query(String.class).optional().orElse(null);
            int mine = jdbc.sql("update cluster_node set heartbeat_at = current_timestamp, state = 'UP' "
                    + "where node_id = :n and instance = :i").param("n", nodeId).param("i", instance).update();
            if (mine == 1) {
                lastBeat = System.nanoTime();
                if ("LOST".equals(was)) {
                    log.warn("Node {} was taken for dead by another node (it could not beat for {}); its claims were "
                            + "released, and attempts it had in flight may have been repeated by others", nodeId,
                            properties.staleAfter());
                }
            }
            if (mine == 0 && !displaced) {
                displaced = true;
                log.error("Another process has taken node id {}: two nodes must never share an id", nodeId);
            }
            if (!displaced) {
                renewClaims();
            }
            takeOverLost();
        } catch (RuntimeException | Error e) {
            // Never thrown out: an exception would end the scheduled heartbeat for good while the node works on.
            log.warn("Heartbeat of node {} failed: {}", nodeId, e.toString());
        }
    }

    /**
     * Keeps this node's claims on the entries it is still working for another lease while it beats: an attempt that
     * takes longer than the lease (a slow partner or back-end, a starved machine) keeps its claim, so the entry is
     * never attempted twice at once. A claim is released by its outcome, by this node's restart, or by the others once
     * this node stops beating; one whose worker is gone without settling it is not renewed and lapses.
     */
    int renewClaims() {
        return store.renewClaims(nodeId, lease);
    }

    /**
     * Whether this node's last heartbeat is recent enough that no other node can have taken it for dead: it stops
     * claiming two heartbeats before that could happen, and starts again once it beats.
     */
    boolean beatsFresh() {
        long margin = properties.staleAfter().minus(properties.heartbeatInterval().multipliedBy(2)).toNanos();
        return System.nanoTime() - lastBeat < margin;
    }

    /** Marks each node that stopped beating as LOST, releasing its claims and locks; once, whichever node sees it. */
    int takeOverLost() {
        OffsetDateTime cutoff = databaseNow().minus(properties.staleAfter());
        List<String> silent = jdbc.sql("select node_id from cluster_node where state = 'UP' and heartbeat_at < :cutoff "
                        + "and node_id <> :me").param("cutoff", cutoff).param("me", nodeId).query(String.class).list();
        int lost = 0;
        for (String other : silent) {
            if (Boolean.TRUE.equals(transaction.execute(tx -> takeOver(other, cutoff)))) {
                lost++;
            }
        }
        return lost;
    }

    /** In one transaction: marks the node LOST, releases what it held, audits it; false if another node did first. */
    private boolean takeOver(String other, OffsetDateTime cutoff) {
        int marked = jdbc.sql("update cluster_node set state = 'LOST' where node_id = :n and state = 'UP' "
                + "and heartbeat_at < :cutoff").param("n", other).param("cutoff", cutoff).update();
        if (marked != 1) {
            return false;
        }
        Released released = release(other, false);
        audit.record(AuditTrail.Entry.of("node", CHANNEL, AuditAction.NODE_LOST, AuditOutcome.OK).detail("node " + other
                + " stopped beating; taken over by " + nodeId + ": released " + released));
        log.warn("Node {} stopped beating; released {}", other, released);
        return true;
    }

    /** Releases what the node holds (at a clean stop, only what {@link HeldWork#releasedAtStop()}). */
    private Released release(String node, boolean stopping) {
        Map<String, Integer> released = new LinkedHashMap<>();
        for (HeldWork work : held) {
            if (!stopping || work.releasedAtStop()) {
                released.put(work.what(), work.releaseHeldBy(node));
            }
        }
        return new Released(released);
    }

    /** The party's nodes as the database knows them, for health. */
    public List<Member> members() {
        return jdbc.sql(MEMBERS + " order by node_id").query(ClusterMembers::member).list();
    }

    private static Member member(ResultSet rs, int row) throws SQLException {
        return new Member(rs.getString("node_id"), rs.getString("instance"), rs.getString("state"),
                rs.getObject("heartbeat_at", OffsetDateTime.class));
    }

    OffsetDateTime databaseNow() {
        return jdbc.sql("select current_timestamp").query(OffsetDateTime.class).single();
    }

    @Override
    public void stop() {
        running = false;
        stopBeating();
        try {
            // Routes and jobs have stopped (this bean stops last). Outbox claims are kept: an attempt still in flight
            // after the delivery's drain wait keeps its claim until its lease lapses, so no other node repeats it.
            Released released = release(nodeId, true);
            jdbc.sql("update cluster_node set state = 'LEFT' where node_id = :n and instance = :i")
                    .param("n", nodeId).param("i", instance).update();
            log.info("Node {} left its party's nodes{}", nodeId, released.any() ? "; released " + released : "");
        } catch (RuntimeException e) {
            log.warn("Node {} could not record that it left: {}", nodeId, e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Started first and stopped last, around the routes, the partner port and the scheduled jobs. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }

    private static String version() {
        String v = ClusterMembers.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** A node as recorded: its id, this start of it, UP/LEFT/LOST, and its last heartbeat (database time). */
    public record Member(String nodeId, String instance, String state, OffsetDateTime heartbeatAt) {
    }

    /** What was released of a node: how many of each kind of held work ("outbox claims": 3). */
    record Released(Map<String, Integer> counts) {
        boolean any() {
            return counts.values().stream().anyMatch(n -> n > 0);
        }

        @Override
        public String toString() {
            // Only what there was: "1 outbox claims, 1 job locks".
            return counts.entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getValue() + " " + e.getKey())
                    .collect(Collectors.joining(", "));
        }
    }
}
