package org.passerelle.security;

import org.passerelle.contracts.ErrorCode;

/**
 * Stable codes for every way a security check can refuse a message or a certificate; partner systems
 * and auditors read them, so a code never changes meaning and new ones are only ever added.
 */
public enum SecurityErrorCode implements ErrorCode {
    /** The bytes are not a well-formed CMS structure of the expected type (truncated, garbage, trailing data, detached content). */
    CMS_MALFORMED(400),
    /**
     * The CMS structure is well-formed but not in DER, the wire's one encoding (BER indefinite lengths, constructed
     * strings, unsorted sets): two encodings of one message would give two digests of it.
     */
    CMS_NOT_DER(400),
    /** The encapsulated content is not what was signed: its digest differs from the signed message-digest attribute. */
    SIGNATURE_INVALID(403),
    /**
     * The signature was not made by the key of the certificate the SignerInfo names, that certificate is
     * not included, or there is not exactly one signer.
     */
    SIGNER_MISMATCH(403),
    /** The signed attributes carry no signing time (or there are no signed attributes). */
    SIGNING_TIME_MISSING(400),
    /** The signing time lies too far in the future or is older than the accepted age. */
    SIGNING_TIME_SKEWED(400),
    /** A digest, signature, key-transport or content-encryption algorithm, key size or curve is outside the allow-list. */
    ALGORITHM_NOT_ALLOWED(403),
    /** No certification path leads from the certificate to a trust anchor of the claimed party. */
    CHAIN_UNTRUSTED(403),
    /** A certificate of the path is expired at signing time or now. */
    CERTIFICATE_EXPIRED(403),
    /** A certificate of the path is not yet valid at signing time or now (its notBefore lies ahead). */
    CERTIFICATE_NOT_YET_VALID(403),
    /** A certificate of the path is listed on its issuer's current CRL, or a trusted OCSP answer says it is revoked. */
    CERTIFICATE_REVOKED(403),
    /**
     * No current CRL from the issuer is available (none configured, stale, or not signed by the issuer), and,
     * where OCSP is configured, no trusted OCSP answer either.
     */
    REVOCATION_UNAVAILABLE(403),
    /** The certificate is bound to another party than the one claimed, or to no party at all. */
    PARTY_MISMATCH(403),
    /** The certificate's key usage does not allow the operation (digitalSignature to sign, keyAgreement / keyEncipherment to receive). */
    KEY_USAGE_INVALID(403),
    /** The message is encrypted for another recipient than this node's certificate. */
    RECIPIENT_MISMATCH(400),
    /** Decryption failed: the authentication tag does not match or the content key cannot be recovered. */
    DECRYPTION_FAILED(400),
    /** A key store, key, certificate or CRL cannot be read or does not fit together. */
    KEY_MATERIAL_INVALID(500),
    /**
     * The certificate is the party's, but not its gateway's: an officer's or a back-end system's certificate, or one
     * without the gateway profile (digitalSignature with keyAgreement or keyEncipherment, extended key usages
     * serverAuth and clientAuth, no officer, system or role names). Only a gateway opens the partner port or signs.
     */
    NOT_A_GATEWAY_CERTIFICATE(403),
    /** A gateway certificate of the party that is not among the certificates registered (pinned) for it. */
    GATEWAY_NOT_REGISTERED(403),
    /** A local signing, encryption or key-generation operation failed (not caused by the message received). */
    OPERATION_FAILED(500);

    private final int httpStatus;

    SecurityErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    @Override
    public int httpStatus() {
        return httpStatus;
    }
}
