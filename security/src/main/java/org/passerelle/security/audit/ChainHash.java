package org.passerelle.security.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The chain's hash: {@code SHA-256(prevHash || canonical(entry))}. The canonical encoding is unambiguous: a version
 * byte, the sequence number and the time (microseconds since the epoch) as 8-byte big-endian integers, then each text
 * field in a fixed order as a 4-byte length and its UTF-8 bytes, length -1 for null (so null and empty differ and no
 * field can bleed into the next). SHA-256 comes from the JDK's SUN provider, whose intrinsics are far faster than
 * Bouncy Castle's pure Java.
 */
public final class ChainHash {

    /** The previous hash of the first entry: 32 zero bytes. */
    public static final String GENESIS = "0".repeat(64);

    private static final byte VERSION = 1;
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ChainHash::newDigest);

    private ChainHash() {
    }

    /** The hash (hex) of an entry given its previous entry's hash (hex): the entry's own hash fields are ignored. */
    public static String hash(String prevHashHex, AuditRecord entry) {
        return HEX.formatHex(hash(HEX.parseHex(prevHashHex), entry));
    }

    /** The hash of an entry given its previous entry's hash (32 bytes). */
    public static byte[] hash(byte[] prevHash, AuditRecord entry) {
        if (prevHash.length != 32) {
            throw new IllegalArgumentException("a previous hash has 32 bytes");
        }
        MessageDigest digest = SHA256.get();
        digest.reset();
        digest.update(prevHash);
        digest.update(canonical(entry));
        return digest.digest();
    }

    /** The entry sealed at {@code seq} after an entry whose hash is {@code prevHashHex}. */
    public static AuditRecord seal(AuditRecord entry, long seq, String prevHashHex) {
        AuditRecord positioned = entry.sealed(seq, prevHashHex, null);
        return positioned.sealed(seq, prevHashHex, hash(prevHashHex, positioned));
    }

    /** The canonical bytes of an entry (everything its hash covers except the previous hash). */
    public static byte[] canonical(AuditRecord e) {
        String[] fields = {e.actor(), e.role(), e.channel(), e.action(), e.resource(), e.purpose(), e.caseReference(),
            e.outcome(), e.partner(), e.messageId(), e.messageType(), e.code(), e.detail(), e.payloadSha256()};
        byte[][] utf8 = new byte[fields.length][];
        int size = 1 + 8 + 8;
        for (int i = 0; i < fields.length; i++) {
            size += 4;
            if (fields[i] != null) {
                utf8[i] = fields[i].getBytes(StandardCharsets.UTF_8);
                size += utf8[i].length;
            }
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION).putLong(e.seq()).putLong(micros(e.at()));
        for (byte[] f : utf8) {
            if (f == null) {
                out.putInt(-1);
            } else {
                out.putInt(f.length).put(f);
            }
        }
        return out.array();
    }

    /** Microseconds since the epoch: the time's precision in the chain. */
    public static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
    }

    static byte[] sha256(byte[] data) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest.digest(data);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IllegalStateException("the JDK's SHA-256 is missing", e);
        }
    }
}
