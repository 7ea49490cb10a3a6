package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.KEY_MATERIAL_INVALID;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** SHA-256 fingerprints of certificates, as operators write them when they register a partner's gateway. */
public final class Fingerprints {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private Fingerprints() {
    }

    /** The lower-case hex SHA-256 of the certificate's DER encoding. */
    public static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "cannot take the certificate's fingerprint", e);
        }
    }

    /** A fingerprint as configured (colons, spaces and case ignored), checked to be a SHA-256 in hex. */
    public static String normalise(String fingerprint) {
        String hex = fingerprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(hex).matches()) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "a registered gateway fingerprint is not a SHA-256 in hex");
        }
        return hex;
    }
}
