package org.passerelle.gateway.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainHash;
import org.passerelle.security.audit.Checkpoint;
import org.passerelle.security.audit.MerkleTree;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Checks an audit proof offline with only the node's certificates:
 * {@code VerifyProof <proof.json> <node-cert.pem> [<earlier-node-cert.pem>...]}. For an inclusion proof (from
 * {@code GET /api/v1/audit/entries/{seq}/proof}) it recomputes the entry's chain hash from its fields and previous
 * hash, its Merkle leaf, the root from the audit path, and checks the checkpoint's signature over that root, then prints
 * {@code OK entry N is in the log as of checkpoint M} (exit 0); for a consistency proof (from
 * {@code GET /api/v1/audit/consistency}) it checks both checkpoints' signatures and that the later tree extends the
 * earlier one. Otherwise it prints the reason and exits 1; it exits 2 when it cannot read its input. The document is
 * not trusted for anything but data: the certificates given on the command line are.
 */
public final class VerifyProof {

    private static final HexFormat HEX = HexFormat.of();

    /** Why a proof does not hold; the message is the sentence printed. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    private VerifyProof() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the check; returns the exit code (0 the proof holds, 1 it does not, 2 unreadable input or wrong usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            err.println("usage: VerifyProof <proof.json> <node-cert.pem> [<earlier-node-cert.pem>...]"
                    + " (after a key rollover, give the current certificate and the earlier ones)");
            return 2;
        }
        Map<String, X509Certificate> certificates = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            try (InputStream in = Files.newInputStream(Path.of(args[i]))) {
                var read = CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (read.isEmpty()) {
                    throw new CertificateException("no certificate in the file");
                }
                for (Certificate c : read) {
                    certificates.putIfAbsent(Fingerprints.sha256((X509Certificate) c), (X509Certificate) c);
                }
            } catch (IOException | CertificateException | ClassCastException e) {
                err.println("cannot read the certificate " + args[i] + ": " + e.getMessage());
                return 2;
            }
        }
        JsonNode doc;
        try {
            doc = ExportFormat.JSON.readTree(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
        } catch (IOException | JacksonException e) {
            err.println("cannot read the proof " + args[0] + ": " + e.getMessage());
            return 2;
        }
        try {
            String format = doc.isObject() ? ExportFormat.text(doc, "format") : null;
            if (AuditReading.PROOF_FORMAT.equals(format)) {
                out.println(inclusion(doc, certificates));
            } else if (AuditReading.CONSISTENCY_FORMAT.equals(format)) {
                out.println(consistency(doc, certificates));
            } else {
                err.println("cannot read the proof " + args[0] + ": it is no " + AuditReading.PROOF_FORMAT + " nor "
                        + AuditReading.CONSISTENCY_FORMAT + " document");
                return 2;
            }
            return 0;
        } catch (Refused r) {
            out.println(r.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // A missing field, a null number, a time or a hex string that does not parse: unreadable, not refused.
            err.println("cannot read the proof " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }

    /** Checks an inclusion proof document; answers the OK line. */
    static String inclusion(JsonNode doc, Map<String, X509Certificate> certificates) throws Refused {
        AuditRecord entry = ExportFormat.entry(field(doc, "entry"));
        Checkpoint c = ExportFormat.checkpoint(field(doc, "checkpoint"));
        long treeSize = field(doc, "treeSize").longValue();
        long leafIndex = field(doc, "leafIndex").longValue();
        List<byte[]> path = new ArrayList<>();
        field(doc, "auditPath").forEach(p -> path.add(hash(p.stringValue())));
        String n = "entry " + entry.seq();
        // The entry first: its fields and its predecessor's hash must give the chain hash the leaf is made of.
        if (!ChainHash.hash(hex(entry.prevHash()), entry).equals(entry.hash().toLowerCase(Locale.ROOT))) {
            throw new Refused(n + ": REFUSED its fields do not hash to its chain hash (the entry was altered)");
        }
        String by = signedBy(c, certificates);
        if (treeSize != c.seq()) {
            throw new Refused(n + ": REFUSED the proof is for a tree of " + treeSize + " entries but the checkpoint"
                    + " covers " + c.seq());
        }
        if (leafIndex != entry.seq() - 1) {
            throw new Refused(n + ": REFUSED the proof is for leaf " + leafIndex + ", not this entry's leaf "
                    + (entry.seq() - 1));
        }
        if (entry.seq() == c.seq() && !entry.hash().equalsIgnoreCase(c.headHash())) {
            throw new Refused(n + ": REFUSED the checkpoint at its seq names another head hash");
        }
        byte[] leaf = MerkleTree.leafHash(hash(entry.hash()));
        if (!MerkleTree.verifyInclusion(leafIndex, treeSize, leaf, path, hash(c.merkleRoot()))) {
            throw new Refused(n + ": REFUSED the audit path does not lead from the entry to the Merkle root checkpoint "
                    + c.seq() + " signed");
        }
        return "OK entry " + entry.seq() + " is in the log as of checkpoint " + c.seq() + " (signed " + c.at() + " by "
                + c.nodeId() + ", certificate SHA-256 " + by + ")";
    }

    /** Checks a consistency proof document; answers the OK line. */
    static String consistency(JsonNode doc, Map<String, X509Certificate> certificates) throws Refused {
        Checkpoint a = ExportFormat.checkpoint(field(doc, "from"));
        Checkpoint b = ExportFormat.checkpoint(field(doc, "to"));
        List<byte[]> proof = new ArrayList<>();
        field(doc, "proof").forEach(p -> proof.add(hash(p.stringValue())));
        signedBy(a, certificates);
        signedBy(b, certificates);
        if (!MerkleTree.verifyConsistency(a.seq(), b.seq(), hash(a.merkleRoot()), hash(b.merkleRoot()), proof)) {
            throw new Refused("checkpoint " + b.seq() + ": REFUSED the proof does not show its tree extends the tree"
                    + " of checkpoint " + a.seq());
        }
        return "OK checkpoint " + b.seq() + " extends checkpoint " + a.seq();
    }

    /** The SHA-256 of the given certificate whose key signed the checkpoint, which must sign a Merkle root. */
    private static String signedBy(Checkpoint c, Map<String, X509Certificate> certificates) throws Refused {
        String name = "checkpoint " + c.seq();
        if (c.merkleRoot() == null) {
            throw new Refused(name + ": REFUSED it signs no Merkle root (format 1)");
        }
        String recorded = c.certificateSha256() == null ? null : c.certificateSha256().toLowerCase(Locale.ROOT);
        if (recorded != null && !certificates.containsKey(recorded)) {
            throw new Refused(name + ": REFUSED it was signed with the certificate whose SHA-256 is " + recorded
                    + ", which is none of the " + certificates.size() + " given (after a key rollover, give the"
                    + " earlier certificates too)");
        }
        for (Map.Entry<String, X509Certificate> k : certificates.entrySet()) {
            if ((recorded == null || recorded.equals(k.getKey())) && c.verify(k.getValue())) {
                return k.getKey();
            }
        }
        throw new Refused(name + ": REFUSED it does not carry the node's signature");
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("the proof has no " + name);
        }
        return v;
    }

    private static String hex(String h) {
        if (h == null || !h.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("a hash is 64 hex digits: " + h);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static byte[] hash(String h) {
        return HEX.parseHex(hex(h));
    }
}
