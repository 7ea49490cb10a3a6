package org.passerelle.demo;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.passerelle.gateway.PasserelleApplication;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.NodeSettings;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The demo: a GB node and an FR node on this machine with a fresh development PKI, the embedded database and
 * simulated back-ends; plays every message type both ways, prints each step, and keeps both nodes running.
 */
public final class Demo {

    static final String SYSTEM_TOKEN = "demo-casework-token";
    static final String ADMIN_TOKEN = "demo-admin-token";
    static final List<String> TYPES = List.of("BiometricSearchRequest", "BiometricSearchResponse", "ReadmissionRequest",
            "ReadmissionDecision", "TransferStatus", "AdmissionReferral", "EligibilityResult", "AdmissionDecision",
            "ArrivalConfirmation", "CaseStatusUpdate", "EquivalenceStatement", "Fault");

    record Party(String code, int apiPort, int exchangePort, int backendPort) {
    }

    static final Party GB = new Party("GB", 8080, 9443, 7080);
    static final Party FR = new Party("FR", 8081, 9444, 7081);
    /** The scheme scenario's own pair, with casework on. */
    static final Party SCHEME_GB = new Party("GB", 8090, 9453, 7090);
    static final Party SCHEME_FR = new Party("FR", 8091, 9454, 7091);

    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> deliveredTo = new ConcurrentHashMap<>();
    /** FR's back-end in the transport round: on a drop folder, not HTTP. */
    private final DropFolderBackend frBackend;
    /** GB's biometric unit in the transport round: on RabbitMQ, when a broker answers on the machine. */
    private Optional<QueueBackend> gbQueue = Optional.empty();

    Demo(Path dir) {
        this.dir = dir;
        this.frBackend = new DropFolderBackend(dir.resolve("fr-backend"));
    }

    public static void main(String[] args) throws Exception {
        List<String> options = List.of(args);
        String folder = options.stream().filter(a -> !a.isBlank() && !a.startsWith("--")).findFirst().orElse("data/demo");
        Path dir = Path.of(folder).toAbsolutePath().normalize();
        boolean stay = !options.contains("--exit");
        try {
            new Demo(dir).run(stay);
        } catch (Exception | Error e) {
            // The nodes' threads would keep the JVM (and their ports) alive: a demo that cannot go on stops.
            e.printStackTrace();
            say("The demo stopped: %s", e);
            System.exit(1);
        }
    }

