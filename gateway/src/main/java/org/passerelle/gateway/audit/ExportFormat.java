package org.passerelle.gateway.audit;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.Checkpoint;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit export, JSON Lines: a header line ({@code "type":"header"}: format, party, node id, seq range, the signer's
 * certificate in PEM), the checkpoints covering the range ({@code "type":"checkpoint"}, each with the SHA-256 of the
 * certificate that signed it), then the entries in seq order
 * ({@code "type":"entry"}) with every field their hash covers; absent fields are JSON null, never omitted, because
 * null and empty hash differently.
 */
public final class ExportFormat {

    static final String FORMAT = "passerelle-audit-export/1";
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private ExportFormat() {
    }

    static String header(String party, String nodeId, long fromSeq, long toSeq, Instant exportedAt,
                         X509Certificate signer) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("type", "header");
        h.put("format", FORMAT);
        h.put("party", party);
        h.put("nodeId", nodeId);
        h.put("fromSeq", fromSeq);
        h.put("toSeq", toSeq);
        h.put("exportedAt", exportedAt.toString());
        h.put("certificate", pem(signer));
        return JSON.writeValueAsString(h);
    }

    static String line(Checkpoint c) {
        return JSON.writeValueAsString(map(c));
    }

    /** A checkpoint's fields as written: its Merkle root is null for a format-1 checkpoint, never omitted. */
    public static Map<String, Object> map(Checkpoint c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "checkpoint");
        m.put("seq", c.seq());
        m.put("headHash", c.headHash());
        m.put("at", c.at().toString());
        m.put("nodeId", c.nodeId());
        m.put("algorithm", c.algorithm());
        m.put("signature", Base64.getEncoder().encodeToString(c.signature()));
        m.put("certificateSha256", c.certificateSha256());
        m.put("merkleRoot", c.merkleRoot());
        return m;
    }

    static String line(AuditRecord e) {
        return JSON.writeValueAsString(map(e));
    }

    /** An entry's fields as written: every field its hash covers, null as null, and its hash links. */
    static Map<String, Object> map(AuditRecord e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "entry");
        m.put("seq", e.seq());
        m.put("at", e.at().toString());
        m.put("actor", e.actor());
        m.put("role", e.role());
        m.put("channel", e.channel());
        m.put("action", e.action());
        m.put("resource", e.resource());
        m.put("purpose", e.purpose());
        m.put("caseReference", e.caseReference());
        m.put("outcome", e.outcome());
        m.put("partner", e.partner());
        m.put("messageId", e.messageId());
        m.put("messageType", e.messageType());
        m.put("code", e.code());
        m.put("detail", e.detail());
        m.put("payloadSha256", e.payloadSha256());
        m.put("prevHash", e.prevHash());
        m.put("hash", e.hash());
        return m;
    }

    static AuditRecord entry(JsonNode n) {
        return new AuditRecord(n.get("seq").longValue(), Instant.parse(text(n, "at")), text(n, "actor"),
                text(n, "role"), text(n, "channel"), text(n, "action"), text(n, "resource"), text(n, "purpose"),
                text(n, "caseReference"), text(n, "outcome"), text(n, "partner"), text(n, "messageId"),
                text(n, "messageType"), text(n, "code"), text(n, "detail"), text(n, "payloadSha256"),
                text(n, "prevHash"), text(n, "hash"));
    }

    /**
     * A checkpoint line. Its {@code certificateSha256} (which certificate signed) may be absent: exports written before
     * key rollover was supported lack it, and their checkpoints are checked with every certificate given. Its
     * {@code merkleRoot} is absent from exports written before checkpoints signed one: those are format 1.
     */
    public static Checkpoint checkpoint(JsonNode n) {
        return new Checkpoint(n.get("seq").longValue(), text(n, "headHash"), Instant.parse(text(n, "at")),
                text(n, "nodeId"), text(n, "algorithm"), Base64.getDecoder().decode(text(n, "signature")),
                optional(n, "certificateSha256"), optional(n, "merkleRoot"));
    }

    /** A field's text; null when it is JSON null or absent. */
    static String optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.stringValue();
    }

    /** A field's text; null when the field is JSON null. A missing field is an error: exports never omit fields. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null) {
            throw new IllegalArgumentException("the line has no field " + field);
        }
        return v.isNull() ? null : v.stringValue();
    }

    static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the node certificate", e);
        }
    }
}
