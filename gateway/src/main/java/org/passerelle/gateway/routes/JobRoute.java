package org.passerelle.gateway.routes;

import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;

/**
 * A periodic job as a timer route: route id, timer and (for a job of the party) ShedLock name are the job's name; the
 * interval is a property placeholder resolved by Camel from the node's settings, in Spring's simple duration form
 * ({@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d}), with the default the settings record declares.
 * The first run waits one interval, as the next ones do, and a run starts an interval after the previous one ended.
 * Errors are handled by the shared {@link RouteErrors} configuration: logged, counted, and run again at the next tick.
 */
public final class JobRoute extends RouteBuilder {

    private final String name;
    private final String interval;
    private final Runnable job;

    private JobRoute(String name, String interval, Runnable job) {
        this.name = name;
        this.interval = interval;
        this.job = job;
    }

    /**
     * A job run on one node of the party at a time ({@link SingletonJobs}); a run that finds the lock held by another
     * node is skipped.
     *
     * @param interval a placeholder such as {@code {{passerelle.retention.check-interval:1h}}}
     * @param atMost   how long one run may hold the lock
     */
    public static JobRoute ofParty(SingletonJobs jobs, String name, String interval, Duration atMost, Runnable job) {
        return new JobRoute(name, interval, () -> jobs.runAlone(name, atMost, job));
    }

    /** A job every node runs on its own (it claims its work row by row, so nodes never do the same work twice). */
    public static JobRoute ofNode(String name, String interval, Runnable job) {
        return new JobRoute(name, interval, job);
    }

    @Override
    public void configure() {
        from("timer:" + name + "?delay=" + interval + "&period=" + interval)
                .routeId(name)
                .routeConfigurationId(RouteErrors.ID)
                .process(exchange -> job.run());
    }
}
