package org.passerelle.security.audit;

import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.passerelle.security.Fingerprints;
import org.passerelle.security.audit.ChainBreak.Kind;

/**
 * Verifies an audit chain streamed to it entry by entry, in the order it is stored, against checkpoints signed by the
 * node's certificates (the current one and, after key rollovers, the earlier ones), and locates the first break. Memory stays bounded whatever the chain's length: a look-ahead
 * window of {@value #LOOKAHEAD} entries and the hashes of the last {@value #RECENT} good entries.
 *
 * <p>Give it every checkpoint first ({@link #checkpoint}), then the entries ({@link #entry}), then call
 * {@link #finish()}. With the last good entry at {@code s} (hash {@code h}), an entry {@code e} follows the chain when
 * {@code e.seq = s + 1}, {@code e.prevHash = h} and its recomputed hash equals its stored hash. Otherwise the first
 * rule that applies names the break:
 * <ol>
 *   <li>{@code e.seq <= s}: INSERTED at {@code e.seq} (a sequence number seen again);</li>
 *   <li>a later entry in the window has the hash {@code e} names as its previous: REORDERED at {@code e.seq};</li>
 *   <li>a later entry in the window names {@code h} as its previous: INSERTED at {@code e.seq} (the entries from
 *       {@code e} up to it are extra);</li>
 *   <li>{@code e.prevHash = h} but its seq or its content is wrong: ALTERED at {@code s + 1};</li>
 *   <li>{@code e.prevHash} is the hash of an earlier good entry {@code j < s}: INSERTED at {@code j + 1};</li>
 *   <li>{@code e.prevHash != h} and {@code e.seq > s + 1}: DELETED at {@code s + 1} (the first missing);</li>
 *   <li>{@code e.prevHash != h}, {@code e} itself hashes right: ALTERED at {@code s} (entry {@code s} was changed and
 *       re-hashed; {@code e} still names the original);</li>
 *   <li>{@code e.prevHash != h} but {@code e} hashes right from {@code h}: ALTERED at {@code e.seq} (its previous-hash
 *       field was changed);</li>
 *   <li>{@code e.prevHash != h} and {@code e} hashes right at a higher sequence number: DELETED at {@code e.seq}
 *       (entries were deleted and the later ones renumbered);</li>
 *   <li>anything else: ALTERED at {@code e.seq}.</li>
 * </ol>
 * Checkpoints: each is checked with the certificate whose SHA-256 it records (one recording none, from an export
 * written before rollover existed, with whichever given certificate verifies it); a bad signature is
 * CHECKPOINT_FORGED, a recorded certificate that is none of those given (its signature cannot be checked) is
 * CHECKPOINT_SIGNER_UNKNOWN, each at its seq; a head hash that differs from the entry at its seq is CHECKPOINT_MISMATCH,
 * and so is a Merkle root (format-2 checkpoints) that is not the root of the entries up to its seq — checked when the
 * chain is verified from genesis, with the tree's right edge kept as it goes ({@link MerkleTree.Frontier}, at most 64
 * hashes); a range starting later holds too few leaves to recompute a root, so there only the head hash is checked; a valid checkpoint beyond the last entry is TRUNCATED at the first missing seq. The report
 * names the break with the lowest position.
 *
 * <p>Witnessed checkpoints ({@link #witnessed}): copies of the node's checkpoints that partners kept, given with the
 * witness's name. Each must carry the node's signature like any checkpoint (a copy that does not is counted as
 * rejected and ignored: it is the witness's problem, not the log's). A copy at a seq the chain holds must name the same
 * hash and, verified from genesis, the same Merkle root, else WITNESS_MISMATCH at the first entry after the last
 * witnessed checkpoint that still agrees; a copy beyond the chain's end is TRUNCATED at the first missing seq. Local
 * checkpoints can be re-signed by whoever holds the node's key; copies held by the partners cannot be changed by
 * anyone at the node.
 */
