package org.passerelle.gateway;

import java.nio.file.Path;
import org.passerelle.security.pki.DevPki;
import org.passerelle.security.testing.TestPki;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Configures a GB node for an in-module test: keys from the shared test PKI, FR as its one partner, a fresh data folder. */
public final class NodeTestSupport {

    private NodeTestSupport() {
    }

    public static void gbNode(DynamicPropertyRegistry r, Path dataDir) {
        DevPki pki = TestPki.shared().files();
        r.add("passerelle.node.party", () -> "GB");
        r.add("passerelle.node.node-id", () -> "GB-unit");
        r.add("passerelle.node.data-dir", dataDir::toString);
        r.add("passerelle.node.keystore", () -> pki.gateway("GB").pkcs12().toString());
        r.add("passerelle.node.trust-anchors[0]", () -> pki.rootCa("GB").certificatePem().toString());
        r.add("passerelle.node.crls[0]", () -> pki.crl("GB").toString());
        r.add("passerelle.node.exchange-port", () -> 0);
        r.add("passerelle.keys.keystore", () -> pki.dataKek("GB").toString());
        r.add("passerelle.keys.keystore-password", () -> DevPki.PASSWORD);
        r.add("passerelle.partners.FR.base-url", () -> "https://localhost:1");
        r.add("passerelle.partners.FR.certificate", () -> pki.gateway("FR").certificatePem().toString());
        r.add("passerelle.partners.FR.trust-anchors[0]", () -> pki.rootCa("FR").certificatePem().toString());
        r.add("passerelle.partners.FR.crls[0]", () -> pki.crl("FR").toString());
        // FR is fail-closed until its types, its data-sharing basis and a phase of the agreement name it.
        r.add("passerelle.partners.FR.send", () -> "ALL");
        r.add("passerelle.partners.FR.receive", () -> "ALL");
        r.add("passerelle.data-sharing.FR.basis", () -> "unit tests");
        r.add("passerelle.scheme.phases[0].name", () -> "development");
        r.add("passerelle.scheme.phases[0].from", () -> "2020-01-01");
        r.add("passerelle.scheme.phases[0].partners.FR.arrival-modes", () -> "SMALL_BOAT");
        // Delivery is not under test here: keep the pollers quiet.
        r.add("passerelle.delivery.poll-interval", () -> "1h");
        r.add("passerelle.delivery.wake-on-commit", () -> "false");
        // A node without its partner: nothing to witness its audit log (WitnessedAuditIT runs two nodes for that).
        r.add("passerelle.audit.witness", () -> "false");
    }
}
