package org.passerelle.tests.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.contracts.biometrics.DeclaredBiometrics;
import org.passerelle.contracts.biometrics.DeclaredFingerprint;
import org.passerelle.contracts.biometrics.NistTransactionCheck;

/**
 * Puts another ANSI/NIST-ITL transaction into a message's biometric set, with the facts about its records declared
 * beside it exactly as the transaction holds them — so that a test can send a referral or a request with another
 * capture of the same person (the tenprint card instead of the slaps) or with another person's fingerprints.
 */
public final class BiometricSets {

    /** The tenprint card: rolled fingers 1–10, plain thumbs, four-finger slaps (the same person as the slaps). */
    public static final String TENPRINT_CARD = "type-4-tpcard.an2";
    /** The same card as Type-14 records. */
    public static final String TENPRINT_CARD_TYPE_14 = "type-14-tpcard-nqm.an2";
    /** Slaps only (the samples' default transaction). */
    public static final String SLAPS = "type-4-14-slaps.an2";
    /** A single WSQ fingerprint of another person (not a transaction: see {@link #otherPerson()}). */
    public static final String OTHER_PERSONS_FINGER = "sample.wsq";

    private static final Pattern SET = Pattern.compile(
            "(<(\\w+):BiometricSet>)\\s*<cmn:Transaction>.*?(\\s*</\\2:BiometricSet>)", Pattern.DOTALL);

    private BiometricSets() {
    }

    /** The bytes of one of the repository's sample transactions. */
    public static byte[] transaction(String file) {
        return SampleMessages.biometricSample(file);
    }

    /**
     * A transaction holding another person's finger ({@code sample.wsq}) as a Type-4 record, right index finger, live
     * rolled, 500 ppi: the only fingerprint in the repository that is not the NIST reference person's.
     */
    public static byte[] otherPerson() {
        return singleFinger(transaction(OTHER_PERSONS_FINGER), 2, "other person");
    }

    /**
     * A minimal ANSI/NIST-ITL transaction (traditional encoding): a Type-1 record and one Type-4 record holding a WSQ
     * image of the finger at {@code position}, scanned at 500 ppi (ISR 0).
     */
    public static byte[] singleFinger(byte[] wsq, int position, String controlNumber) {
        int[] size = wsqSize(wsq);
        return singleFinger(wsq, 1, size[0], size[1], position, controlNumber);
    }

    /**
     * A transaction as {@link #singleFinger(byte[], int, String)} whose Type-4 record holds an uncompressed 8-bit image
     * of {@code width} × {@code height} pixels (GCA 0) of noise from {@code seed}: as large a valid transaction as a
     * test needs (3000 × 4000 pixels make a 16 MB envelope, near the largest the schema and the body limit take).
     */
    public static byte[] uncompressedFinger(int width, int height, int position, long seed) {
        byte[] pixels = new byte[width * height];
        new java.util.Random(seed).nextBytes(pixels);
        return singleFinger(pixels, 0, width, height, position, "large " + seed);
    }

    private static byte[] singleFinger(byte[] image, int gca, int width, int height, int position, String controlNumber) {
        int[] size = {width, height};
        byte[] wsq = image;
        String fields = "\u001d1.002:0502\u001d1.003:1\u001f1\u001e4\u001f01\u001d1.004:CAR\u001d1.005:20261203"
                + "\u001d1.007:GBTEST0000\u001d1.008:FRTEST0000\u001d1.009:" + controlNumber
                + "\u001d1.011:19.69\u001d1.012:19.69\u001c";
        // LEN counts the whole record, its own digits included.
        int length = "1.001:".length() + fields.length();
        length += String.valueOf(length + String.valueOf(length).length()).length();
        String type1 = "1.001:" + length + fields;
        if (type1.length() != length) {
            throw new IllegalStateException("Type-1 length " + type1.length() + " != " + length);
        }
        java.nio.ByteBuffer type4 = java.nio.ByteBuffer.allocate(18 + wsq.length);
        type4.putInt(18 + wsq.length).put((byte) 1).put((byte) 1)                 // LEN, IDC, IMP live rolled
                .put(new byte[] {(byte) position, (byte) 255, (byte) 255, (byte) 255, (byte) 255, (byte) 255})
                .put((byte) 0).putShort((short) size[0]).putShort((short) size[1]) // ISR 0 (500 ppi), HLL, VLL
                .put((byte) gca).put(wsq);                                         // GCA 1: WSQ, 0: none
        byte[] head = type1.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = java.util.Arrays.copyOf(head, head.length + type4.capacity());
        System.arraycopy(type4.array(), 0, out, head.length, type4.capacity());
        return out;
    }

    /** Width and height from the WSQ frame header (marker FFA2: length, black, white, height, width). */
    private static int[] wsqSize(byte[] wsq) {
        for (int i = 2; i + 10 <= wsq.length; ) {
            int marker = ((wsq[i] & 0xFF) << 8) | (wsq[i + 1] & 0xFF);
            int length = ((wsq[i + 2] & 0xFF) << 8) | (wsq[i + 3] & 0xFF);
            if (marker == 0xFFA2) {
                int height = ((wsq[i + 6] & 0xFF) << 8) | (wsq[i + 7] & 0xFF);
                int width = ((wsq[i + 8] & 0xFF) << 8) | (wsq[i + 9] & 0xFF);
                return new int[] {width, height};
            }
            i += 2 + length;
        }
        throw new IllegalArgumentException("not a WSQ image");
    }

    /** The envelope with its (first) biometric set replaced by this sample transaction, declared as it is. */
    public static byte[] withTransaction(byte[] envelope, String file) {
        return withTransaction(envelope, transaction(file));
    }

    /** The envelope with its (first) biometric set replaced by this transaction, declared as it is. */
    public static byte[] withTransaction(byte[] envelope, byte[] transaction) {
        String xml = new String(envelope, StandardCharsets.UTF_8);
        Matcher m = SET.matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("the envelope has no biometric set");
        }
        DeclaredBiometrics declared = new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES).describe(transaction);
        StringBuilder set = new StringBuilder(m.group(1)).append("<cmn:Transaction>")
                .append(Base64.getEncoder().encodeToString(transaction)).append("</cmn:Transaction>");
        for (DeclaredFingerprint f : declared.fingerprints()) {
            set.append("<cmn:Fingerprint><cmn:RecordType>").append(f.recordType()).append("</cmn:RecordType>")
                    .append("<cmn:Position>").append(f.position()).append("</cmn:Position>")
                    .append("<cmn:ImpressionType>").append(f.impressionType().name()).append("</cmn:ImpressionType>")
                    .append("<cmn:Compression>").append(f.compression().name()).append("</cmn:Compression>")
                    .append("<cmn:ResolutionPpi>").append(f.resolutionPpi()).append("</cmn:ResolutionPpi>");
            if (f.quality() != null) {
                set.append("<cmn:Quality>").append(f.quality()).append("</cmn:Quality>");
            }
            set.append("</cmn:Fingerprint>");
        }
        if (declared.facialImage()) {
            set.append("<cmn:FacialImage/>");
        }
        if (declared.irisImage()) {
            set.append("<cmn:IrisImage/>");
        }
        set.append(m.group(3));
        return (xml.substring(0, m.start()) + set + xml.substring(m.end())).getBytes(StandardCharsets.UTF_8);
    }
}
