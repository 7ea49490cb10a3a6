package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.KEY_MATERIAL_INVALID;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain (own certificate first), loaded from a PKCS#12 file.
 *
 * @param privateKey the private key, never logged or exported by this library
 * @param chain      the certificate chain, the key's own certificate first
 */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {

    public KeyMaterial {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "a key needs its certificate");
        }
        if (!sameFamily(privateKey.getAlgorithm(), chain.get(0).getPublicKey().getAlgorithm())) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "private key and certificate do not belong together");
        }
    }

    /** The key's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The chain without self-signed certificates: what a signature or a TLS handshake sends along. */
    public List<X509Certificate> chainWithoutRoots() {
        return chain.stream().filter(c -> !c.getSubjectX500Principal().equals(c.getIssuerX500Principal())).toList();
    }

    /** Loads the only private-key entry of a PKCS#12 file. */
    public static KeyMaterial load(Path pkcs12, char[] password) {
        return load(pkcs12, password, null);
    }

    /** Loads the private-key entry with the given alias (or the only one, if alias is null) of a PKCS#12 file. */
    public static KeyMaterial load(Path pkcs12, char[] password, String alias) {
        KeyStore store = readKeyStore(pkcs12, password);
        try {
            List<String> keys = new ArrayList<>();
            for (String a : Collections.list(store.aliases())) {
                if (store.isKeyEntry(a)) {
                    keys.add(a);
                }
            }
            String chosen = alias != null ? alias : keys.size() == 1 ? keys.get(0) : null;
            if (chosen == null || !keys.contains(chosen)) {
                throw new SecurityCheckException(KEY_MATERIAL_INVALID,
                        "expected exactly one private key (or the alias asked for) in " + pkcs12.getFileName());
            }
            PrivateKey key = (PrivateKey) store.getKey(chosen, password);
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : store.getCertificateChain(chosen)) {
                chain.add((X509Certificate) c);
            }
            return new KeyMaterial(key, chain);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "cannot read the key in " + pkcs12.getFileName(), e);
        }
    }

    /** Every trusted-certificate entry of a PKCS#12 trust store. */
    public static List<X509Certificate> loadTrustedCertificates(Path pkcs12, char[] password) {
        KeyStore store = readKeyStore(pkcs12, password);
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (String a : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(a)) {
                    certificates.add((X509Certificate) store.getCertificate(a));
                }
            }
            return certificates;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "cannot read the trust store " + pkcs12.getFileName(), e);
        }
    }

    /** This key and chain as an in-memory PKCS#12 key store under the given alias (for key managers). */
    public KeyStore toKeyStore(String alias, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, privateKey, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "cannot hold the key in a key store", e);
        }
    }

    private static KeyStore readKeyStore(Path pkcs12, char[] password) {
        try (InputStream in = Files.newInputStream(pkcs12)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "cannot open the PKCS#12 file " + pkcs12.getFileName(), e);
        }
    }

    private static boolean sameFamily(String keyAlgorithm, String certificateKeyAlgorithm) {
        return family(keyAlgorithm).equals(family(certificateKeyAlgorithm));
    }

    private static String family(String algorithm) {
        return switch (algorithm) {
            case "RSA", "RSASSA-PSS" -> "RSA";
            case "EC", "ECDSA" -> "EC";
            default -> algorithm;
        };
    }

    @Override
    public String toString() {
        return "KeyMaterial[" + certificate().getSubjectX500Principal().getName() + "]";
    }
}
