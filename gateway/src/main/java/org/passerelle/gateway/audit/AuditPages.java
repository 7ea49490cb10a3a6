package org.passerelle.gateway.audit;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.passerelle.security.audit.AuditRecord;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads sealed entries in stored order (seq, then id) in pages of {@value #PAGE}, keyset-paginated so each page costs
 * the same however deep in the chain. {@link #forEachEntryReadingAhead} reads the next page on another thread while the
 * caller works through the current one: a verification of the whole chain costs about the slower of reading and
 * hashing instead of their sum. Public for the benchmark, which measures exactly this path.
 */
public final class AuditPages {

    /** Rows per page. */
    public static final int PAGE = 1000;
    /** Pages read ahead at most (bounded memory: about two thousand entries in flight). */
    private static final int AHEAD = 2;
    private static final List<AuditRecord> END = List.of();

    private AuditPages() {
    }

    /** Streams the entries with seq in [fromSeq, toSeq] in stored order on the calling thread. */
    public static void forEachEntry(JdbcTemplate jdbc, long fromSeq, long toSeq, Consumer<AuditRecord> each) {
        readPages(jdbc, fromSeq, toSeq, page -> page.forEach(each));
    }

    /** As {@link #forEachEntry}, with the next pages read on another thread while the caller takes this one. */
    public static void forEachEntryReadingAhead(JdbcTemplate jdbc, long fromSeq, long toSeq,
                                                Consumer<AuditRecord> each) {
        BlockingQueue<List<AuditRecord>> pages = new ArrayBlockingQueue<>(AHEAD);
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "audit-read-ahead");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> reading = reader.submit(() -> {
                try {
                    readPages(jdbc, fromSeq, toSeq, page -> put(pages, page, cancelled), cancelled);
                } finally {
                    put(pages, END, cancelled);
                }
                return null;
            });
            while (true) {
                List<AuditRecord> page = pages.take();
                if (page == END) {
                    break;
                }
                page.forEach(each);
            }
            reading.get();
        } catch (RuntimeException e) {
            // The reader is never interrupted (an interrupt inside embedded H2's file I/O can close the database): it
            // is told to stop and its queue drained, so it leaves at the next page.
            cancelled.set(true);
            pages.clear();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the audit chain", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            cancelled.set(true);
            pages.clear();
            reader.shutdown();
        }
    }

    /** Puts the page unless the reading was cancelled, waiting for room a little at a time. */
    private static void put(BlockingQueue<List<AuditRecord>> pages, List<AuditRecord> page,
                            java.util.concurrent.atomic.AtomicBoolean cancelled) {
        try {
            while (!cancelled.get()) {
                if (pages.offer(page, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void readPages(JdbcTemplate jdbc, long fromSeq, long toSeq, Consumer<List<AuditRecord>> each) {
        readPages(jdbc, fromSeq, toSeq, each, new java.util.concurrent.atomic.AtomicBoolean());
    }

    private static void readPages(JdbcTemplate jdbc, long fromSeq, long toSeq, Consumer<List<AuditRecord>> each,
                                  java.util.concurrent.atomic.AtomicBoolean cancelled) {
        long afterSeq = fromSeq == Long.MIN_VALUE ? Long.MIN_VALUE : fromSeq - 1;
        long afterId = Long.MAX_VALUE;
        while (!cancelled.get()) {
            // Two index range scans rather than one "seq > a or (seq = a and id > b)", which the databases cannot
            // answer from the seq index (H2 then reads the table from the start for every page): rows repeating the
            // last seq after the last id (only ever there if someone dropped the unique index), then the next seqs.
            List<Object[]> page = new java.util.ArrayList<>(PAGE);
            if (afterSeq != Long.MIN_VALUE && afterSeq <= toSeq) {
                page.addAll(jdbc.query("select id, " + AuditRows.ENTRY_COLUMNS + " from audit_event"
                                + " where seq = ? and id > ? order by id fetch first ? rows only",
                        (rs, i) -> new Object[] {rs.getLong("id"), AuditRows.sealed(rs, i)}, afterSeq, afterId, PAGE));
            }
            if (page.size() < PAGE) {
                page.addAll(jdbc.query("select id, " + AuditRows.ENTRY_COLUMNS + " from audit_event"
                                + " where seq > ? and seq <= ? order by seq, id fetch first ? rows only",
                        (rs, i) -> new Object[] {rs.getLong("id"), AuditRows.sealed(rs, i)}, afterSeq, toSeq,
                        PAGE - page.size()));
            }
            each.accept(page.stream().map(row -> (AuditRecord) row[1]).toList());
            if (page.size() < PAGE) {
                return;
            }
            Object[] last = page.get(page.size() - 1);
            afterSeq = ((AuditRecord) last[1]).seq();
            afterId = (Long) last[0];
        }
    }
}
