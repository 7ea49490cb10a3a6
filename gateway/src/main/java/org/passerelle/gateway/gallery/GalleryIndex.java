package org.passerelle.gateway.gallery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * The gallery in memory: entries of templates, searched 1:N by a probe made of several fingerprint templates, on a
 * dedicated pool of threads.
 *
 * <p>An entry's score is the best score of any pair (probe template, entry template) whose finger sets intersect: two
 * impressions are compared only if the positions their transactions declared may show a common finger (the right
 * four-finger slap against rolled fingers 2–5, never against a thumb). That pre-filter uses declared metadata, so it
 * loses a true match only when a transaction declares a wrong position.
 *
 * <p>Searches run as a two-stage cascade ({@link Cascade}). Stage 1 compares only the most useful probe templates
 * (single fingers first, then the slaps covering fewest fingers) with the entries' compatible templates; an entry goes
 * on to stage 2, where every compatible pair is compared, when its stage-1 score reaches {@link Cascade#prefilterScore},
 * when it is among the {@link Cascade#topK} best of stage 1, or when stage 1 could not screen it (no template
 * compatible with the stage-1 probes). <b>What the cascade can lose:</b> a mate whose stage-1 fingers score below the
 * pre-filter score and below the K-th best stage-1 score, although another of its fingers would have scored above the
 * decision threshold in stage 2: a poor impression of the stage-1 finger (scar, partial, heavy pressure), or a
 * position declared wrongly for that finger only. {@link Cascade#EXHAUSTIVE} turns the cascade off.
 *
 * <p>Every search first prepares each probe template (SourceAFIS builds a hash table of its minutia pairs): about 10 ms
 * a template in a quiet JVM, but 200–1,100 ms for a tenprint's fourteen during {@code GalleryBenchmark}, where it was
 * most of a search of 10,000 templates (the comparisons then took 210–600 ms, 80–165 ms of them in stage 2).
 *
 * <p>Thread-safe: {@link #put} replaces an entry atomically and a search sees each entry whole, as it was at some point
 * during the search.
 */
public final class GalleryIndex implements AutoCloseable {

    /**
     * The lowest score a search reports by default: 60, above SourceAFIS's own 40 because a search makes tens of
     * thousands of comparisons.
     *
     * <p>Measured on the NIST reference files ({@code GalleryScoresTest} prints them): the same rolled finger across the
     * Type-4 and Type-14 cards scores 1,119–1,178 (the cards hold the same impressions); a rolled thumb against a plain
     * thumb or the two-thumb slap 69–113; a rolled finger against the four-finger slap that shows it only 0–85 (85 for
     * the right middle finger, 36 for the left index, below 6 for the six others: SourceAFIS aligns a whole slap with
     * one finger at most). Non-mates: different fingers of the same person at most 8.2, {@code sample.wsq} (another
     * person) at most 4.4 against all 31 images. (The PIV file's index fingers are lossless JPEG, which the gateway does
     * not decode, so they could not be measured.)
     *
     * <p>By SourceAFIS's documented scale (approximate, not measured here) 40 means a false match rate of 0.01 % per
     * comparison and every further 10 points a tenth of that: at 40, the 20,000 or more comparisons of a search of a
     * 100,000-template gallery (stage 1 alone compares two fingers in ten) would report about two false candidates; at
     * 60 about 0.02. 60 still clears every mate
     * score above except the four-finger slaps', which no threshold above the non-mates would all keep.
     */
    public static final double DEFAULT_THRESHOLD = 60;

    private final FingerprintMatcher matcher;
    private final Cascade cascade;
    private final int parallelism;
    private final ExecutorService pool;
    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger templateCount = new AtomicInteger();

    /** An index with the {@link Cascade#DEFAULT default cascade} on one thread per available processor. */
    public GalleryIndex(FingerprintMatcher matcher) {
        this(matcher, Cascade.DEFAULT, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param matcher     the matcher whose templates the entries and probes hold
     * @param cascade     how searches narrow the gallery down
     * @param parallelism how many threads compare templates, usually the number of processors
     */
    public GalleryIndex(FingerprintMatcher matcher, Cascade cascade, int parallelism) {
        this.matcher = Objects.requireNonNull(matcher, "matcher");
        this.cascade = Objects.requireNonNull(cascade, "cascade");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be one or more");
        }
        this.parallelism = parallelism;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(parallelism, task -> {
            Thread thread = new Thread(task, "gallery-search-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Adds the entry, or replaces its templates. */
    public void put(long entryId, List<GalleryTemplate> templates) {
        Objects.requireNonNull(templates, "templates");
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("an entry needs at least one template");
        }
        Entry entry = new Entry(entryId, templates);
        Entry previous = entries.put(entryId, entry);
        templateCount.addAndGet(entry.size() - (previous == null ? 0 : previous.size()));
    }

    /** Removes the entry; true when it was there. */
    public boolean remove(long entryId) {
        Entry previous = entries.remove(entryId);
        if (previous == null) {
            return false;
        }
        templateCount.addAndGet(-previous.size());
        return true;
    }

    /** How many entries the gallery holds. */
    public int size() {
        return entries.size();
    }

    /** How many templates its entries hold together. */
    public int templateCount() {
        return templateCount.get();
    }

    /**
     * The entries whose score against the probe reaches the threshold, best first (ties by entry id), at most
     * {@code maxCandidates}.
     */
    public List<Hit> search(List<GalleryTemplate> probe, double threshold, int maxCandidates) {
        Objects.requireNonNull(probe, "probe");
        if (maxCandidates < 0) {
            throw new IllegalArgumentException("maxCandidates must be zero or more");
        }
        if (probe.isEmpty() || maxCandidates == 0) {
            return List.of();
        }
        Entry[] gallery = entries.values().toArray(Entry[]::new);
        // Preparing a SourceAFIS probe takes about 10 ms: a tenprint's fourteen are prepared on the pool too.
        Prepared[] all = new Prepared[probe.size()];
        scoreAll(all.length, i -> {
            all[i] = new Prepared(probe.get(i).fingers(), matcher.probe(probe.get(i).template()));
            return 0;
        });
        double[] scores;
        List<Integer> screen = stage1(probe);
        if (cascade.exhaustive() || screen.size() == probe.size()) {
            scores = scoreAll(gallery.length, i -> gallery[i].best(all));
        } else {
            Prepared[] first = screen.stream().map(i -> all[i]).toArray(Prepared[]::new);
            Prepared[] rest = IntStream.range(0, all.length).filter(i -> !screen.contains(i)).mapToObj(i -> all[i])
                    .toArray(Prepared[]::new);
            scores = cascade(gallery, first, rest);
        }
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < gallery.length; i++) {
            if (scores[i] >= threshold) {
                hits.add(new Hit(gallery[i].id(), scores[i]));
            }
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed().thenComparingLong(Hit::entryId));
        return List.copyOf(hits.subList(0, Math.min(maxCandidates, hits.size())));
    }

    /** Stage 1 with the screening probes on every entry, stage 2 with the rest of the probe on the entries that pass. */
    private double[] cascade(Entry[] gallery, Prepared[] screen, Prepared[] rest) {
        double[] scores = scoreAll(gallery.length, i -> gallery[i].best(screen));
        double kth = kthBest(scores, cascade.topK());
        // Entries stage 1 could not screen (NaN) go on: the cascade drops only what it has scored low.
        int[] passed = IntStream.range(0, gallery.length)
                .filter(i -> Double.isNaN(scores[i]) || scores[i] >= cascade.prefilterScore() || scores[i] >= kth)
                .toArray();
        double[] second = scoreAll(passed.length, j -> gallery[passed[j]].best(rest));
        for (int j = 0; j < passed.length; j++) {
            scores[passed[j]] = max(scores[passed[j]], second[j]);
        }
        return scores;
    }

    /** The higher of two scores, NaN meaning no compatible pair was compared. */
    private static double max(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    /**
     * The indexes of the probe templates stage 1 compares: single fingers before plain thumbs before slaps by how few
     * fingers they cover, index fingers and thumbs first (the fingers whose impressions are usually best), skipping a
     * template whose fingers an earlier pick already covers, until the picks cover {@link Cascade#stage1Fingers}
     * fingers. Stage 1 then costs about that many tenths of an exhaustive search of a gallery of rolled fingers.
     */
    List<Integer> stage1(List<GalleryTemplate> probe) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < probe.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> Integer.bitCount(probe.get(i).fingers()))
                .thenComparingInt(i -> kind(probe.get(i).position()))
                .thenComparingInt(i -> preference(probe.get(i).fingers())));
        List<Integer> picked = new ArrayList<>();
        int covered = 0;
        for (int i : order) {
            int fingers = probe.get(i).fingers();
            if ((fingers & ~covered) != 0) {
                picked.add(i);
                covered |= fingers;
            }
            if (Integer.bitCount(covered) >= cascade.stage1Fingers()) {
                break;
            }
        }
        return picked;
    }

    /** Rolled (or unknown) before plain single before slap. */
    private static int kind(int position) {
        return position <= 10 ? 0 : position <= 12 ? 1 : 2;
    }

    /** Index fingers, then thumbs, then middle, ring and little fingers. */
    private static int preference(int fingers) {
        int finger = Integer.numberOfTrailingZeros(fingers);
        return switch (finger) {
            case 2, 7 -> 0;
            case 1, 6 -> 1;
            case 3, 8 -> 2;
            case 4, 9 -> 3;
            default -> 4;
        };
    }

    /** The k-th highest of the scores (NaN ignored): +infinity when k is 0, -infinity when fewer than k are known. */
    private static double kthBest(double[] scores, int k) {
        if (k <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        double[] known = Arrays.stream(scores).filter(s -> !Double.isNaN(s)).sorted().toArray();
        return known.length < k ? Double.NEGATIVE_INFINITY : known[known.length - k];
    }

    /** Scores indexes 0 to n - 1 on the pool, in slices so that uneven entries still keep every thread busy. */
    private double[] scoreAll(int n, IntToDoubleFunction score) {
        double[] scores = new double[n];
        if (n == 0) {
            return scores;
        }
        int slices = Math.min(n, parallelism * 8);
        List<Future<?>> running = new ArrayList<>(slices);
        for (int s = 0; s < slices; s++) {
            int from = (int) ((long) n * s / slices);
            int to = (int) ((long) n * (s + 1) / slices);
            running.add(pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    scores[i] = score.applyAsDouble(i);
                }
            }));
        }
        try {
            for (Future<?> slice : running) {
                slice.get();
            }
        } catch (InterruptedException e) {
            running.forEach(slice -> slice.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("gallery search interrupted", e);
        } catch (ExecutionException e) {
            running.forEach(slice -> slice.cancel(true));
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("gallery search failed", e.getCause());
        }
        return scores;
    }

    /** Stops the search threads; searches after this fail. */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    /**
     * An entry the search found.
     *
     * @param entryId the id it was put under
     * @param score   its best pair score against the probe
     */
    public record Hit(long entryId, double score) {
    }

    /**
     * How a search narrows the gallery down before comparing every pair.
     *
     * @param stage1Fingers  how many fingers the probe templates of stage 1 cover together (a probe that covers no more
     *                       is compared exhaustively at once)
     * @param prefilterScore the stage-1 score from which an entry always goes on to stage 2, well below the decision
     *                       threshold
     * @param topK           how many of the best stage-1 entries go on to stage 2 whatever their score
     */
    public record Cascade(int stage1Fingers, double prefilterScore, int topK) {

        /**
         * Stage 1 covers two fingers (the two index fingers of a tenprint, the two-thumb slap of a slaps transaction);
         * entries scoring 20 or more there (a third of {@link GalleryIndex#DEFAULT_THRESHOLD}, above every non-mate score
         * measured: 8.2 on the NIST files, 13 at most for 1,000 synthetic strangers in {@code GalleryBenchmark}) or
         * among the 50 best go on. Each entry that goes on costs about 20 comparisons with a tenprint probe (10 with a
         * slaps probe), so K is kept small: K = 200 made stage 2 cost twice stage 1 on a 10,000-template gallery.
         */
        public static final Cascade DEFAULT = new Cascade(2, 20, 50);
        /** No cascade: every compatible pair is compared. */
        public static final Cascade EXHAUSTIVE = new Cascade(10, 0, 0);

        /** Whether stage 1 would cover every finger, so that the search compares every pair at once. */
        public boolean exhaustive() {
            return stage1Fingers >= 10;
        }

        public Cascade {
            if (stage1Fingers < 1 || topK < 0 || !(prefilterScore >= 0)) {
                throw new IllegalArgumentException("stage1Fingers must be one or more, topK and prefilterScore zero or more");
            }
        }
    }

    /** A probe template prepared for one search, with its fingers. */
    private record Prepared(int fingers, FingerprintMatcher.Probe probe) {
    }

    /** One entry, its templates' finger sets kept beside them so the pre-filter reads no record. */
    private static final class Entry {

        private final long id;
        private final int[] fingers;
        private final FingerprintMatcher.Template[] templates;

        Entry(long id, List<GalleryTemplate> templates) {
            this.id = id;
            this.fingers = templates.stream().mapToInt(GalleryTemplate::fingers).toArray();
            this.templates = templates.stream().map(GalleryTemplate::template)
                    .toArray(FingerprintMatcher.Template[]::new);
        }

        long id() {
            return id;
        }

        int size() {
            return templates.length;
        }

        /** The best score of the probes against this entry's compatible templates; NaN when no pair is compatible. */
        double best(Prepared[] probes) {
            double best = Double.NaN;
            for (Prepared probe : probes) {
                for (int t = 0; t < templates.length; t++) {
                    if ((probe.fingers() & fingers[t]) != 0) {
                        double score = probe.probe().score(templates[t]);
                        best = max(best, score);
                    }
                }
            }
            return best;
        }
    }
}
