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
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "audit-read-ahead");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> reading = reader.submit(() -> {
                try {
                    readPages(jdbc, fromSeq, toSeq, page -> put(pages, page));
                } finally {
                    put(pages, END);
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the audit chain", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            reader.shutdownNow();
        }
    }

    private static void put(BlockingQueue<List<AuditRecord>> pages, List<AuditRecord> page) {
        try {
            pages.put(page);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void readPages(JdbcTemplate jdbc, long fromSeq, long toSeq, Consumer<List<AuditRecord>> each) {
        long afterSeq = fromSeq == Long.MIN_VALUE ? Long.MIN_VALUE : fromSeq - 1;
        long afterId = Long.MAX_VALUE;
        while (true) {
            List<Object[]> page = jdbc.query("select id, " + AuditRows.ENTRY_COLUMNS + " from audit_event"
                            + " where (seq > ? or (seq = ? and id > ?)) and seq <= ? order by seq, id fetch first ? rows only",
                    (rs, i) -> new Object[] {rs.getLong("id"), AuditRows.sealed(rs, i)},
                    afterSeq, afterSeq, afterId, toSeq, PAGE);
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