    void run(boolean stay) throws Exception {
        clean(dir);
        say("Passerelle demo — data, keys and logs under %s", dir);
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR"));
        say("Generated a development PKI (GB and FR root CAs, gateway, officer and system certificates) in %s", pki.directory());

        // The scheme scenario: its own GB and FR nodes, with readmission, admission and ledger casework on.
        say("");
        say("The scheme: one biometric hit, one full return, one refused request, one full admission, the weekly reconciliation");
        SchemeScenario scheme = new SchemeScenario(SCHEME_GB, SCHEME_FR, SYSTEM_TOKEN);
        scheme.startBackends();
        Map<String, Object> casework = Map.of(
                "passerelle.readmission.enabled", true,
                "passerelle.admission.enforce-transitions", true,
                "passerelle.ledger.weekly-statements", false);
        Map<String, Object> gbSettings = new LinkedHashMap<>(casework);
        gbSettings.putAll(DemoUsers.settings(SCHEME_FR.code()));
        Map<String, Object> frSettings = new LinkedHashMap<>(casework);
        frSettings.putAll(DemoUsers.settings(SCHEME_GB.code()));
        ConfigurableApplicationContext schemeGb = startNode(pki, SCHEME_GB, SCHEME_FR, "scheme-", gbSettings);
        ConfigurableApplicationContext schemeFr = startNode(pki, SCHEME_FR, SCHEME_GB, "scheme-", frSettings);
        say("Scheme GB node: API http://localhost:%d, partner port https://localhost:%d; back-end records on port %d",
                SCHEME_GB.apiPort(), SCHEME_GB.exchangePort(), SCHEME_GB.backendPort());
        say("Scheme FR node: API http://localhost:%d, partner port https://localhost:%d; back-end is the simulated access point",
                SCHEME_FR.apiPort(), SCHEME_FR.exchangePort());
        int schemeFailures = scheme.play();
        say("");
        say(schemeFailures == 0 ? "The scheme scenario completed: every step worked."
                : schemeFailures + " scheme step(s) did not complete; see the node logs under " + dir);

        // The transport round: every message type both ways, casework off.
        say("");
        say("The transport: every message type both ways (casework off)");
        startBackend(GB, httpsBackend(pki, GB));
        gbQueue = QueueBackend.connect();
        Map<String, Object> transportGb = new LinkedHashMap<>(httpsDispatch(pki, GB));
        gbQueue.ifPresent(unit -> transportGb.putAll(unit.settings()));
        ConfigurableApplicationContext gb = startNode(pki, GB, FR, "", transportGb);
        ConfigurableApplicationContext fr = startNode(pki, FR, GB, "", frBackend.settings(TYPES));
        say("GB node: API http://localhost:%d, partner port https://localhost:%d (mutual TLS 1.3)", GB.apiPort(), GB.exchangePort());
        say("FR node: API http://localhost:%d, partner port https://localhost:%d (mutual TLS 1.3)", FR.apiPort(), FR.exchangePort());
        say("GB's casework back-end: https://localhost:%d%s, mutual TLS (the node presents %s)", GB.backendPort(),
                NodeSettings.INBOUND_PATH, pki.directory().relativize(pki.dispatch(GB.code()).pkcs12()));
        say("FR's back-end is a drop folder, %s: it submits by dropping files into outbox/ (archive/ when accepted,"
                + " error/ with a .fault.xml when refused) and takes inbound messages from inbox/<MessageType>/", frBackend.base());
        if (gbQueue.isPresent()) {
            say("GB's biometric unit is on RabbitMQ at %s:%d: it submits %s on queue %s, reads each outcome on %s,"
                    + " and takes inbound ones from the delivery queues %s", QueueBackend.HOST, QueueBackend.PORT,
                    QueueBackend.TYPES, QueueBackend.SUBMISSIONS, QueueBackend.REPLIES,
                    QueueBackend.TYPES.stream().map(QueueBackend::deliveryQueue).toList());
        } else {
            say("No RabbitMQ answers at %s:%d: GB's biometric unit on queues is left out (its messages go over HTTPS)",
                    QueueBackend.HOST, QueueBackend.PORT);
        }

        int failures = schemeFailures;
        for (String type : TYPES) {
            for (Party[] pair : new Party[][] {{GB, FR}, {FR, GB}}) {
                failures += step(type, pair[0], pair[1]) ? 0 : 1;
            }
        }
        say("");
        say(failures == schemeFailures ? "Every message type travelled both ways and was proven delivered by a signed receipt."
                : (failures - schemeFailures) + " step(s) did not complete; see the node logs under " + dir);
        say("");
        say("Try it yourself:");
        say("  curl -s -H 'Authorization: Bearer %s' http://localhost:%d/api/v1/messages/<message id>", SYSTEM_TOKEN, GB.apiPort());
        say("  curl -s http://localhost:%d/actuator/health        (status only, for anyone)", GB.apiPort());
        say("  curl -s -H 'Authorization: Bearer %s' http://localhost:%d/actuator/health        (partner circuits)",
                ADMIN_TOKEN, GB.apiPort());
        say("  curl -s -H 'Authorization: Bearer %s' http://localhost:%d/actuator/prometheus    (metrics)",
                ADMIN_TOKEN, GB.apiPort());
        say("  http://localhost:%d/swagger-ui.html                 (the API, described)", GB.apiPort());
        say("  curl -s -H 'Authorization: Bearer %s' http://localhost:%d/api/v1/cases/readmission/<case reference>   (scheme nodes)",
                SYSTEM_TOKEN, SCHEME_GB.apiPort());
        say("  curl -s -H 'Authorization: Bearer %s' http://localhost:%d/api/v1/ledger", SYSTEM_TOKEN, SCHEME_FR.apiPort());
        say("  Node APIs: transport GB http://localhost:%d, FR http://localhost:%d; scheme GB http://localhost:%d, FR http://localhost:%d",
                GB.apiPort(), FR.apiPort(), SCHEME_GB.apiPort(), SCHEME_FR.apiPort());
        say("  API tokens: back-end system '%s', administrator '%s'", SYSTEM_TOKEN, ADMIN_TOKEN);
        say("");
        say("  The web console: http://localhost:%d/console (scheme GB node, in English) and http://localhost:%d/console (scheme FR node, in French)",
                SCHEME_GB.apiPort(), SCHEME_FR.apiPort());
        say("  People on the scheme nodes (development credentials; the console's sign-in, or HTTP Basic on the API):");
        for (DemoUsers.User u : DemoUsers.ALL) {
            say("    %-11s password %-26s %s%s", u.username(), u.password(), u.role(),
                    u.team() != null ? ", team " + u.team() : u.partner() != null ? ", partner state: the node's partner" : "");
        }
        say("  curl -s -u officer:demo-officer-password 'http://localhost:%d/api/v1/records?purpose=READMISSION_CASE&caseReference=<an open readmission case with the partner>'",
                SCHEME_GB.apiPort());
        say("  curl -s -u auditor:demo-auditor-password http://localhost:%d/api/v1/audit/verify", SCHEME_GB.apiPort());
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        say("  curl -s -u auditor:demo-auditor-password 'http://localhost:%d/api/v1/reports/csv?from=%s&to=%s'   (the scheme's"
                + " report; /console/reports in the console)", SCHEME_GB.apiPort(), today, today.plusDays(1));
        say("  curl -s -u auditor:demo-auditor-password http://localhost:%d/api/v1/agreements   (the agreement in force)",
                SCHEME_GB.apiPort());
        if (!stay) {
            gb.close();
            fr.close();
            if (gbQueue.isPresent()) {
                gbQueue.get().close();
            }
            schemeGb.close();
            schemeFr.close();
            scheme.stopBackends();
            System.exit(failures == 0 ? 0 : 1);
        }
        say("Both nodes keep running. Press Ctrl-C to stop.");
        new CountDownLatch(1).await();
    }

