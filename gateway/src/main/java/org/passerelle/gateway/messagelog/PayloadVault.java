package org.passerelle.gateway.messagelog;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.passerelle.gateway.keys.DataKeys;
import org.springframework.stereotype.Component;

/**
 * Encrypts envelope bytes at rest with AES-256-GCM (the JDK's provider, the fastest here), binding each
 * ciphertext to its message id as associated data so that a payload cannot be moved to another row. Seals under the
 * party's active data key and opens under whichever data key a row names ({@link DataKeys}: stored in the database,
 * wrapped under the party's KEK), so any node of the party opens what another sealed.
 */
@Component
public final class PayloadVault {

    private static final int TAG_BITS = 128;
    private static final int IV_BYTES = 12;

    private final DataKeys keys;
    private final SecureRandom random = new SecureRandom();

    public PayloadVault(DataKeys keys) {
        this.keys = keys;
    }

    /** The id of the data key this node seals under now. */
    public String keyId() {
        return keys.active().id();
    }

    /**
     * Encrypts {@code plain} bound to {@code messageId}: a message id for payloads, any other stable name for what
     * else is sealed like them (the biometric gallery's templates).
     */
    public Sealed seal(String messageId, byte[] plain) {
        DataKeys.DataKey key = keys.active();
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(messageId.getBytes(StandardCharsets.US_ASCII));
            return new Sealed(key.id(), iv, cipher.doFinal(plain));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Payload encryption failed", e);
        }
    }

    /**
     * Decrypts what {@link #seal} sealed under the same name; refuses a changed ciphertext.
     *
     * @throws org.passerelle.gateway.error.GatewayException {@code PAYLOAD_KEY_UNAVAILABLE} when the data key it names
     *         is not stored or cannot be unwrapped on this node (its KEK is not configured here)
     */
    public byte[] open(String messageId, String sealedKeyId, byte[] iv, byte[] ciphertext) {
        SecretKey key = keys.key(sealedKeyId);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(messageId.getBytes(StandardCharsets.US_ASCII));
            return cipher.doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Payload of " + messageId + " failed its integrity check", e);
        }
    }

    public record Sealed(String keyId, byte[] iv, byte[] ciphertext) {
    }
}
