package org.passerelle.gateway.keys;

import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The party's key-encryption keys as this node holds them: the current one, which wraps, and any others it may unwrap
 * with (the earlier ones during a rotation, or the next one before it). Implemented by {@link KeyEncryptionKeys} over a
 * key store ({@link KeystoreKeks}) or a PKCS#11 token ({@link Pkcs11Keks}).
 */
public interface KekProvider {

    /** The id of the KEK that {@link #wrap} wraps under. */
    String currentKekId();

    /** The ids of every KEK this node holds, the current one first. */
    Set<String> kekIds();

    default boolean holds(String kekId) {
        return kekIds().contains(kekId);
    }

    /** Wraps {@code dataKey} under the current KEK, bound to {@code dataKeyId}. */
    WrappedKey wrap(String dataKeyId, SecretKey dataKey);

    /**
     * Unwraps a data key wrapped under {@code kekId} for {@code dataKeyId}.
     *
     * @throws org.passerelle.gateway.error.GatewayException {@code PAYLOAD_KEY_UNAVAILABLE} when this node does not
     *         hold that KEK, or the wrapping does not open under it (changed, moved from another row, or made under
     *         another key)
     */
    SecretKey unwrap(String dataKeyId, String kekId, byte[] wrapped);

    /** Where the current KEK lives, for logs and health: a file or a token label, never key material. */
    String description();
}
