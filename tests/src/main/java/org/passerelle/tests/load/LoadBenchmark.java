package org.passerelle.tests.load;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.BiometricSets;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.NodeSettings;
import org.passerelle.tests.support.PostgresSchema;

/**
 * The end-to-end load benchmark: a GB node and an FR node, each its own JVM started from the gateway's executable jar
 * as in production, on H2 (each node its own file database) or on the machine's PostgreSQL (each node its own schema
 * and roles). GB's back-end submits envelopes of a given size through {@code POST /api/v1/messages} at each offered
 * rate in turn; GB signs, encrypts and sends each over mutual TLS; FR checks, stores, receipts and dispatches it to
 * FR's back-end, an HTTP server here that notes when each message id arrived. For each rate it prints what was
 * offered, taken and delivered per second, the backlog left when the rate stopped, and the end-to-end latency (from
 * GB's back-end calling the API to FR's back-end receiving the message) at the median, 95th and 99th percentile.
 *
 * <p>{@code ./passerelle load [--database h2|postgres] [--rates 10,25,50] [--seconds 30] [--size 10240]
 * [--conversations 0] [--warmup 60] [--type CaseStatusUpdate] [--launch jar|aot] [--node-options '-Xmx256m ...']
 * [--dir data/load]}. {@code --conversations 0}
 * gives each message a conversation of its own; N spreads them round robin over N conversations, each delivered in
 * order. {@code --type} is the sample message sent (any type with a valid sample); {@code BiometricSearchRequest}
 * carries the repository's tenprint card (14 WSQ images, about 1 MiB as the envelope's base64), or, when {@code --size}
 * asks for more than twice that, one uncompressed finger as large as the size (16000000: a 3000 × 4000 image). The warm-up runs the first rate for that many seconds, unreported. Node options are added to both nodes' JVM
 * command lines; {@code {party}} and {@code {dir}} in them become GB or FR and the benchmark's folder (for example
 * {@code -XX:StartFlightRecording=filename={dir}/{party}.jfr,settings=profile} records a profile of each node).
 *
 * <p>Each row also gives the CPU time both node processes used from the start of the step until it drained, per
 * message delivered, and the highest heap in use that each node's Prometheus endpoint reported during the step.
 */
public final class LoadBenchmark {

