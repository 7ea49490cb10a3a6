package org.passerelle.tests.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.security.pki.DevPki;

/**
 * A GB node and an FR node on this machine, each with its own simulated back-end (WireMock), talking over real
 * mutual TLS with certificates from a freshly generated development PKI. Each node has its own database: the embedded
 * H2 default, or, when the system property {@code passerelle.test.database} is {@code postgres}, a fresh schema with
 * its own owner and runtime roles in the PostgreSQL test server ({@link PostgresSchema}), dropped on {@link #close()}.
 */
public final class Exchange implements AutoCloseable {

    public static final String INBOUND_PATH = NodeSettings.INBOUND_PATH;

    public final DevPki pki;
    public final Node gb;
    public final Node fr;
    public final WireMockServer gbBackend;
    public final WireMockServer frBackend;

    private Exchange(DevPki pki, Node gb, Node fr, WireMockServer gbBackend, WireMockServer frBackend) {
        this.pki = pki;
        this.gb = gb;
        this.fr = fr;
        this.gbBackend = gbBackend;
        this.frBackend = frBackend;
    }

    /**
     * Generates a PKI under {@code dir}, starts both back-ends and both nodes. Extra settings apply to both nodes,
     * or to one when the key is prefixed with its party and a colon ({@code "GB:passerelle.partners.FR.receive"}).
     */
    public static Exchange start(Path dir, Map<String, Object> extra) {
        return start(dir, pki -> extra);
    }

    /** As {@link #start(Path, Map)}, with extra settings that depend on the generated PKI (pinned fingerprints, say). */
    public static Exchange start(Path dir, java.util.function.Function<DevPki, Map<String, Object>> settings) {
        return start(dir, settings, true);
    }

    /**
     * As {@link #start(Path, java.util.function.Function)}, with FR's node configured but not started: for a test in
     * which something else plays FR (an AS4 access point, say).
     */
    public static Exchange startGbOnly(Path dir, java.util.function.Function<DevPki, Map<String, Object>> settings) {
        return start(dir, settings, false);
    }

    private static Exchange start(Path dir, java.util.function.Function<DevPki, Map<String, Object>> settings,
                                  boolean startFr) {
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR", "BE"));
        Map<String, Object> extra = settings.apply(pki);
        WireMockServer gbBackend = backend();
        WireMockServer frBackend = backend();
        int gbApi = freePort();
        int gbExchange = freePort();
        int frApi = freePort();
        int frExchange = freePort();
        PostgresSchema gbDatabase = PostgresSchema.forNode("GB", dir);
        PostgresSchema frDatabase = PostgresSchema.forNode("FR", dir);
        Node gb = new Node("GB", gbApi, gbExchange, gbDatabase, properties(pki, dir, "GB", "FR", gbApi, gbExchange,
                frExchange, gbBackend.port(), gbDatabase, extra));
        Node fr = new Node("FR", frApi, frExchange, frDatabase, properties(pki, dir, "FR", "GB", frApi, frExchange,
                gbExchange, frBackend.port(), frDatabase, extra));
        gb.start();
        if (startFr) {
            fr.start();
        }
        return new Exchange(pki, gb, fr, gbBackend, frBackend);
    }

    public Node node(String party) {
        return "GB".equals(party) ? gb : fr;
    }

    public WireMockServer backendOf(String party) {
        return "GB".equals(party) ? gbBackend : frBackend;
    }

    static Map<String, Object> properties(DevPki pki, Path dir, String party, String partner, int apiPort,
                                          int exchangePort, int partnerExchangePort, int backendPort,
                                          PostgresSchema database, Map<String, Object> extra) {
        Map<String, Object> p = new LinkedHashMap<>(NodeSettings.of(pki, dir.resolve("data-" + party), party, partner,
                apiPort, exchangePort, partnerExchangePort, backendPort, Node.SYSTEM_TOKEN, Node.ADMIN_TOKEN));
        p.put("passerelle.node.node-id", party + "-test");
        if (database != null) {
            p.putAll(database.settings());
        }
        p.put("passerelle.delivery.poll-interval", "100ms");
        p.put("passerelle.delivery.initial-backoff", "200ms");
        p.put("passerelle.delivery.max-backoff", "2s");
        p.put("passerelle.delivery.connect-timeout", "2s");
        p.put("passerelle.delivery.request-timeout", "10s");
        p.put("passerelle.delivery.circuit.open-wait", "1s");
        // A killed node (the crash and cluster tests) is taken for dead after 3 s, and restarts without waiting long.
        p.put("passerelle.cluster.heartbeat-interval", "500ms");
        p.put("passerelle.cluster.stale-after", "3s");
        // Extra settings apply to both nodes, or only to one when the key starts with its party: "GB:passerelle...".
        extra.forEach((key, value) -> {
            if (key.length() > 3 && key.charAt(2) == ':') {
                if (key.startsWith(party + ":")) {
                    p.put(key.substring(3), value);
                }
            } else {
                p.put(key, value);
            }
        });
        return p;
    }

    private static WireMockServer backend() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        server.stubFor(post(urlPathEqualTo(INBOUND_PATH)).willReturn(aResponse().withStatus(202)));
        return server;
    }

    /**
     * A free port for a node, chosen as {@link ProcessNode#freePort()} chooses one: the nodes bind their ports seconds
     * later, while test classes in other forks open connections from ephemeral ports.
     */
    public static int freePort() {
        return ProcessNode.freePort();
    }

    public static String sha256(String text) {
        return NodeSettings.sha256(text);
    }

    @Override
    public void close() {
        gb.close();
        fr.close();
        gbBackend.stop();
        frBackend.stop();
        for (Node node : List.of(gb, fr)) {
            if (node.database() != null) {
                node.database().drop();
            }
        }
    }

    /** Deletes a folder tree, quietly. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary folder: the OS cleans what is left.
        }
    }
}
