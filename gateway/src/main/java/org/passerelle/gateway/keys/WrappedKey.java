package org.passerelle.gateway.keys;

/**
 * A data key as stored: the id of the KEK it is wrapped under, and the wrapping (a 12-byte IV followed by the
 * AES-256-GCM ciphertext and tag of the key, with the data key's id as associated data).
 */
public record WrappedKey(String kekId, byte[] wrapped) {
}