    private static final String SYSTEM_TOKEN = "load-system-token";
    private static final String ADMIN_TOKEN = "load-admin-token";
    /** The biometric message type: its sample is sent with the repository's tenprint card (about 1 MiB on the wire). */
    private static final String BIOMETRIC = "BiometricSearchRequest";
    private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z_]+)\"");
    private static final Pattern HEAP_USED = Pattern.compile(
            "(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+]+)$");

    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Message id → when GB's back-end began to submit it (System.nanoTime). */
    private final Map<String, Long> submittedAt = new ConcurrentHashMap<>();
    /** Message id → when FR's back-end received it first (System.nanoTime). */
    private final Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
    private final AtomicInteger conversationTurn = new AtomicInteger();
    private final List<String> conversations = new ArrayList<>();
    private byte[] biometric;
    /** The JVM options and jar that start a node (see {@link #launcher}). */
    private List<String> launcher = List.of();

    private LoadBenchmark(Options options) {
        this.options = options;
        for (int i = 0; i < options.conversations(); i++) {
            conversations.add(UUID.randomUUID().toString());
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            new LoadBenchmark(options).run();
            System.exit(0);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    record Options(String database, List<Integer> rates, int seconds, int size, int conversations, Path dir,
                   int warmup, String type, String launch, List<String> nodeOptions) {

        private static String launch(String launch) {
            if (!launch.equals("jar") && !launch.equals("aot")) {
                throw new IllegalArgumentException("--launch is jar or aot");
            }
            return launch;
        }

        private static final String USAGE = "usage: ./passerelle load [--database h2|postgres] [--rates 10,25,50]"
                + " [--seconds 30] [--size 10240] [--conversations 0] [--warmup 60] [--type CaseStatusUpdate]"
                + " [--launch jar|aot] [--node-options '-Xmx256m ...'] [--dir data/load]";
        private static final java.util.Set<String> KNOWN = java.util.Set.of("database", "rates", "seconds", "size",
                "conversations", "warmup", "type", "launch", "node-options", "dir");

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException(USAGE);
            }
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (!args[i].startsWith("--") || !KNOWN.contains(args[i].substring(2))) {
                    throw new IllegalArgumentException(USAGE + " (got " + args[i] + ")");
                }
                given.put(args[i].substring(2), args[i + 1]);
            }
            String database = given.getOrDefault("database", "h2");
            if (!database.equals("h2") && !database.equals("postgres")) {
                throw new IllegalArgumentException("--database is h2 or postgres");
            }
            List<Integer> rates = Arrays.stream(given.getOrDefault("rates", "10,25,50").split(","))
                    .map(String::trim).map(Integer::parseInt).toList();
            return new Options(database, rates, Integer.parseInt(given.getOrDefault("seconds", "30")),
                    Integer.parseInt(given.getOrDefault("size", "10240")),
                    Integer.parseInt(given.getOrDefault("conversations", "0")),
                    Path.of(given.getOrDefault("dir", "data/load")).toAbsolutePath().normalize(),
                    Integer.parseInt(given.getOrDefault("warmup", "60")),
                    given.getOrDefault("type", "CaseStatusUpdate"), launch(given.getOrDefault("launch", "jar")),
                    given.containsKey("node-options") ? List.of(given.get("node-options").trim().split("\\s+")) : List.of());
        }
    }

    void run() throws Exception {
        delete(options.dir());
        Files.createDirectories(options.dir());
        DevPki pki = DevPki.generate(options.dir().resolve("pki"), List.of("GB", "FR"));
        int gbApi = freePort();
        int gbExchange = freePort();
        int frApi = freePort();
        int frExchange = freePort();
        HttpServer gbBackend = backend(freePort(), null);
        HttpServer frBackend = backend(freePort(), arrivedAt);
        List<PostgresSchema> schemas = new ArrayList<>();
        List<Process> nodes = new ArrayList<>();
        try {
            Map<String, Object> gb = settings(pki, "GB", "FR", gbApi, gbExchange, frExchange,
                    gbBackend.getAddress().getPort(), schemas);
            Map<String, Object> fr = settings(pki, "FR", "GB", frApi, frExchange, gbExchange,
                    frBackend.getAddress().getPort(), schemas);
            launcher(gb);
            // One after the other, so that each start-up is the node's own on the machine's two CPUs.
            long launched = System.nanoTime();
            nodes.add(launch("GB", gb));
            double gbReady = awaitReady(gbApi, gbExchange, launched);
            launched = System.nanoTime();
            nodes.add(launch("FR", fr));
            double frReady = awaitReady(frApi, frExchange, launched);

            byte[] probe = envelope();
            System.out.printf(Locale.ROOT, "%nPasserelle end-to-end load: GB → FR, %s, %d-byte %s envelopes, %s;"
                            + " %d CPUs, Java %s%n", options.database(), probe.length, options.type(),
                    options.conversations() == 0 ? "a conversation each" : options.conversations() + " conversations",
                    Runtime.getRuntime().availableProcessors(), Runtime.version());
            System.out.printf(Locale.ROOT, "Start-up to ready (each alone, --launch %s): GB %.1f s, FR %.1f s%n",
                    options.launch(), gbReady, frReady);
            // Warm-up, not reported: the JIT compiles the paths (on two cores this takes minutes, during which a message
            // costs several times its steady CPU), the connection pools fill.
            List<Watched> watched = List.of(new Watched(nodes.get(0), gbApi), new Watched(nodes.get(1), frApi));
            if (options.warmup() > 0) {
                step(gbApi, options.rates().get(0), options.warmup(), watched);
            }
            System.out.printf(Locale.ROOT, "%n%8s %9s %9s %8s %7s %7s %7s %7s %8s %15s %13s  %s%n", "offered", "taken/s",
                    "deliv./s", "backlog", "p50 ms", "p95 ms", "p99 ms", "max ms", "drained", "CPU ms/msg GB+FR",
                    "heap MB GB/FR", "refused");
            for (int rate : options.rates()) {
                Step result = step(gbApi, rate, options.seconds(), watched);
                System.out.println(result.row(rate));
            }
            System.out.printf("%nNode logs and data in %s%n", options.dir());
        } finally {
            for (Process node : nodes) {
                node.destroy();
            }
            for (Process node : nodes) {
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
            gbBackend.stop(0);
            frBackend.stop(0);
            schemas.forEach(PostgresSchema::drop);
        }
    }

    /** One offered rate for a while: what was taken, delivered, and how late. */
    private Step step(int apiPort, int rate, int seconds, List<Watched> watched) throws InterruptedException {
        long cpuBefore = watched.stream().mapToLong(Watched::cpuNanos).sum();
        watched.forEach(w -> w.heapPeak().set(0));
        Thread heapWatch = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                watched.forEach(this::sampleHeap);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        int total = rate * seconds;
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                senders.submit(() -> submit(apiPort, ids, refused));
            }
            senders.shutdown();
            senders.awaitTermination(5, TimeUnit.MINUTES);
        }
        long offeredFor = System.nanoTime() - start;
        List<String> taken = List.copyOf(ids);
        long backlog = taken.stream().filter(id -> !arrivedAt.containsKey(id)).count();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline && taken.stream().anyMatch(id -> !arrivedAt.containsKey(id))) {
            Thread.sleep(100);
        }
        long drained = System.nanoTime() - start;
        heapWatch.interrupt();
        heapWatch.join();
        long cpu = watched.stream().mapToLong(Watched::cpuNanos).sum() - cpuBefore;
        long lastArrival = taken.stream().map(arrivedAt::get).filter(java.util.Objects::nonNull)
                .mapToLong(Long::longValue).max().orElse(start);
        long[] latencies = taken.stream().filter(arrivedAt::containsKey)
                .mapToLong(id -> arrivedAt.get(id) - submittedAt.get(id)).sorted().toArray();
        long delivered = latencies.length;
        return new Step(taken.size() / (offeredFor / 1e9), delivered / ((lastArrival - start) / 1e9), backlog,
                taken.size() - delivered, latencies, drained / 1e9, delivered == 0 ? Double.NaN : cpu / 1e6 / delivered,
                watched.get(0).heapPeak.get() / 1048576, watched.get(1).heapPeak.get() / 1048576,
                new TreeMap<>(refused));
    }

    /** A node's process and API port, with the highest heap use sampled during the current step. */
    record Watched(Process process, int apiPort, java.util.concurrent.atomic.AtomicLong heapPeak) {

        Watched(Process process, int apiPort) {
            this(process, apiPort, new java.util.concurrent.atomic.AtomicLong());
        }

        long cpuNanos() {
            return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
    }

    /** Notes the node's heap in use (all areas, as its Prometheus endpoint reports it) if higher than seen so far. */
    private void sampleHeap(Watched node) {
        try {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + node.apiPort() + "/actuator/prometheus"))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher used = HEAP_USED.matcher(metrics.body());
            long heap = 0;
            while (used.find()) {
                heap += (long) Double.parseDouble(used.group(1));
            }
            node.heapPeak().accumulateAndGet(heap, Math::max);
        } catch (IOException | RuntimeException e) {
            // A sample missed under load; the next one counts.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record Step(double takenPerSecond, double deliveredPerSecond, long backlog, long lost, long[] latencies,
                double drainedAfter, double cpuMillisPerMessage, long gbHeapMb, long frHeapMb,
                Map<String, AtomicInteger> refused) {

        String row(int rate) {
            return String.format(Locale.ROOT, "%6d/s %9.1f %9.1f %8d %7.0f %7.0f %7.0f %7.0f %6.1f s %15.1f %13s  %s",
                    rate, takenPerSecond, deliveredPerSecond, backlog, percentile(0.50), percentile(0.95),
                    percentile(0.99), percentile(1.0), drainedAfter, cpuMillisPerMessage, gbHeapMb + "/" + frHeapMb,
                    (refused.isEmpty() ? "none" : refused.toString())
                            + (lost > 0 ? "; " + lost + " not delivered within 3 minutes" : ""));
        }

        private double percentile(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p * latencies.length) - 1;
            return latencies[Math.max(0, Math.min(latencies.length - 1, index))] / 1e6;
        }
    }

    private void submit(int apiPort, List<String> ids, Map<String, AtomicInteger> refused) {
        byte[] xml = envelope();
        String id = Envelopes.header(xml, "MessageId");
        submittedAt.put(id, System.nanoTime());
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + apiPort + "/api/v1/messages"))
                    .header("Content-Type", "application/xml").header("Authorization", "Bearer " + SYSTEM_TOKEN)
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 202) {
                ids.add(id);
            } else {
                Matcher code = CODE.matcher(answer.body());
                refused.computeIfAbsent(answer.statusCode() + (code.find() ? " " + code.group(1) : ""),
                        k -> new AtomicInteger()).incrementAndGet();
            }
        } catch (IOException e) {
            refused.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A fresh envelope, padded with whitespace between its elements to the size asked for (never shorter). */
    private byte[] envelope() {
        String conversation = conversations.isEmpty() ? UUID.randomUUID().toString()
                : conversations.get(Math.floorMod(conversationTurn.getAndIncrement(), conversations.size()));
        byte[] sample;
        if (options.type().equals(BIOMETRIC)) {
            // Declaring the card (reading it) once; each message is the same card under a fresh id.
            sample = Envelopes.withHeader(Envelopes.withHeader(biometricSample(), "MessageId",
                    UUID.randomUUID().toString()), "ConversationId", conversation);
        } else {
            sample = Envelopes.sample(options.type(), "GB", "FR", conversation);
        }
        String xml = new String(sample, StandardCharsets.UTF_8);
        int missing = options.size() - xml.getBytes(StandardCharsets.UTF_8).length;
        if (missing > 0) {
            StringBuilder padding = new StringBuilder(missing);
            while (padding.length() < missing) {
                padding.append(padding.length() % 100 == 99 ? '\n' : ' ');
            }
            xml = xml.replace("</env:Body>", padding + "</env:Body>");
        }
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private synchronized byte[] biometricSample() {
        if (biometric == null) {
            biometric = BiometricSets.withTransaction(Envelopes.sample(BIOMETRIC, "GB", "FR"), BiometricSets.TENPRINT_CARD);
            if (options.size() > 2 * biometric.length) {
                // Asked for far more than the card: one uncompressed finger that fills the size, so that the body is
                // fingerprint data to decode, check and store (as the largest real messages are), not padding.
                int width = 3000;
                int height = (int) Math.max(1, (long) options.size() * 3 / 4 / width);
                biometric = BiometricSets.withTransaction(Envelopes.sample(BIOMETRIC, "GB", "FR"),
                        BiometricSets.uncompressedFinger(width, height, 2, 1));
            }
        }
        return biometric;
    }

    private Map<String, Object> settings(DevPki pki, String party, String partner, int apiPort, int exchangePort,
                                         int partnerExchangePort, int backendPort, List<PostgresSchema> schemas) {
        Map<String, Object> p = new LinkedHashMap<>(NodeSettings.of(pki, options.dir().resolve("node-" + party), party,
                partner, apiPort, exchangePort, partnerExchangePort, backendPort, SYSTEM_TOKEN, ADMIN_TOKEN));
        p.put("passerelle.node.node-id", party + "-load");
        // The partner may send as fast as the benchmark offers (600 a minute by default).
        p.put("passerelle.partners." + partner + ".rate-per-minute", 1_000_000);
        p.put("passerelle.search-limits.searches-per-day", 100_000_000);
        p.put("logging.file.name", options.dir().resolve(party + ".log").toString());
        p.put("logging.threshold.console", "WARN");
        if (options.database().equals("postgres")) {
            PostgresSchema schema = PostgresSchema.create("load_" + party);
            schemas.add(schema);
            p.putAll(schema.settings());
        }
        return p;
    }

    private Process launch(String party, Map<String, Object> settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+ExitOnOutOfMemoryError"));
        for (String option : options.nodeOptions()) {
            command.add(option.replace("{party}", party).replace("{dir}", options.dir().toString()));
        }
        command.addAll(launcher);
        command.addAll(List.of(NodeSettings.asArguments(settings)));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(options.dir().resolve(party + ".out").toFile()).start();
    }

    /**
     * How the nodes' JVMs are started: {@code jar}, the executable jar as it is built; {@code aot}, the jar extracted
     * ({@code -Djarmode=tools extract}) and started with an ahead-of-time cache (JDK 25, JEP 514/515) recorded first by
     * a training run (a node that refreshes its context and exits, on an H2 folder of its own). README's start-up
     * figures compare the two.
     */
    private void launcher(Map<String, Object> settings) throws IOException, InterruptedException {
        if (options.launch().equals("jar")) {
            launcher = List.of("-jar", gatewayJar().toString());
            return;
        }
        Path app = options.dir().resolve("app");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        run(List.of(java, "-Djarmode=tools", "-jar", gatewayJar().toString(), "extract", "--destination", app.toString()),
                "extracting the jar");
        Path jar = app.resolve(gatewayJar().getFileName());
        Path cache = app.resolve("passerelle.aot");
        Map<String, Object> training = new LinkedHashMap<>(settings);
        training.keySet().removeIf(key -> key.startsWith("spring.datasource") || key.startsWith("spring.flyway"));
        training.put("passerelle.node.data-dir", options.dir().resolve("training").toString());
        List<String> train = new ArrayList<>(List.of(java, "-XX:AOTCacheOutput=" + cache,
                "-Dspring.context.exit=onRefresh", "-jar", jar.toString()));
        train.addAll(List.of(NodeSettings.asArguments(training)));
        long started = System.nanoTime();
        run(train, "the ahead-of-time cache's training run");
        System.out.printf(Locale.ROOT, "Ahead-of-time cache recorded in %.1f s (%d MB)%n",
                (System.nanoTime() - started) / 1e9, Files.size(cache) / 1048576);
        launcher = List.of("-XX:AOTCache=" + cache, "-jar", jar.toString());
    }

    private void run(List<String> command, String what) throws IOException, InterruptedException {
        Path log = options.dir().resolve("launcher.out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(what + " failed; see " + log);
        }
    }

    /** Seconds from {@code launched} until the node answers its health check and its partner port takes connections. */
    private double awaitReady(int apiPort, int exchangePort, long launched) throws InterruptedException {
        long deadline = launched + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + apiPort + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200 && accepts(exchangePort)) {
                    return (System.nanoTime() - launched) / 1e9;
                }
            } catch (IOException notYet) {
                // Starting.
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("A node did not become ready within 3 minutes; see " + options.dir());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A back-end that takes every envelope; with {@code arrivals}, it notes when each message id first arrived. */
    private static HttpServer backend(int port, Map<String, Long> arrivals) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", port), 256);
        server.createContext(NodeSettings.INBOUND_PATH, exchange -> {
            long at = System.nanoTime();
            try (exchange; InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
                String id = exchange.getRequestHeaders().getFirst("X-Passerelle-Message-Id");
                if (arrivals != null && id != null) {
                    arrivals.putIfAbsent(id, at);
                }
                exchange.sendResponseHeaders(202, -1);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        return server;
    }

    /** The gateway's executable jar, as {@code ./passerelle load} builds it. */
    private static Path gatewayJar() throws IOException {
        Path target = Path.of("gateway", "target").toAbsolutePath();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "passerelle-gateway-*-exec.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IllegalStateException("No executable gateway jar in " + target + ": run ./passerelle load");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
