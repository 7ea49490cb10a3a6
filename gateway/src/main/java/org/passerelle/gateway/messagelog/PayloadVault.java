package org.passerelle.gateway.messagelog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts envelope bytes at rest with AES-256-GCM (the JDK's provider, the fastest here), binding each
 * ciphertext to its message id as associated data so that a payload cannot be moved to another row.
 */
public final class PayloadVault {

    private static final int TAG_BITS = 128;
    private static final int IV_BYTES = 12;

    private final SecretKey key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    PayloadVault(SecretKey key) {
        this.key = key;
        this.keyId = keyIdOf(key);
    }

    /** Loads the data key from the file, creating the file (owner-only) with a fresh key when it does not exist. */
    public static PayloadVault fromKeyFile(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                KeyGenerator generator = KeyGenerator.getInstance("AES");
                generator.init(256);
                byte[] encoded = Base64.getEncoder().encode(generator.generateKey().getEncoded());
                Files.write(file, encoded, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // Not a POSIX file system: the folder's own permissions protect it.
                }
            }
            byte[] raw = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (raw.length != 32) {
                throw new IllegalStateException("The data key in " + file + " is not a 256-bit AES key");
            }
            return new PayloadVault(new SecretKeySpec(raw, "AES"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the data key " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available", e);
        }
    }

    public String keyId() {
        return keyId;
    }

    /**
     * Encrypts {@code plain} bound to {@code messageId}: a message id for payloads, any other stable name for what
     * else is sealed like them (the biometric gallery's templates).
     */
    public Sealed seal(String messageId, byte[] plain) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(messageId.getBytes(StandardCharsets.US_ASCII));
            return new Sealed(keyId, iv, cipher.doFinal(plain));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Payload encryption failed", e);
        }
    }

    /** Decrypts what {@link #seal} sealed under the same name; refuses another key or a changed ciphertext. */
    public byte[] open(String messageId, String sealedKeyId, byte[] iv, byte[] ciphertext) {
        if (!keyId.equals(sealedKeyId)) {
            throw new IllegalStateException("Payload of " + messageId + " was sealed with key " + sealedKeyId
                    + ", this node holds " + keyId);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(messageId.getBytes(StandardCharsets.US_ASCII));
            return cipher.doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Payload of " + messageId + " failed its integrity check", e);
        }
    }

    private static String keyIdOf(SecretKey key) {
        try {
            // Names the key without revealing it: the first 8 bytes of SHA-256 over a label and the key.
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("passerelle-data-key".getBytes(StandardCharsets.US_ASCII));
            return "k-" + HexFormat.of().formatHex(sha.digest(key.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Sealed(String keyId, byte[] iv, byte[] ciphertext) {
    }
}
