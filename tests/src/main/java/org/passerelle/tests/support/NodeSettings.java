package org.passerelle.tests.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passerelle.security.pki.DevPki;

/** The settings of one node of a two-party exchange on this machine, from a development PKI: used by the demo and the tests. */
public final class NodeSettings {

    /** The back-end path on which a simulated back-end takes inbound envelopes. */
    public static final String INBOUND_PATH = "/inbound";

    private NodeSettings() {
    }

    /**
     * A node of {@code party} exchanging with {@code partner}; its API on {@code apiPort}, its partner port on
     * {@code exchangePort}, the partner's on {@code partnerExchangePort}, and its back-end at {@code backendPort}.
     */
    public static Map<String, Object> of(DevPki pki, Path dataDir, String party, String partner, int apiPort,
                                         int exchangePort, int partnerExchangePort, int backendPort,
                                         String systemToken, String adminToken) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", apiPort);
        p.put("passerelle.node.party", party);
        p.put("passerelle.node.node-id", party + "-1");
        p.put("passerelle.node.data-dir", dataDir.toString());
        p.put("passerelle.node.keystore", pki.gateway(party).pkcs12().toString());
        p.put("passerelle.node.keystore-password", DevPki.PASSWORD);
        p.put("passerelle.node.trust-anchors[0]", pki.rootCa(party).certificatePem().toString());
        p.put("passerelle.node.crls[0]", pki.crl(party).toString());
        p.put("passerelle.node.exchange-port", exchangePort);
        // The party's KEK, the same for every node of the party: each opens the payloads the others sealed.
        p.put("passerelle.keys.keystore", pki.dataKek(party).toString());
        p.put("passerelle.keys.keystore-password", DevPki.PASSWORD);
        String prefix = "passerelle.partners." + partner + ".";
        p.put(prefix + "base-url", "https://localhost:" + partnerExchangePort);
        p.put(prefix + "certificate", pki.gateway(partner).certificatePem().toString());
        p.put(prefix + "trust-anchors[0]", pki.rootCa(partner).certificatePem().toString());
        p.put(prefix + "crls[0]", pki.crl(partner).toString());
        p.putAll(exchangesEverything(party, partner));
        p.put("passerelle.backend.default-endpoints[0]", "http://localhost:" + backendPort + INBOUND_PATH);
        // Development and tests only: the simulated back-ends take plain http (a real node uses https with mutual TLS).
        p.put("passerelle.backend.allow-plain-http", true);
        p.put("passerelle.api.tokens[0].name", "casework-system");
        p.put("passerelle.api.tokens[0].sha256", sha256(systemToken));
        p.put("passerelle.api.tokens[0].roles[0]", "SYSTEM");
        p.put("passerelle.api.tokens[1].name", "administrator");
        p.put("passerelle.api.tokens[1].sha256", sha256(adminToken));
        p.put("passerelle.api.tokens[1].roles[0]", "ADMIN");
        // The contract's samples carry no case context (one case reference, arrivals long past): exchange tests and
        // the demo's transport round send them as they are; the casework tests switch readmission cases on and
        // admission cases back to refusing out-of-sequence messages.
        p.put("passerelle.readmission.enabled", false);
        p.put("passerelle.admission.enforce-transitions", false);
        return p;
    }

    /**
     * What a new partner needs before it exchanges anything (a partner is fail-closed): the message types each way
     * (every type here), a data-sharing entry naming its basis, and a phase of the agreement that names it (here one
     * open-ended development phase with both parties and no caps, for the casework the tests and the demo run).
     */
    public static Map<String, Object> exchangesEverything(String party, String partner) {
        Map<String, Object> p = new LinkedHashMap<>();
        String prefix = "passerelle.partners." + partner + ".";
        p.put(prefix + "send", "ALL");
        p.put(prefix + "receive", "ALL");
        p.put("passerelle.data-sharing." + partner + ".basis", "development exchange between " + party + " and " + partner);
        p.put("passerelle.scheme.phases[0].name", "development");
        p.put("passerelle.scheme.phases[0].from", "2020-01-01");
        p.put("passerelle.scheme.phases[0].partners." + partner + ".arrival-modes", "SMALL_BOAT,CONCEALED_IN_VEHICLE");
        return p;
    }

    /** Spring Boot command-line arguments for these settings (they outrank application.yml). */
    public static String[] asArguments(Map<String, Object> settings) {
        return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
