package org.passerelle.tests.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.passerelle.security.pki.DevPki;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * One gateway node run as its own operating-system process from the gateway's executable jar, so that a test can
 * kill it with SIGKILL ({@link #kill()}) and start it again on the same data folder and ports. Output goes to a log
 * file; every process still running when the test JVM ends is killed.
 *
 * <p>The jar is {@code -Dpasserelle.gateway.jar} when set, else {@code ../gateway/target/passerelle-gateway-*-exec.jar}
 * seen from the tests module (Failsafe's working directory), built by the gateway's {@code package} phase.
 */
public final class ProcessNode implements AutoCloseable {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Random RANDOM = new Random();
    /** Ports this JVM handed out already: a test may choose several before it binds any. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** A call's limit: generous, since a node just restarted on a busy 2-core machine can take seconds to answer. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static Launcher launcher;
    private static boolean trainingTried;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ProcessNode::killTree)));
    }

    private final String party;
    private final int apiPort;
    private final int exchangePort;
    private final Map<String, Object> properties;
    private final Path log;
    private final List<String> jvmOptions = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    public ProcessNode(String party, int apiPort, int exchangePort, Map<String, Object> properties, Path log) {
        this.party = party;
        this.apiPort = apiPort;
        this.exchangePort = exchangePort;
        this.properties = new LinkedHashMap<>(properties);
        this.log = log;
    }

    /**
     * The settings of a test node, as {@link Exchange} gives its in-JVM nodes: keys from the development PKI, the
     * partner at {@code partnerExchangePort}, the test tokens, the back-end at {@code backendPort}, short timings; on
     * PostgreSQL a schema of its own, dropped when the test JVM ends.
     */
    public static Map<String, Object> settings(DevPki pki, Path dir, String party, String partner, int apiPort,
                                               int exchangePort, int partnerExchangePort, int backendPort,
                                               Map<String, Object> extra) {
        return Exchange.properties(pki, dir, party, partner, apiPort, exchangePort, partnerExchangePort, backendPort,
                PostgresSchema.forNode(party, dir), extra);
    }

    /**
     * A free port for a node, below the system's ephemeral range: a node binds its ports seconds after they are chosen
     * and again after every restart, and in between another test's {@code bind(0)} or outgoing connection (in this JVM
     * or in another fork) could be handed a port from the ephemeral range, but never one below it. No port is handed
     * out twice in a build: each is reserved, across the suite's forks, by a file named after it in
     * {@code passerelle.test.ports} (the build's folder), so that two forks never choose the same port before either
     * has bound it.
     */
    public static int freePort() {
        int low = 32768;
        try {
            // readAllLines, not readString: the latter has read a single byte of this procfs file.
            low = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0)
                    .trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // Not Linux: the usual range.
        }
        if (low < 16384) {
            return anyFreePort();
        }
        int from = low - 12000;
        for (int i = 0; i < 200; i++) {
            int port = from + RANDOM.nextInt(low - from);
            if (!HANDED_OUT.add(port) || !reserved(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // Try another.
            }
        }
        return anyFreePort();
    }

    /** Reserves the port for this build, across forks; true when no other fork had it. */
    private static boolean reserved(int port) {
        String folder = System.getProperty("passerelle.test.ports");
        if (folder == null || folder.isBlank()) {
            return true;
        }
        try {
            Path dir = Files.createDirectories(Path.of(folder));
            Files.createFile(dir.resolve(Integer.toString(port)));
            return true;
        } catch (java.nio.file.FileAlreadyExistsException taken) {
            return false;
        } catch (IOException e) {
            return true; // no folder to reserve in: as before, the bind check alone
        }
    }

    private static int anyFreePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway's executable jar. */
    public static Path gatewayJar() {
        String configured = System.getProperty("passerelle.gateway.jar");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path target = Path.of("..", "gateway", "target").toAbsolutePath().normalize();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "passerelle-gateway-*-exec.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (IOException e) {
            // Reported below.
        }
        throw new IllegalStateException("No executable gateway jar in " + target
                + ": build the gateway first (mvn -pl gateway package) or set -Dpasserelle.gateway.jar");
    }

    /** Adds options to the node's JVM (e.g. {@code -Xmx256m}) for its next starts. */
    public ProcessNode jvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /** Launches the node's process without waiting for it (see {@link #awaitReady()}). */
    public synchronized ProcessNode launch() {
        if (running()) {
            return this;
        }
        try {
            Files.createDirectories(log.getParent());
            Launcher launcher = launcher();
            if (!Files.exists(launcher.archive()) && firstToTrain()) {
                train(launcher);
            }
            note("start " + (starts + 1));
            String archive = Files.exists(launcher.archive()) ? "-XX:SharedArchiveFile=" + launcher.archive() : null;
            process = new ProcessBuilder(command(launcher, archive))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start node " + party, e);
        }
        RUNNING.add(process);
        starts++;
        return this;
    }

    private static synchronized boolean firstToTrain() {
        boolean first = !trainingTried;
        trainingTried = true;
        return first;
    }

    /**
     * Starts the node once only to refresh its context and exit, dumping the classes it loaded into a class-data
     * archive that every later start maps (a few seconds less per start on a small machine). Without an archive the
     * JVM simply starts slower.
     */
    private void train(Launcher launcher) throws IOException {
        Path partial = launcher.archive().resolveSibling("app-" + ProcessHandle.current().pid() + ".jsa.part");
        note("class-data archive training run");
        List<String> command = command(launcher, "-XX:ArchiveClassesAtExit=" + partial);
        command.add(command.indexOf("-jar"), "-Dspring.context.exit=onRefresh");
        Process training = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        RUNNING.add(training);
        try {
            if (training.waitFor(3, TimeUnit.MINUTES) && training.exitValue() == 0 && Files.exists(partial)) {
                Files.move(partial, launcher.archive(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            killTree(training);
            RUNNING.remove(training);
            Files.deleteIfExists(partial);
        }
    }

    private List<String> command(Launcher launcher, String archiveOption) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (jvmOptions.stream().noneMatch(option -> option.matches("-XX:\\+Use\\w+GC"))) {
            command.add("-XX:+UseSerialGC"); // a test's own choice of collector stands
        }
        command.add("-XX:TieredStopAtLevel=1");
        // As in production: a node out of memory exits (and is restarted by its supervisor) rather than live on deaf.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.addAll(jvmOptions);
        if (archiveOption != null) {
            command.add(archiveOption);
        }
        command.add("-jar");
        command.add(launcher.jar().toString());
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        return command;
    }

    private void note(String what) throws IOException {
        Files.writeString(log, "==== " + what + " of " + party + " at " + Instant.now() + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The gateway jar extracted to plain jars (quicker to start than the nested executable jar), and its archive. */
    record Launcher(Path jar, Path archive) {
    }

    /**
     * Extracts the executable jar once per jar and JDK into {@code target/gateway-launch/} (Spring Boot's
     * {@code -Djarmode=tools extract}); later runs reuse it. A test JVM keeps the build it first took, even when
     * the jar is rebuilt meanwhile, so that every restart of a node runs the same code.
     */
    static synchronized Launcher launcher() {
        if (launcher == null) {
            // The jar may be being rebuilt by another build at this moment: try again until it extracts.
            Launcher[] extracted = new Launcher[1];
            await("extracting the gateway jar").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> (extracted[0] = extract(gatewayJar())) != null);
            launcher = extracted[0];
        }
        return launcher;
    }

    /** The extracted jar, extracting it unless done before; null when extraction failed. */
    private static Launcher extract(Path executable) throws IOException, InterruptedException {
        String key = Integer.toHexString((executable.toAbsolutePath() + "|" + Files.getLastModifiedTime(executable)
                + "|" + Files.size(executable) + "|" + Runtime.version()).hashCode());
        Path home = Path.of("target", "gateway-launch").toAbsolutePath();
        Path extracted = home.resolve(key);
        Path jar = extracted.resolve(executable.getFileName());
        if (!Files.exists(jar)) {
            Path partial = home.resolve(key + "-" + ProcessHandle.current().pid() + ".part");
            Exchange.delete(partial);
            Files.createDirectories(home);
            Process extract = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-Djarmode=tools", "-jar", executable.toString(), "extract", "--destination", partial.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean done = extract.waitFor(2, TimeUnit.MINUTES) && extract.exitValue() == 0;
            extract.destroyForcibly();
            if (!done) {
                Exchange.delete(partial);
                return null;
            }
            try {
                Files.move(partial, extracted, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                Exchange.delete(partial); // another run extracted the same jar meanwhile
            }
        }
        return new Launcher(jar, extracted.resolve("app.jsa"));
    }

    /** Waits until the back-end API answers its health check and the exchange port takes connections. */
    public ProcessNode awaitReady() {
        Process started = process;
        await("node " + party + " ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("Node " + party + " exited with " + started.exitValue()
                                + " while starting; see " + log);
                    }
                    HttpResponse<Void> health = http.send(HttpRequest.newBuilder(api("/actuator/health"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    return health.statusCode() == 200 && accepts(exchangePort);
                });
        return this;
    }

    /** Launches the node and waits until it is ready. */
    public ProcessNode start() {
        return launch().awaitReady();
    }

    /** Launches the nodes side by side, then waits until each is ready. */
    public static void startAll(ProcessNode... nodes) {
        for (ProcessNode node : nodes) {
            node.launch();
        }
        for (ProcessNode node : nodes) {
            node.awaitReady();
        }
    }

    /** Starts the node again if a test before this one left it killed. */
    public static void ensureRunning(ProcessNode node) {
        if (!node.running()) {
            node.start();
        }
    }

    /** Kills each node there is (a test class's clean-up: nulls are those never made). */
    public static void killAll(ProcessNode... nodes) {
        for (ProcessNode node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    /** SIGKILL to the node's process (and any process it started), then waits until it is gone. */
    public synchronized void kill() {
        if (process != null) {
            killTree(process);
            RUNNING.remove(process);
            process = null;
        }
    }

    private static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** How many times this node's process was started. */
    public int starts() {
        return starts;
    }

    public String party() {
        return party;
    }

    public int apiPort() {
        return apiPort;
    }

    public int exchangePort() {
        return exchangePort;
    }

    public Path log() {
        return log;
    }

    public URI api(String path) {
        return URI.create("http://localhost:" + apiPort + path);
    }

    /** POSTs an envelope to the back-end API with the system token. */
    public HttpResponse<String> submit(byte[] xml) {
        return send(HttpRequest.newBuilder(api("/api/v1/messages"))
                .header("Content-Type", "application/xml")
                .header("Authorization", "Bearer " + Node.SYSTEM_TOKEN)
                .timeout(CALL_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build());
    }

    /** GETs a path of the back-end API with the system token. */
    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(api(path))
                .header("Authorization", "Bearer " + Node.SYSTEM_TOKEN)
                .timeout(CALL_TIMEOUT)
                .GET().build());
    }

    /** The message as the API shows it ({@code message} and {@code history}); empty when the node does not know it. */
    public Optional<JsonNode> message(String messageId) {
        HttpResponse<String> response = get("/api/v1/messages/" + messageId);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Node " + party + " answered " + response.statusCode() + " for message "
                    + messageId + ": " + response.body());
        }
        return Optional.of(JSON.readTree(response.body()));
    }

    /** The message's current status on this node; empty when the node does not know it. */
    public Optional<String> status(String messageId) {
        return message(messageId).map(m -> m.path("message").path("status").asString());
    }

    /** The statuses the message went through on this node, in order. */
    public List<String> history(String messageId) {
        List<String> statuses = new ArrayList<>();
        message(messageId).ifPresent(m -> m.path("history").forEach(change -> statuses.add(change.path("status").asString())));
        return statuses;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Call to node " + party + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted calling node " + party, e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        kill();
    }
}
