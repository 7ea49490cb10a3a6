package org.passerelle.gateway.keys;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/** KEKs held as AES-256 secret-key entries of PKCS#12 (or JCEKS) key stores, used by the JDK's own AES. */
public final class KeystoreKeks {

    private KeystoreKeks() {
    }

    /** The AES secret key under {@code alias} in the key store (its type, PKCS#12 or JCEKS, read from the file). */
    static Kek load(Path file, char[] password, String alias) {
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("The KEK key store " + file + " does not exist or cannot be read");
        }
        try {
            KeyStore store = KeyStore.getInstance(file.toFile(), password);
            Key key = store.getKey(alias, password);
            if (!(key instanceof SecretKey secret) || !"AES".equalsIgnoreCase(secret.getAlgorithm())
                    || secret.getEncoded() == null || secret.getEncoded().length != 32) {
                throw new IllegalStateException("The key store " + file + " holds no AES-256 secret key under alias '"
                        + alias + "' (it holds " + java.util.Collections.list(store.aliases()) + ")");
            }
            return new Kek(secret, null, file + "#" + alias);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read the KEK key store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a PKCS#12 key store (owner-only where the file system allows) holding a fresh AES-256 key under
     * {@code alias}; refuses to overwrite a file. Used for a node without a configured KEK, and by tests.
     */
    public static void create(Path file, char[] password, String alias) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setEntry(alias, new KeyStore.SecretKeyEntry(generator.generateKey()),
                    new KeyStore.PasswordProtection(password));
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // Not a POSIX file system: the folder's own permissions protect it.
                }
                store.store(out, password);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the KEK key store " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create the KEK key store " + file, e);
        }
    }
}
