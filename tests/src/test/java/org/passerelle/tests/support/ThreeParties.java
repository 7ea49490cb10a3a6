package org.passerelle.tests.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.passerelle.security.pki.DevPki;

/**
 * Three nodes on this machine — GB with two partners, FR and BE, each of which has GB as its partner — each with its
 * own simulated back-end and database, over real mutual TLS. GB reaches FR through a {@link BlackHole} on its own
 * port (swallowing at first), so a test decides when FR is black-holed, down or back; BE directly.
 */
public final class ThreeParties implements AutoCloseable {

    public final DevPki pki;
    public final Node gb;
    public final Node fr;
    public final Node be;
    public final BlackHole frAddress;
    public final WireMockServer frBackend;
    public final WireMockServer beBackend;
    private final WireMockServer gbBackend;

    private ThreeParties(DevPki pki, Node gb, Node fr, Node be, BlackHole frAddress, WireMockServer gbBackend,
                         WireMockServer frBackend, WireMockServer beBackend) {
        this.pki = pki;
        this.gb = gb;
        this.fr = fr;
        this.be = be;
        this.frAddress = frAddress;
        this.gbBackend = gbBackend;
        this.frBackend = frBackend;
        this.beBackend = beBackend;
    }

    /** Starts the three nodes; extra settings as for {@link Exchange#start(Path, Map)} (a "GB:" prefix for one node). */
    public static ThreeParties start(Path dir, Map<String, Object> extra) {
        DevPki pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR", "BE"));
        WireMockServer gbBackend = backend();
        WireMockServer frBackend = backend();
        WireMockServer beBackend = backend();
        int gbApi = Exchange.freePort();
        int gbExchange = Exchange.freePort();
        int frApi = Exchange.freePort();
        int frExchange = Exchange.freePort();
        int beApi = Exchange.freePort();
        int beExchange = Exchange.freePort();
        int hole = Exchange.freePort();
        PostgresSchema gbDatabase = PostgresSchema.forNode("GB", dir);
        PostgresSchema frDatabase = PostgresSchema.forNode("FR", dir);
        PostgresSchema beDatabase = PostgresSchema.forNode("BE", dir);
        Map<String, Object> gbSettings = Exchange.properties(pki, dir, "GB", "FR", gbApi, gbExchange, hole,
                gbBackend.port(), gbDatabase, extra);
        String be = "passerelle.partners.BE.";
        gbSettings.put(be + "base-url", "https://localhost:" + beExchange);
        gbSettings.put(be + "certificate", pki.gateway("BE").certificatePem().toString());
        gbSettings.put(be + "trust-anchors[0]", pki.rootCa("BE").certificatePem().toString());
        gbSettings.put(be + "crls[0]", pki.crl("BE").toString());
        NodeSettings.exchangesEverything("GB", "BE").forEach(gbSettings::putIfAbsent);
        Node gb = new Node("GB", gbApi, gbExchange, gbDatabase, gbSettings);
        Node fr = new Node("FR", frApi, frExchange, frDatabase, Exchange.properties(pki, dir, "FR", "GB", frApi,
                frExchange, gbExchange, frBackend.port(), frDatabase, extra));
        Node beNode = new Node("BE", beApi, beExchange, beDatabase, Exchange.properties(pki, dir, "BE", "GB", beApi,
                beExchange, gbExchange, beBackend.port(), beDatabase, extra));
        BlackHole frAddress = new BlackHole(hole, fr::exchangePort).start();
        fr.start();
        beNode.start();
        gb.start();
        return new ThreeParties(pki, gb, fr, beNode, frAddress, gbBackend, frBackend, beBackend);
    }

    private static WireMockServer backend() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        server.stubFor(post(urlPathEqualTo(Exchange.INBOUND_PATH)).willReturn(aResponse().withStatus(202)));
        return server;
    }

    @Override
    public void close() {
        frAddress.close();
        for (Node node : List.of(gb, fr, be)) {
            node.close();
        }
        for (WireMockServer server : List.of(gbBackend, frBackend, beBackend)) {
            server.stop();
        }
        for (Node node : List.of(gb, fr, be)) {
            if (node.database() != null) {
                node.database().drop();
            }
        }
    }
}