public final class ChainVerifier {

    /** How far ahead the verifier looks to tell a reordering or an insertion from a deletion. */
    public static final int LOOKAHEAD = 64;
    /** How many recent good hashes it remembers to recognise an insertion. */
    public static final int RECENT = 4096;

    /** The certificates checkpoints may be signed with, by the lowercase hex SHA-256 of their DER encoding. */
    private final Map<String, X509Certificate> signers;
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, Long> verifiedBy = new LinkedHashMap<>();
    private final long firstSeq;
    private final TreeMap<Long, List<Checkpoint>> checkpoints = new TreeMap<>();
    private final TreeMap<Long, List<Witnessed>> witnessed = new TreeMap<>();
    private final Map<String, long[]> witnesses = new LinkedHashMap<>();
    private long agreedUpTo;
    private final ArrayDeque<AuditRecord> window = new ArrayDeque<>();
    private final LinkedHashMap<String, Long> recent = new LinkedHashMap<>(RECENT * 2) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > RECENT;
        }
    };
    /** The Merkle tree's right edge over the entries accepted so far; null for a range not starting at genesis. */
    private final MerkleTree.Frontier merkle;
    private long lastSeq;
    private String lastHash;
    private long entries;
    private long checkpointCount;
    private Checkpoint lastCheckpoint;
    private ChainBreak chainBreak;
    private ChainBreak checkpointBreak;
    private boolean finished;

    private ChainVerifier(List<X509Certificate> signers, long firstSeq, String anchorHash) {
        this(signers, firstSeq, anchorHash, firstSeq == 1 ? new MerkleTree.Frontier() : null);
    }

    private ChainVerifier(List<X509Certificate> signers, long firstSeq, String anchorHash, MerkleTree.Frontier merkle) {
        if (signers.isEmpty()) {
            throw new IllegalArgumentException("a chain is verified with at least one certificate");
        }
        this.signers = new LinkedHashMap<>();
        signers.forEach(c -> this.signers.putIfAbsent(Fingerprints.sha256(Objects.requireNonNull(c, "signer")), c));
        this.firstSeq = firstSeq;
        this.lastSeq = firstSeq - 1;
        this.lastHash = anchorHash;
        this.merkle = merkle;
    }

    /**
     * Verifies a chain whose entries up to the checkpoint {@code anchor} were pruned: the first entry must be
     * {@code anchor.seq() + 1} and name the anchor's head hash as its predecessor, and the Merkle roots of later
     * checkpoints are computed on from {@code frontier} (the pruned prefix's subtree hashes, largest first), which must
     * hash to the root the anchor signed. An anchor not signed by one of the certificates, or whose frontier is not
     * the one it signed, is a break at the anchor's seq; so is any gap or change after it.
     */
    public static ChainVerifier afterPrune(Checkpoint anchor, List<byte[]> frontier, List<X509Certificate> signers) {
        MerkleTree.Frontier from = null;
        boolean frontierOk = false;
        try {
            from = MerkleTree.Frontier.of(anchor.seq(), frontier);
            frontierOk = anchor.merkleRoot() != null && HEX.formatHex(from.root()).equalsIgnoreCase(anchor.merkleRoot());
        } catch (IllegalArgumentException malformed) {
            // Reported as a mismatch below; the chain after it is still read.
        }
        ChainVerifier v = new ChainVerifier(signers, anchor.seq() + 1, anchor.headHash(), frontierOk ? from : null);
        v.checkpoint(anchor);
        if (!frontierOk) {
            v.checkpointBroken(new ChainBreak(anchor.seq(), Kind.CHECKPOINT_MISMATCH, "the entries up to seq "
                    + anchor.seq() + " were pruned, but the frontier kept for them does not hash to the Merkle root"
                    + " the checkpoint signed " + anchor.at() + " names"));
        } else if (v.checkpointBreak == null) {
            v.goodCheckpoint(anchor);
        }
        return v;
    }

    /** Verifies a whole chain from its first entry, whose previous hash must be {@link ChainHash#GENESIS}. */
    public static ChainVerifier fromGenesis(X509Certificate signer) {
        return fromGenesis(List.of(signer));
    }

    /**
     * Verifies a whole chain from genesis whose checkpoints may be signed with any of the certificates given (the
     * node's current one and those it held before a key rollover).
     */
    public static ChainVerifier fromGenesis(List<X509Certificate> signers) {
        return new ChainVerifier(signers, 1, ChainHash.GENESIS);
    }

    /**
     * Verifies a chain that starts at {@code firstSeq} (an export of a range): the first entry's previous hash is taken
     * as given, and checked against a checkpoint at {@code firstSeq - 1} when there is one.
     */
    public static ChainVerifier fromSeq(long firstSeq, X509Certificate signer) {
        return fromSeq(firstSeq, List.of(signer));
    }

    /** As {@link #fromSeq(long, X509Certificate)}, with checkpoints signed with any of the certificates given. */
    public static ChainVerifier fromSeq(long firstSeq, List<X509Certificate> signers) {
        return firstSeq <= 1 ? fromGenesis(signers) : new ChainVerifier(signers, firstSeq, null);
    }

    /** Adds a checkpoint; its signature is checked at once. Give every checkpoint before the entries it covers. */
    public void checkpoint(Checkpoint c) {
        checkpointCount++;
        String recorded = c.certificateSha256() == null ? null : c.certificateSha256().toLowerCase(Locale.ROOT);
        if (recorded != null && !recorded.matches("[0-9a-f]{64}")) {
            checkpointBroken(new ChainBreak(c.seq(), Kind.CHECKPOINT_FORGED, "checkpoint at seq " + c.seq()
                    + " names its signing certificate by something that is not a SHA-256"));
            return;
        }
        if (recorded != null && !signers.containsKey(recorded)) {
            // Not verifiable is a break, but not a proven forgery: an auditor who left out an earlier certificate is
            // told so, rather than told the log was forged.
            checkpointBroken(new ChainBreak(c.seq(), Kind.CHECKPOINT_SIGNER_UNKNOWN,
                    "checkpoint at seq " + c.seq() + " signed " + c.at() + " by " + c.nodeId()
                            + " cannot be verified: it was signed with the certificate whose SHA-256 is " + recorded
                            + ", which is none of the " + signers.size() + " certificate(s) given"
                            + " (after a key rollover, give the earlier certificates too)"));
            return;
        }
        String by = recorded != null
                ? (c.verify(signers.get(recorded)) ? recorded : null)
                // Recorded by no one (an export from before rollover): any given certificate may have signed it.
                : signers.entrySet().stream().filter(s -> c.verify(s.getValue())).map(Map.Entry::getKey)
                        .findFirst().orElse(null);
        if (by == null) {
            checkpointBroken(new ChainBreak(c.seq(), Kind.CHECKPOINT_FORGED,
                    "checkpoint at seq " + c.seq() + " signed " + c.at() + " by " + c.nodeId()
                            + " does not carry the node's signature"));
            return;
        }
        verifiedBy.merge(by, 1L, Long::sum);
        checkpoints.computeIfAbsent(c.seq(), s -> new ArrayList<>(1)).add(c);
    }

    /** A checkpoint copy and the witness that kept it. */
    private record Witnessed(Checkpoint checkpoint, String witness) {
    }

    /**
     * Adds a copy of one of the node's checkpoints that the witness (a partner) kept; its signature is checked at once.
     * Give every copy before the entries.
     */
    public void witnessed(Checkpoint c, String witness) {
        long[] counts = witnesses.computeIfAbsent(Objects.requireNonNull(witness, "witness"), w -> new long[4]);
        counts[0]++;
        String recorded = c.certificateSha256() == null ? null : c.certificateSha256().toLowerCase(Locale.ROOT);
        X509Certificate signer = recorded == null ? null : signers.get(recorded);
        if (signer == null || !c.verify(signer)) {
            counts[1]++;
            return;
        }
        counts[2] = Math.max(counts[2], c.seq());
        witnessed.computeIfAbsent(c.seq(), s -> new ArrayList<>(1)).add(new Witnessed(c, witness));
    }

    /** Takes the next entry in stored order. */
    public void entry(AuditRecord e) {
        if (finished) {
            throw new IllegalStateException("already finished");
        }
        entries++;
        if (chainBreak != null) {
            return;
        }
        window.addLast(e);
        if (window.size() > LOOKAHEAD) {
            step(window.pollFirst());
        }
    }

    /**
     * As {@link #finish()}, then compares the end of the chain with the head the log recorded for it (its last seq
     * and hash, kept apart from the entries): entries deleted from the end with the head left as it was are
     * TRUNCATED at the first missing seq, a head whose hash is not the last entry's is ALTERED there, and entries
     * beyond the head (never sealed through it) are INSERTED after it. Give the head read before the entries were.
     */
    public ChainReport finish(long headSeq, String headHash) {
        if (!finished) {
            drain();
            if (chainBreak == null) {
                long last = Math.max(lastSeq, 0);
                if (headSeq > last) {
                    chainBreak = new ChainBreak(last + 1, Kind.TRUNCATED, "the chain ends at seq " + last
                            + " but its head records seq " + headSeq);
                } else if (headSeq < last) {
                    chainBreak = new ChainBreak(headSeq + 1, Kind.INSERTED, "the chain runs to seq " + last
                            + " but its head records seq " + headSeq);
                } else if (headSeq > 0 && !headHash.equalsIgnoreCase(lastHash)) {
                    chainBreak = new ChainBreak(headSeq, Kind.ALTERED, "the entry at seq " + headSeq
                            + " does not hash to the hash its head records");
                }
            }
        }
        return finish();
    }

    /** Verifies what is still in the look-ahead window, then the checkpoints beyond the end, and reports. */
    public ChainReport finish() {
        drain();
        long checkpointedUpTo = lastCheckpoint == null ? firstSeq - 1 : lastCheckpoint.seq();
        ChainBreak first = chainBreak;
        if (checkpointBreak != null && (first == null || checkpointBreak.seq() < first.seq())) {
            first = checkpointBreak;
        }
        Map<String, ChainReport.Witness> byWitness = new LinkedHashMap<>();
        witnesses.forEach((w, n) -> byWitness.put(w, new ChainReport.Witness(n[0], n[1], n[2], n[3])));
        return new ChainReport(entries, checkpointCount, Math.max(lastSeq, 0), lastCheckpoint,
                Math.max(0, lastSeq - checkpointedUpTo), first, ordered(verifiedBy), byWitness);
    }

    private void drain() {
        if (finished) {
            return;
        }
        finished = true;
        while (!window.isEmpty() && chainBreak == null) {
            step(window.pollFirst());
        }
        window.clear();
        if (chainBreak == null && !checkpoints.isEmpty() && checkpoints.lastKey() > lastSeq) {
            Checkpoint beyond = checkpoints.lastEntry().getValue().get(0);
            chainBreak = new ChainBreak(lastSeq + 1, Kind.TRUNCATED, "the chain ends at seq " + lastSeq
                    + " but a checkpoint signed " + beyond.at() + " covers seq " + beyond.seq());
        }
        long end = Math.max(lastSeq, firstSeq - 1);
        if (chainBreak == null && !witnessed.isEmpty() && witnessed.lastKey() > end) {
            Witnessed beyond = witnessed.lastEntry().getValue().get(0);
            checkpointBroken(new ChainBreak(end + 1, Kind.TRUNCATED, "the chain ends at seq " + end + " but "
                    + beyond.witness() + " witnessed a checkpoint signed " + beyond.checkpoint().at() + " over seq "
                    + beyond.checkpoint().seq() + ": entries from seq " + (end + 1) + " are missing"));
        }
    }

    /** The counts in the order the certificates were given, so a report reads current first. */
    private Map<String, Long> ordered(Map<String, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        signers.keySet().forEach(k -> {
            if (counts.containsKey(k)) {
                out.put(k, counts.get(k));
            }
        });
        return out;
    }

    private void step(AuditRecord e) {
        if (lastHash == null) {
            anchor(e);
            if (e.seq() != firstSeq) {
                chainBreak = e.seq() > firstSeq
                        ? new ChainBreak(firstSeq, Kind.DELETED, "the range starts at seq " + firstSeq
                                + " but its first entry is seq " + e.seq())
                        : new ChainBreak(e.seq(), Kind.INSERTED, "seq " + e.seq() + " precedes the range's start");
                return;
            }
        }
        String recomputed = ChainHash.hash(e.prevHash(), e);
        boolean contentOk = recomputed.equals(e.hash());
        boolean linkOk = e.prevHash().equals(lastHash);
        long expected = lastSeq + 1;
        if (contentOk && linkOk && e.seq() == expected) {
            accept(e);
            return;
        }
        chainBreak = classify(e, contentOk, linkOk, expected);
    }

    private ChainBreak classify(AuditRecord e, boolean contentOk, boolean linkOk, long expected) {
        boolean seenAny = lastSeq >= firstSeq;
        if (seenAny && e.seq() <= lastSeq) {
            return new ChainBreak(e.seq(), Kind.INSERTED,
                    "seq " + e.seq() + " appears again after seq " + lastSeq + ": an entry the chain never held");
        }
        for (AuditRecord later : window) {
            if (later.hash().equals(e.prevHash())) {
                return new ChainBreak(e.seq(), Kind.REORDERED,
                        "seq " + e.seq() + " comes before the entry it follows (stored as seq " + later.seq() + ")");
            }
        }
        if ((seenAny && !contentOk) || !linkOk) {
            for (AuditRecord later : window) {
                if (later.prevHash().equals(lastHash)) {
                    return new ChainBreak(e.seq(), Kind.INSERTED, "entries from seq " + e.seq() + " to before seq "
                            + later.seq() + " are not in the chain: seq " + later.seq() + " follows seq " + lastSeq);
                }
            }
        }
        if (linkOk) {
            return e.seq() != expected
                    ? new ChainBreak(expected, Kind.ALTERED, "the entry at seq " + expected + " is stored as seq " + e.seq())
                    : new ChainBreak(e.seq(), Kind.ALTERED, "seq " + e.seq() + " does not hash to its stored hash");
        }
        Long earlier = recent.get(e.prevHash());
        if (earlier != null) {
            return new ChainBreak(earlier + 1, Kind.INSERTED, "seq " + e.seq() + " follows seq " + earlier
                    + ": the entries from seq " + (earlier + 1) + " to seq " + lastSeq + " are not in the chain");
        }
        if (e.seq() > expected) {
            return new ChainBreak(expected, Kind.DELETED, (e.seq() - expected == 1 ? "seq " + expected
                    : "seq " + expected + " to seq " + (e.seq() - 1)) + " missing: seq " + e.seq()
                    + " names a predecessor the chain no longer holds");
        }
        if (contentOk && seenAny) {
            return new ChainBreak(lastSeq, Kind.ALTERED, "seq " + lastSeq + " was changed and re-hashed: seq "
                    + e.seq() + " still names its original hash");
        }
        if (ChainHash.hash(lastHash, e).equals(e.hash())) {
            return new ChainBreak(e.seq(), Kind.ALTERED, "the previous-hash field of seq " + e.seq() + " was changed");
        }
        for (int k = 1; k <= LOOKAHEAD; k++) {
            AuditRecord renumbered = e.withSeq(e.seq() + k);
            if (ChainHash.hash(e.prevHash(), renumbered).equals(e.hash())) {
                return new ChainBreak(e.seq(), Kind.DELETED, k + " entr" + (k == 1 ? "y" : "ies") + " missing before seq "
                        + e.seq() + ", which was sealed as seq " + (e.seq() + k) + " and renumbered");
            }
        }
        return new ChainBreak(e.seq(), Kind.ALTERED, "seq " + e.seq() + " neither hashes to its stored hash nor "
                + "follows seq " + lastSeq);
    }

    private void anchor(AuditRecord first) {
        lastHash = first.prevHash();
        List<Checkpoint> atAnchor = checkpoints.get(firstSeq - 1);
        if (atAnchor != null) {
            for (Checkpoint c : atAnchor) {
                if (!c.headHash().equals(lastHash)) {
                    checkpointBroken(new ChainBreak(c.seq(), Kind.CHECKPOINT_MISMATCH, "the checkpoint at seq "
                            + c.seq() + " names another hash than seq " + first.seq() + " names as its predecessor"));
                } else {
                    goodCheckpoint(c);
                }
            }
        }
    }

    private void accept(AuditRecord e) {
        lastSeq = e.seq();
        lastHash = e.hash();
        recent.put(e.hash(), e.seq());
        if (merkle != null) {
            merkle.append(HEX.parseHex(e.hash()));
        }
        compareWithWitnesses(e);
        List<Checkpoint> here = checkpoints.get(e.seq());
        if (here != null) {
            String root = merkle == null ? null : HEX.formatHex(merkle.root());
            for (Checkpoint c : here) {
                if (root != null && c.merkleRoot() != null && !root.equalsIgnoreCase(c.merkleRoot())) {
                    checkpointBroken(new ChainBreak(e.seq(), Kind.CHECKPOINT_MISMATCH, "the checkpoint signed "
                            + c.at() + " by " + c.nodeId() + " names another Merkle root for seq 1 to " + e.seq()));
                } else if (c.headHash().equals(e.hash())) {
                    goodCheckpoint(c);
                } else {
                    checkpointBroken(new ChainBreak(e.seq(), Kind.CHECKPOINT_MISMATCH, "the checkpoint signed "
                            + c.at() + " by " + c.nodeId() + " names another hash for seq " + e.seq()));
                }
            }
        }
    }

    private void compareWithWitnesses(AuditRecord e) {
        List<Witnessed> here = witnessed.get(e.seq());
        if (here == null) {
            return;
        }
        String root = merkle == null ? null : HEX.formatHex(merkle.root());
        for (Witnessed w : here) {
            Checkpoint c = w.checkpoint();
            boolean rootOk = root == null || c.merkleRoot() == null || root.equalsIgnoreCase(c.merkleRoot());
            if (rootOk && c.headHash().equalsIgnoreCase(e.hash())) {
                agreedUpTo = Math.max(agreedUpTo, e.seq());
                long[] counts = witnesses.get(w.witness());
                counts[3] = Math.max(counts[3], e.seq());
            } else {
                long from = agreedUpTo + 1;
                checkpointBroken(new ChainBreak(from, Kind.WITNESS_MISMATCH, w.witness() + " witnessed the checkpoint"
                        + " signed " + c.at() + " at seq " + c.seq() + " with another " + (rootOk ? "hash" : "Merkle root")
                        + " than the chain has: the entries from seq " + from + " to seq " + c.seq()
                        + " are not those it witnessed" + (agreedUpTo == 0 ? "" : " (seq " + agreedUpTo
                        + " and before still agree with a witnessed checkpoint)")));
            }
        }
    }

    private void goodCheckpoint(Checkpoint c) {
        if (lastCheckpoint == null || c.seq() >= lastCheckpoint.seq()) {
            lastCheckpoint = c;
        }
    }

    private void checkpointBroken(ChainBreak b) {
        if (checkpointBreak == null || b.seq() < checkpointBreak.seq()) {
            checkpointBreak = b;
        }
    }
}
