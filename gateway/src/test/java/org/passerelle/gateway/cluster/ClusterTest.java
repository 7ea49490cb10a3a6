package org.passerelle.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.cluster.jobs.SingletonJobs;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.messagelog.OutboxKind;

/** Two or three nodes of one party on one database, without starting them: membership, job locks, allowances. */
class ClusterTest {

    static final Duration BEAT = Duration.ofMillis(250);
    static final Duration STALE = Duration.ofMillis(1000);

    @TempDir
    Path dir;
    SharedDatabase db;
    final List<AuditTrail.Entry> audited = new CopyOnWriteArrayList<>();
    final AuditTrail audit = mock(AuditTrail.class);

    @BeforeEach
    void database() {
        db = new SharedDatabase(dir);
        doAnswer(call -> audited.add(call.getArgument(0))).when(audit).record(any());
    }

    @Test
    void aNodeThatStopsBeatingHasItsClaimsAndJobLocksReleasedByTheFirstLiveNodeToSeeItOnce() throws Exception {
        ClusterMembers a = db.member("gb-a", BEAT, STALE, audit);
        ClusterMembers b = db.member("gb-b", BEAT, STALE, audit);
        ClusterMembers c = db.member("gb-c", BEAT, STALE, audit);
        a.afterPropertiesSet(); // each beats from here on
        b.afterPropertiesSet();
        c.afterPropertiesSet();
        b.destroy(); // killed: b stops beating without leaving
        claimOutboxEntry("gb-b");
        claimOutboxEntry("gb-a");
        // A job b was running when it was killed: its lock row stays held for an hour.
        db.jdbc.sql("insert into shedlock (name, lock_until, locked_at, locked_by) values ('held', "
                + "dateadd('HOUR', 1, current_timestamp), current_timestamp, 'gb-b')").update();

        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> "LOST".equals(
                    db.jdbc.sql("select state from cluster_node where node_id = 'gb-b'").query(String.class).single()));
            checkTakenOver();
        } finally {
            a.stop();
            c.stop();
        }
    }

    private void checkTakenOver() {

        assertThat(db.jdbc.sql("select count(*) from outbox where claimed_by = 'gb-b'").query(Integer.class).single())
                .isZero();
        assertThat(db.jdbc.sql("select count(*) from outbox where claimed_by = 'gb-a'").query(Integer.class).single())
                .as("a live node's claims stay").isEqualTo(1);
        assertThat(db.jdbc.sql("select count(*) from shedlock where locked_by = 'gb-b'").query(Integer.class).single())
                .isZero();
        assertThat(audited).filteredOn(e -> e.action() == AuditAction.NODE_LOST).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("gb-b").contains("1 outbox claims")
                        .contains("1 job locks"));
        AtomicInteger ran = new AtomicInteger();
        db.jobs("gb-a").runAlone("held", Duration.ofMinutes(10), ran::incrementAndGet);
        assertThat(ran).as("the lost node's job lock no longer holds the job").hasValue(1);
    }

    @Test
    void aRestartedNodeReleasesItsOwnEarlierClaimsAtOnceAndANodeIdInUseIsRefused() throws Exception {
        ClusterMembers first = db.member("gb-a", BEAT, STALE, audit);
        first.afterPropertiesSet();
        claimOutboxEntry("gb-a");

        ClusterMembers twin = db.member("gb-a", BEAT, STALE, audit);
        // The first keeps beating while the twin starts: the twin must not start.
        assertThatThrownBy(twin::afterPropertiesSet).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use by a running node");
        assertThat(db.jdbc.sql("select count(*) from outbox where claimed_by = 'gb-a'").query(Integer.class)
                .single()).as("the running node's claims are untouched").isEqualTo(1);

        first.destroy(); // killed: it stops beating without leaving
        Thread.sleep(STALE.toMillis() + 200);
        ClusterMembers restarted = db.member("gb-a", BEAT, STALE, audit);
        restarted.afterPropertiesSet();
        restarted.destroy();

        assertThat(db.jdbc.sql("select count(*) from outbox where claimed_by = 'gb-a'").query(Integer.class).single())
                .isZero();
        assertThat(audited).filteredOn(e -> e.action() == AuditAction.NODE_STARTED).last()
                .satisfies(e -> assertThat(e.detail()).contains("released from its previous run: 1 outbox claims"));
    }

    @Test
    void aBeatingNodeKeepsTheClaimsItIsWorkingBeyondTheLeaseButNotOnesItGaveUp() throws Exception {
        MessageStore store = db.store();
        ClusterMembers a = db.member("gb-a", BEAT, STALE, audit, store);
        a.afterPropertiesSet();
        claimOutboxEntry(null);
        claimOutboxEntry(null);
        List<OutboxEntry> claimed = store.claimDue(OutboxKind.SEND, "gb-a", 10, Duration.ofMinutes(2));
        assertThat(claimed).hasSize(2);
        store.done(claimed.get(1)); // its worker is gone without settling it
        db.jdbc.sql("update outbox set claimed_until = dateadd('MINUTE', -1, current_timestamp)").update(); // lapsed

        a.beat();
        a.destroy();

        assertThat(db.jdbc.sql("select id from outbox where claimed_by = 'gb-a' and claimed_until > :now")
                .param("now", java.time.OffsetDateTime.now().plusSeconds(60)).query(Long.class).list())
                .as("renewed for another lease (2 minutes): only the one still worked")
                .containsExactly(claimed.get(0).id());
    }

    @Test
    void aNodeThatCannotRecordItsHeartbeatStopsClaimingBeforeOthersMayTakeItForDead() throws Exception {
        MessageStore store = db.store();
        ClusterMembers a = db.member("gb-a", BEAT, STALE, audit, store);
        a.afterPropertiesSet();
        a.destroy(); // its beats stop (as when the database cannot be reached for a while)
        claimOutboxEntry(null);

        Thread.sleep(STALE.toMillis());

        assertThat(store.claimDue(OutboxKind.SEND, "gb-a", 10, Duration.ofMinutes(2))).isEmpty();
        a.beat();
        assertThat(store.claimDue(OutboxKind.SEND, "gb-a", 10, Duration.ofMinutes(2))).hasSize(1);
    }

    @Test
    void aJobRunsOnOneNodeAtATimeAndTheOtherSkipsItsRun() throws Exception {
        SingletonJobs a = db.jobs("gb-a");
        SingletonJobs b = db.jobs("gb-b");
        CountDownLatch aRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> aRun = pool.submit(() -> a.runAlone("weekly", Duration.ofMinutes(5), () -> {
                runs.incrementAndGet();
                aRunning.countDown();
                waitFor(release);
            }));
            assertThat(aRunning.await(10, TimeUnit.SECONDS)).isTrue();
            b.runAlone("weekly", Duration.ofMinutes(5), runs::incrementAndGet);
            assertThat(runs).as("b skipped the run while a held the job").hasValue(1);
            release.countDown();
            aRun.get(10, TimeUnit.SECONDS);
            b.runAlone("weekly", Duration.ofMinutes(5), runs::incrementAndGet);
            assertThat(runs).as("once a finished, b runs it").hasValue(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPersonsAllowanceIsCountedAcrossNodesAndNeverOvershootsUnderConcurrency() throws Exception {
        RateWindows nodeA = db.rateWindows(Clock.systemUTC());
        RateWindows nodeB = new SharedDatabase(dir).rateWindows(Clock.systemUTC());
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                RateWindows node = i % 2 == 0 ? nodeA : nodeB;
                all.add(pool.submit(() -> {
                    if (node.tryTake("lo-1", "search", 25, Duration.ofHours(1))) {
                        granted.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(granted).hasValue(25);
        assertThat(nodeB.tryTake("lo-2", "search", 25, Duration.ofHours(1))).as("counted per person").isTrue();
        assertThat(nodeB.tryTake("lo-1", "view", 1, Duration.ofHours(1))).as("and per kind").isTrue();
    }

    /** An outbox entry claimed by {@code node}, or due and unclaimed when it is null. */
    private void claimOutboxEntry(String node) {
        String id = "m-" + node + "-" + System.nanoTime();
        db.jdbc.sql("""
                insert into message (message_id, direction, message_type, conversation_id, from_party, to_party,
                  created_at, expires_at, accepted_at, payload_sha256, payload_size, status, updated_at)
                values (:id, 'OUTBOUND', 'CaseStatusUpdate', :id, 'GB', 'FR', current_timestamp, current_timestamp,
                  current_timestamp, 'aa', 1, 'ACCEPTED', current_timestamp)""").param("id", id).update();
        db.jdbc.sql("""
                insert into outbox (message_id, kind, target, conversation_id, state, attempts, next_attempt_at,
                  created_at, claimed_by, claimed_until)
                values (:id, 'SEND', 'FR', :id, 'PENDING', 0, current_timestamp, current_timestamp, :node,
                  """ + (node == null ? "null" : "dateadd('MINUTE', 2, current_timestamp)") + ")")
                .param("id", id).param("node", node).update();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
