package org.passerelle.tests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.contracts.biometrics.NistTransactionCheck;
import org.passerelle.gateway.gallery.FingerprintMatcher;
import org.passerelle.gateway.gallery.GalleryIndex;
import org.passerelle.gateway.gallery.GalleryTemplate;
import org.passerelle.gateway.gallery.GalleryTemplates;
import org.passerelle.gateway.gallery.SourceAfisMatcher;

/**
 * The fingerprint gallery: SourceAFIS template extraction (one rolled finger of the NIST tenprint card, extractions
 * per second) and 1:N searches (milliseconds each) of galleries of 10,000 and 100,000 templates with the default
 * cascade, probed with the Type-14 tenprint card (14 images) and with the slaps transaction (3 images).
 *
 * <p>The gallery holds the NIST person's enrolment (ten rolled fingers of the Type-4 card) as the one mate, and
 * synthetic entries of ten templates each. A synthetic template is written in SourceAFIS's own serialized form (CBOR
 * of minutia positions, directions and types) and read back through {@link SourceAfisMatcher#read}, so it costs the
 * matcher what a real one does: its minutia count and extent follow the card's rolled templates (count drawn around
 * their mean and spread, positions inside an ellipse of a real template's size, no two minutiae closer than 10 px,
 * as ridges about 9 px apart allow), and directions follow a smooth ridge flow (the Sherlock–Monro zero-pole model with
 * a core and a delta at random places, plus noise, either way along the ridge), because uniformly random directions
 * would make non-mates easier to reject than real ones. Distorted copies of the real images were not used: SourceAFIS
 * tolerates rotation and cropping, so they would be mates of the real person, not strangers. What the synthetic
 * templates cannot show is the tail of real non-mate scores (look-alike patterns of real fingers): they measure speed
 * and the cascade's recall of the mate, not false matches.
 *
 * <p>At set-up the benchmark prints the gallery's memory: serialized template bytes, and the heap the index retains,
 * measured as the used heap after forced garbage collection with and without the index (an approximation: the JVM may
 * not collect everything on request; the set-up's own lists of the entries, some 35 bytes a template, are
 * counted in). Once, at set-up, it also searches the same templates without the cascade and prints both results and
 * times. After each iteration it checks that the last search found the mate first and
 * fails otherwise. Reads the samples from {@code contracts/src/test/resources/biometric-samples/} under the working
 * directory (or the {@code passerelle.samples} system property): run it from the repository's root.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx12g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class GalleryBenchmark {

    static final long MATE = 0;
    static final SourceAfisMatcher MATCHER = new SourceAfisMatcher();
    static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    /** One rolled finger of the card, for extraction. */
    @State(Scope.Benchmark)
    public static class Image {

        FingerprintImage rolledIndex;

        @Setup(Level.Trial)
        public void load() {
            rolledIndex = images("type-4-tpcard.an2").stream().filter(i -> i.position() == 2).findFirst().orElseThrow();
        }
    }

    /** A gallery of the mate and synthetic strangers, and the two probes. */
    @State(Scope.Benchmark)
    public static class Gallery {

        @Param({"10000", "100000"})
        public int templates;

        GalleryIndex index;
        List<GalleryTemplate> tenprint;
        List<GalleryTemplate> slaps;
        volatile List<GalleryIndex.Hit> last;
        volatile String lastProbe;

        @Setup(Level.Trial)
        public void build() {
            List<GalleryTemplate> mate = extract(GalleryTemplates.forEnrolment(images("type-4-tpcard.an2")));
            tenprint = extract(GalleryTemplates.forSearch(images("type-14-tpcard-nqm.an2")));
            slaps = extract(GalleryTemplates.forSearch(images("type-4-14-slaps.an2")));
            Shape shape = Shape.of(mate);
            int strangers = templates / 10 - 1;
            System.out.printf("%nreal rolled templates: %.0f ± %.0f minutiae, %d × %d px to %d × %d px%n",
                    shape.meanCount, shape.sdCount, shape.minWidth, shape.minHeight, shape.maxWidth, shape.maxHeight);

            List<byte[][]> serialized = IntStream.range(0, strangers).parallel()
                    .mapToObj(e -> IntStream.rangeClosed(1, 10)
                            .mapToObj(finger -> shape.synthetic(new SplittableRandom(e * 16L + finger)))
                            .toArray(byte[][]::new))
                    .toList();
            long serializedBytes = serialized.stream().flatMap(java.util.Arrays::stream).mapToLong(b -> b.length).sum()
                    + mate.stream().mapToLong(t -> t.template().serialized().length).sum();
            long before = usedHeap();
            index = new GalleryIndex(MATCHER);
            index.put(MATE, mate);
            List<List<GalleryTemplate>> entries = IntStream.range(0, strangers).parallel().mapToObj(e -> {
                List<GalleryTemplate> entry = new ArrayList<>(10);
                for (int finger = 1; finger <= 10; finger++) {
                    entry.add(new GalleryTemplate(finger, MATCHER.read(serialized.get(e)[finger - 1])));
                }
                index.put(e + 1, entry);
                return entry;
            }).toList();
            long retained = usedHeap() - before;
            int count = index.templateCount();
            System.out.printf("gallery: %d entries, %d templates; serialized %.1f MB, retained heap %.1f MB"
                            + " (per 100,000 templates: %.0f MB serialized, %.0f MB heap)%n",
                    index.size(), count, serializedBytes / 1e6, retained / 1e6,
                    serializedBytes / 1e6 * 100_000 / count, retained / 1e6 * 100_000 / count);
            // Synthetic strangers are only as good a stand-in as they are costly to compare: time both kinds.
            FingerprintMatcher.Probe index2 = MATCHER.probe(tenprint.stream().filter(t -> t.position() == 2)
                    .findFirst().orElseThrow().template());
            List<FingerprintMatcher.Template> realStrangers = mate.stream().filter(t -> t.position() != 2)
                    .map(GalleryTemplate::template).toList();
            List<FingerprintMatcher.Template> synthetic = entries.stream().limit(200)
                    .flatMap(entry -> entry.stream().map(GalleryTemplate::template)).toList();
            System.out.printf("comparisons a second on one thread, probe rolled 2 (Type-14 card): against the card's"
                            + " nine other fingers %.0f, against synthetic strangers %.0f%n",
                    pairsPerSecond(index2, realStrangers), pairsPerSecond(index2, synthetic));
            // The same templates without the cascade, searched once: what the cascade saves, and that it loses nothing here.
            try (GalleryIndex exhaustive = new GalleryIndex(MATCHER, GalleryIndex.Cascade.EXHAUSTIVE,
                    Runtime.getRuntime().availableProcessors())) {
                exhaustive.put(MATE, mate);
                for (int e = 0; e < entries.size(); e++) {
                    exhaustive.put(e + 1, entries.get(e));
                }
                for (String probe : List.of("tenprint", "slaps")) {
                    List<GalleryTemplate> templates = probe.equals("tenprint") ? tenprint : slaps;
                    long start = System.nanoTime();
                    List<GalleryIndex.Hit> cascaded = index.search(templates, GalleryIndex.DEFAULT_THRESHOLD, 10);
                    long cascadedMs = (System.nanoTime() - start) / 1_000_000;
                    start = System.nanoTime();
                    List<GalleryIndex.Hit> all = exhaustive.search(templates, GalleryIndex.DEFAULT_THRESHOLD, 10);
                    System.out.printf("first %s search: cascade %d ms, hits %s; exhaustive %d ms, hits %s%n", probe,
                            cascadedMs, cascaded, (System.nanoTime() - start) / 1_000_000, all);
                }
            }
        }

        @TearDown(Level.Iteration)
        public void mateFound() {
            if (last == null) {
                return;
            }
            boolean found = !last.isEmpty() && last.getFirst().entryId() == MATE;
            System.out.printf("%n%s probe: mate found first: %s (%s)%n", lastProbe, found,
                    last.isEmpty() ? "no hit" : "score " + Math.round(last.getFirst().score()) + ", " + last.size()
                            + " hit(s)");
            if (!found) {
                throw new IllegalStateException("the cascade lost the mate");
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            index.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public FingerprintMatcher.Template extract(Image image) {
        return MATCHER.extract(image.rolledIndex);
    }

    @Benchmark
    public List<GalleryIndex.Hit> searchTenprint(Gallery gallery) {
        gallery.lastProbe = "tenprint";
        return gallery.last = gallery.index.search(gallery.tenprint, GalleryIndex.DEFAULT_THRESHOLD, 10);
    }

    @Benchmark
    public List<GalleryIndex.Hit> searchSlaps(Gallery gallery) {
        gallery.lastProbe = "slaps";
        return gallery.last = gallery.index.search(gallery.slaps, GalleryIndex.DEFAULT_THRESHOLD, 10);
    }

    static List<FingerprintImage> images(String file) {
        Path dir = Path.of(System.getProperty("passerelle.samples", "contracts/src/test/resources/biometric-samples"));
        try {
            return new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES)
                    .images(Files.readAllBytes(dir.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("run from the repository's root, or set -Dpasserelle.samples", e);
        }
    }

    static List<GalleryTemplate> extract(List<FingerprintImage> images) {
        return images.parallelStream().map(i -> new GalleryTemplate(i.position(), MATCHER.extract(i))).toList();
    }

    /** Compares the probe with the candidates for about two seconds (after one second of warm-up) on this thread. */
    static double pairsPerSecond(FingerprintMatcher.Probe probe, List<FingerprintMatcher.Template> candidates) {
        double sink = 0;
        long pairs = 0;
        long start = System.nanoTime();
        long measureFrom = 0;
        while (System.nanoTime() - start < 3_000_000_000L) {
            if (measureFrom == 0 && System.nanoTime() - start > 1_000_000_000L) {
                measureFrom = System.nanoTime();
                pairs = 0;
            }
            sink += probe.score(candidates.get((int) (pairs % candidates.size())));
            pairs++;
        }
        if (sink < 0) {
            throw new IllegalStateException("scores are never negative");
        }
        return pairs / ((System.nanoTime() - measureFrom) / 1e9);
    }

    static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** The minutia counts and extents of real templates, and synthetic templates drawn from them. */
    record Shape(double meanCount, double sdCount, int minWidth, int minHeight, int maxWidth, int maxHeight) {

        static Shape of(List<GalleryTemplate> real) {
            double[] counts = new double[real.size()];
            int minW = Integer.MAX_VALUE;
            int minH = Integer.MAX_VALUE;
            int maxW = 0;
            int maxH = 0;
            for (int i = 0; i < real.size(); i++) {
                Map<?, ?> fields = read(real.get(i).template().serialized());
                counts[i] = ((String) fields.get("types")).length();
                int w = ((Number) fields.get("width")).intValue();
                int h = ((Number) fields.get("height")).intValue();
                minW = Math.min(minW, w);
                minH = Math.min(minH, h);
                maxW = Math.max(maxW, w);
                maxH = Math.max(maxH, h);
            }
            double mean = java.util.Arrays.stream(counts).average().orElseThrow();
            double sd = Math.sqrt(java.util.Arrays.stream(counts).map(c -> (c - mean) * (c - mean)).sum() / counts.length);
            return new Shape(mean, sd, minW, minH, maxW, maxH);
        }

        /** One synthetic template in SourceAFIS's serialized form. */
        byte[] synthetic(SplittableRandom random) {
            int width = minWidth + random.nextInt(maxWidth - minWidth + 1);
            int height = minHeight + random.nextInt(maxHeight - minHeight + 1);
            int count = (int) Math.max(10, Math.round(meanCount + sdCount * gaussian(random)));
            double coreX = width * (0.3 + 0.4 * random.nextDouble());
            double coreY = height * (0.25 + 0.3 * random.nextDouble());
            double deltaX = width * random.nextDouble();
            double deltaY = coreY + height * (0.2 + 0.3 * random.nextDouble());
            double rotation = 0.3 * gaussian(random);
            List<int[]> points = new ArrayList<>();
            for (int attempt = 0; points.size() < count && attempt < count * 50; attempt++) {
                int x = random.nextInt(width);
                int y = random.nextInt(height);
                double ex = (x - width / 2.0) / (width / 2.0);
                double ey = (y - height / 2.0) / (height / 2.0);
                if (ex * ex + ey * ey > 1 || points.stream().anyMatch(p -> sq(p[0] - x) + sq(p[1] - y) < 100)) {
                    continue;
                }
                points.add(new int[] {x, y});
            }
            short[] xs = new short[points.size()];
            short[] ys = new short[points.size()];
            float[] directions = new float[points.size()];
            char[] types = new char[points.size()];
            for (int i = 0; i < points.size(); i++) {
                int x = points.get(i)[0];
                int y = points.get(i)[1];
                // Zero-pole model: the ridge orientation turns by half the angle around the core, back around the delta.
                double flow = 0.5 * (Math.atan2(y - coreY, x - coreX) - Math.atan2(y - deltaY, x - deltaX)) + rotation;
                double direction = flow + (random.nextBoolean() ? Math.PI : 0) + 0.15 * gaussian(random);
                double normalized = direction - 2 * Math.PI * Math.floor(direction / (2 * Math.PI));
                xs[i] = (short) x;
                ys[i] = (short) y;
                directions[i] = normalized >= 2 * Math.PI ? 0 : (float) normalized;
                if (directions[i] >= (float) (2 * Math.PI)) {
                    directions[i] = 0;
                }
                types[i] = random.nextBoolean() ? 'B' : 'E';
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("version", "3.18.1-java");
            fields.put("width", (short) width);
            fields.put("height", (short) height);
            fields.put("positionsX", xs);
            fields.put("positionsY", ys);
            fields.put("directions", directions);
            fields.put("types", new String(types));
            try {
                return CBOR.writeValueAsBytes(fields);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Map<?, ?> read(byte[] serialized) {
            try {
                return CBOR.readValue(serialized, Map.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static double gaussian(SplittableRandom random) {
            return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
        }

        private static int sq(int v) {
            return v * v;
        }
    }
}
