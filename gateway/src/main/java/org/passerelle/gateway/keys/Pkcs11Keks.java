package org.passerelle.gateway.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Collections;
import javax.crypto.SecretKey;

/**
 * KEKs held on a PKCS#11 token (an HSM, or SoftHSM2 in tests) through the JDK's SunPKCS11 provider configured from a
 * file. The key is found by its label (CKA_LABEL) and used on the token: AES-ECB for its check value and AES-GCM to
 * wrap and unwrap data keys (the token key needs CKA_ENCRYPT and CKA_DECRYPT); it never leaves the token.
 */
public final class Pkcs11Keks {

    private final Provider provider;
    private final KeyStore token;
    private final String name;

    private Pkcs11Keks(Provider provider, KeyStore token, String name) {
        this.provider = provider;
        this.token = token;
        this.name = name;
    }

    /** Configures a SunPKCS11 provider from {@code config} and logs in to its token with {@code pin}. */
    static Pkcs11Keks open(Path config, char[] pin) {
        if (config == null || !Files.isReadable(config)) {
            throw new IllegalStateException("passerelle.keys.pkcs11.config must name a readable SunPKCS11 configuration"
                    + " file (got " + config + ")");
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IllegalStateException("This JDK has no SunPKCS11 provider");
        }
        try {
            Provider provider = base.configure(config.toString());
            KeyStore token = KeyStore.getInstance("PKCS11", provider);
            token.load(null, pin);
            return new Pkcs11Keks(provider, token, provider.getName());
        } catch (IOException | GeneralSecurityException | java.security.ProviderException e) {
            throw new IllegalStateException("Cannot open the PKCS#11 token configured in " + config + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Puts an AES key on the token under {@code label} (a token object). For tests: on an HSM the party's KEK is made or
     * imported with the HSM's own tools, once, by its custodians.
     */
    void store(String label, SecretKey key) {
        try {
            token.setEntry(label, new KeyStore.SecretKeyEntry(key), null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot store key '" + label + "' on the PKCS#11 token " + name, e);
        }
    }

    /** The token's AES key labelled {@code label}. */
    Kek kek(String label) {
        try {
            Key key = token.getKey(label, null);
            if (!(key instanceof SecretKey) || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
                throw new IllegalStateException("The PKCS#11 token " + name + " holds no AES secret key labelled '"
                        + label + "' (it holds " + Collections.list(token.aliases()) + ")");
            }
            return new Kek(key, provider, "PKCS#11 " + name + " label " + label);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read key '" + label + "' from the PKCS#11 token " + name, e);
        }
    }
}
