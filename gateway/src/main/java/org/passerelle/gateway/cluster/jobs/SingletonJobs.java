package org.passerelle.gateway.cluster.jobs;

import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.passerelle.gateway.node.HeldWork;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Runs a periodic job on one node of the party at a time: each run takes the job's row in {@code shedlock} (ShedLock
 * over the shared database, in database time), and a node that finds it held by another skips that run. The lock is
 * held at most {@code atMost}, after which another node may run the job even if the holder never finished; when the
 * holder is killed, the nodes that see it stop beating release its locks at once
 * ({@link org.passerelle.gateway.cluster.ClusterMembers}), so the job moves to another node within seconds rather than
 * after {@code atMost}.
 *
 * <p>The jobs stay safe to run twice (each checks the database for what is already done); the lock is what makes
 * "once" hold when two nodes look at the same moment, such as two nodes sending the same week's statement.
 */
@Component
public class SingletonJobs implements HeldWork {

    private final LockingTaskExecutor executor;
    private final JdbcTemplate jdbc;

    public SingletonJobs(DataSource dataSource, NodeProperties node) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.executor = new DefaultLockingTaskExecutor(new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration
                .builder()
                .withJdbcTemplate(jdbc)
                .withTableName("shedlock")
                .withLockedByValue(node.nodeId())
                .usingDbTime()
                .build()));
    }

    @Override
    public String what() {
        return "job locks";
    }

    @Override
    public boolean releasedAtStop() {
        return true;
    }

    @Override
    public int releaseHeldBy(String nodeId) {
        return jdbc.update("delete from shedlock where locked_by = ?", nodeId);
    }

    /** Runs {@code job} if no other node of the party is running the job {@code name}; skips this run if one is. */
    public void runAlone(String name, Duration atMost, Runnable job) {
        executor.executeWithLock(job, new LockConfiguration(Instant.now(), name, atMost, Duration.ZERO));
    }
}