    private boolean step(String type, Party from, Party to) throws Exception {
        byte[] xml = Envelopes.sample(type, from.code(), to.code(), UUID.randomUUID().toString());
        String id = Envelopes.header(xml, "MessageId");
        if (from == FR) {
            Optional<String> refused = frBackend.submit(type + "-" + id, xml);
            if (refused.filter("DATA_SHARING_REFUSED"::equals).isPresent()) {
                say("  ✔ %s  %-24s %s → %s  dropped; refused by %s before it left: carries personal data"
                        + " (error/%s-%s.xml.fault.xml: DATA_SHARING_REFUSED)", id, type, from.code(), to.code(), from.code(), type, id);
                return true;
            }
            if (refused.isPresent()) {
                say("  ✘ %-24s %s → %s dropped, refused: %s", type, from.code(), to.code(), refused.get());
                return false;
            }
            return awaitDelivery(type, id, from, to, "dropped into FR's outbox folder, ");
        }
        if (from == GB && gbQueue.isPresent() && QueueBackend.TYPES.contains(type)) {
            Optional<JsonNode> reply = gbQueue.get().submit(xml);
            if (reply.isEmpty() || !"ACCEPTED".equals(reply.get().path("outcome").asString())
                    || !id.equals(reply.get().path("messageId").asString())) {
                say("  ✘ %-24s %s → %s put on GB's submission queue, reply: %s", type, from.code(), to.code(),
                        reply.map(JsonNode::toString).orElse("none within a minute"));
                return false;
            }
            return awaitDelivery(type, id, from, to, "put on GB's submission queue, its reply ACCEPTED read off "
                    + QueueBackend.REPLIES + ", ");
        }
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + from.apiPort() + "/api/v1/messages"))
                .header("Content-Type", "application/xml").header("Authorization", "Bearer " + SYSTEM_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build(), HttpResponse.BodyHandlers.ofString());
        if (accepted.body().contains("\"code\":\"DATA_SHARING_REFUSED\"")) {
            // France sends no personal data to the UK (passerelle.data-sharing): the sender refuses it, as it should.
            say("  ✔ %s  %-24s %s → %s  refused by %s before it left: carries personal data (DATA_SHARING_REFUSED)",
                    id, type, from.code(), to.code(), from.code());
            return true;
        }
        if (accepted.statusCode() != 202) {
            say("  ✘ %-24s %s → %s refused: %s", type, from.code(), to.code(), accepted.body());
            return false;
        }
        return awaitDelivery(type, id, from, to, "");
    }

    private boolean awaitDelivery(String type, String id, Party from, Party to, String how) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String status = "";
        while (Instant.now().isBefore(deadline)) {
            status = status(from, id);
            if ("RECEIPT_VERIFIED".equals(status) && to == FR && frBackend.delivered(type, id)) {
                say("  ✔ %s  %-24s %s → %s  %s%s, written to FR's inbox folder %s/", id, type, from.code(), to.code(), how,
                        status, type);
                return true;
            }
            if ("RECEIPT_VERIFIED".equals(status) && to == GB && gbQueue.isPresent() && gbQueue.get().delivered(type, id)) {
                say("  ✔ %s  %-24s %s → %s  %s%s, on GB's delivery queue %s", id, type, from.code(), to.code(), how,
                        status, QueueBackend.deliveryQueue(type));
                return true;
            }
            if ("RECEIPT_VERIFIED".equals(status) && deliveredTo.containsKey(id)) {
                say("  ✔ %s  %-24s %s → %s  %s%s, delivered to the %s back-end", id, type, from.code(), to.code(), how,
                        status, to.code());
                return true;
            }
            if ("PARKED".equals(status)) {
                break;
            }
            Thread.sleep(100);
        }
        say("  ✘ %s  %-24s %s → %s  %s", id, type, from.code(), to.code(), status);
        return false;
    }

    private String status(Party party, String id) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + party.apiPort() + "/api/v1/messages/" + id))
                .header("Authorization", "Bearer " + SYSTEM_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"status\":\"([A-Z_]+)\"").matcher(body);
        return m.find() ? m.group(1) : "?";
    }

    private ConfigurableApplicationContext startNode(DevPki pki, Party self, Party partner, String prefix,
                                                     Map<String, Object> extra) {
        Map<String, Object> settings = new LinkedHashMap<>(NodeSettings.of(pki, dir.resolve(prefix + "node-" + self.code()), self.code(),
                partner.code(), self.apiPort(), self.exchangePort(), partner.exchangePort(), self.backendPort(),
                SYSTEM_TOKEN, ADMIN_TOKEN));
        settings.put("logging.file.name", dir.resolve(prefix + self.code() + ".log").toString());
        settings.put("logging.threshold.console", "WARN");
        settings.put("spring.profiles.active", self.code().toLowerCase());
        // Audit checkpoints (each witnessed by the partner) every 15 seconds instead of 5 minutes, so the demo shows it.
        settings.put("passerelle.audit.checkpoint-interval", "15s");
        settings.putAll(extra);
        say("Starting the %s%s node…", prefix.isEmpty() ? "" : prefix.replace("-", " "), self.code());
        return new SpringApplicationBuilder(PasserelleApplication.class).run(NodeSettings.asArguments(settings));
    }

    /** A simulated back-end on the server given: takes inbound envelopes and notes which message ids it received. */
    private void startBackend(Party party, HttpServer server) {
        server.createContext(NodeSettings.INBOUND_PATH, exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
                String id = exchange.getRequestHeaders().getFirst("X-Passerelle-Message-Id");
                if (id != null) {
                    deliveredTo.put(id, party.code());
                }
                exchange.sendResponseHeaders(202, -1);
            }
        });
        server.start();
    }

    /**
     * The party's casework back-end over HTTPS: it presents the PKI's back-end server certificate and takes only a
     * client certificate issued by the party's root CA (the node's dispatch certificate).
     */
    private static HttpsServer httpsBackend(DevPki pki, Party party) throws IOException, GeneralSecurityException {
        char[] password = DevPki.PASSWORD.toCharArray();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(KeyStore.getInstance(pki.backend(party.code()).pkcs12().toFile(), password), password);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("root-ca", pki.rootCa(party.code()).load().certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("localhost", party.backendPort()), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        return server;
    }

    /** The node's settings for delivering to {@link #httpsBackend}: its dispatch certificate, the PKI's roots as trust. */
    private static Map<String, Object> httpsDispatch(DevPki pki, Party party) {
        return Map.of(
                "passerelle.backend.default-endpoints[0]", "https://localhost:" + party.backendPort() + NodeSettings.INBOUND_PATH,
                "passerelle.backend.tls.key-store", pki.dispatch(party.code()).pkcs12().toString(),
                "passerelle.backend.tls.key-store-password", DevPki.PASSWORD,
                "passerelle.backend.tls.trust-store", pki.trustStore().toString(),
                "passerelle.backend.tls.trust-store-password", DevPki.PASSWORD);
    }

    private static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                List<Path> all = new ArrayList<>(walk.toList());
                java.util.Collections.reverse(all);
                for (Path p : all) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    static void say(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(format, args));
    }
}
