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
    /** Two index fingers, a face and an iris of another person. */
    public static final String OTHER_PERSON = "type-10-14-17-piv-index-iris.an2";

    private static final Pattern SET = Pattern.compile(
            "(<(\\w+):BiometricSet>)\\s*<cmn:Transaction>.*?(\\s*</\\2:BiometricSet>)", Pattern.DOTALL);

    private BiometricSets() {
    }

    /** The bytes of one of the repository's sample transactions. */
    public static byte[] transaction(String file) {
        return SampleMessages.biometricSample(file);
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
