package org.passerelle.gateway.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;

/**
 * One key-encryption key: an AES-256 key in a key store (then the JDK's provider uses it) or on a PKCS#11 token (then
 * the token's provider does, and the key never leaves the token). Wraps a data key with AES-256-GCM, the data key's id
 * as associated data, so that a wrapping copied to another row does not open there.
 *
 * <p>Its id is a key check value, the same wherever the key lives: {@code kek-} and the first 8 bytes, in hex, of the
 * AES encryption of one fixed block under it. It names the key without revealing it, and the same key in a key store
 * and on a token has the same id.
 */
final class Kek {

    private static final byte[] CHECK_BLOCK = "passerelle.kek.1".getBytes(StandardCharsets.US_ASCII);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int DATA_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final Key key;
    private final Provider provider;
    private final String source;

    /**
     * @param key      the AES key (a {@link SecretKey} from a key store, or a token's handle to one)
     * @param provider the provider that uses it: null for the JDK's default, the token's for PKCS#11
     * @param source   where it lives (a file and alias, a token label), for messages
     */
    Kek(Key key, Provider provider, String source) {
        this.key = key;
        this.provider = provider;
        this.source = source;
        this.id = checkValue();
    }

    String id() {
        return id;
    }

    String source() {
        return source;
    }

    WrappedKey wrap(String dataKeyId, SecretKey dataKey) {
        byte[] raw = dataKey.getEncoded();
        if (raw == null || raw.length != DATA_KEY_BYTES) {
            throw new IllegalArgumentException("a data key is a 256-bit AES key");
        }
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = cipher("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(dataKeyId));
            byte[] sealed = cipher.doFinal(raw);
            byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return new WrappedKey(id, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Wrapping data key " + dataKeyId + " under KEK " + id + " failed", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    SecretKey unwrap(String dataKeyId, byte[] wrapped) {
        if (wrapped == null || wrapped.length <= IV_BYTES) {
            throw unavailable("Data key " + dataKeyId + " has no wrapping", null);
        }
        byte[] raw = null;
        try {
            Cipher cipher = cipher("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrapped, 0, IV_BYTES));
            cipher.updateAAD(aad(dataKeyId));
            raw = cipher.doFinal(wrapped, IV_BYTES, wrapped.length - IV_BYTES);
            if (raw.length != DATA_KEY_BYTES) {
                throw unavailable("Data key " + dataKeyId + " unwrapped under KEK " + id + " is not a 256-bit key", null);
            }
            return new SecretKeySpec(raw, "AES");
        } catch (javax.crypto.AEADBadTagException e) {
            throw unavailable("The wrapping of data key " + dataKeyId + " does not open under KEK " + id
                    + ": it was changed, or made under another key", e);
        } catch (GeneralSecurityException e) {
            throw unavailable("Unwrapping data key " + dataKeyId + " under KEK " + id + " failed", e);
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }

    private String checkValue() {
        try {
            Cipher cipher = cipher("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key);
            return "kek-" + HexFormat.of().formatHex(cipher.doFinal(CHECK_BLOCK), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The KEK in " + source + " cannot encrypt with AES: " + e.getMessage(), e);
        }
    }

    private Cipher cipher(String transformation) throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance(transformation) : Cipher.getInstance(transformation, provider);
    }

    private static byte[] aad(String dataKeyId) {
        return ("passerelle-data-key:" + dataKeyId).getBytes(StandardCharsets.US_ASCII);
    }

    static GatewayException unavailable(String message, Throwable cause) {
        return new GatewayException(GatewayErrorCode.PAYLOAD_KEY_UNAVAILABLE, message, cause);
    }
}
