package org.passerelle.security;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the {@link OcspChecker} asks OCSP responders: which parties' certificates are checked by OCSP (and at
 * which responder), the timeouts and size bound of a request, how long answers are cached, the clock skew
 * tolerated, whether a nonce is sent, and the hash of the request's CertificateID.
 *
 * @param parties          OCSP per party code; a party not listed is not checked by OCSP (CRLs only)
 * @param connectTimeout   connect timeout of a request
 * @param requestTimeout   timeout of a whole request
 * @param maxResponseBytes the largest response read
 * @param maxCacheAge      how long an answer without nextUpdate is cached
 * @param skew             how far in the future a response's thisUpdate may lie (the responder's clock may run ahead)
 * @param sendNonce        whether requests carry a nonce (then the response must echo it)
 * @param hash             the hash of the CertificateID (SHA-256, or SHA-1 for responders that know nothing else)
 */
public record OcspSettings(Map<String, PartyOcsp> parties, Duration connectTimeout, Duration requestTimeout, int maxResponseBytes,
                           Duration maxCacheAge, Duration skew, boolean sendNonce, CertificateIdHash hash) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** OCSP responses are a few kilobytes; more is a misbehaving or hostile responder. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
    public static final Duration DEFAULT_MAX_CACHE_AGE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_SKEW = Duration.ofMinutes(5);

    /** The hash algorithm of a request's CertificateID. */
    public enum CertificateIdHash {
        SHA256,
        /** Only for responders that match SHA-1 CertificateIDs alone (RFC 5019 profile); not a signature hash. */
        SHA1
    }

    /**
     * OCSP for one party.
     *
     * @param enabled   whether that party's certificates are checked by OCSP first
     * @param responder the responder URL to use instead of the certificate's AuthorityInfoAccess one, or null
     */
    public record PartyOcsp(boolean enabled, URI responder) {

        /** OCSP at the responder each certificate names. */
        public static PartyOcsp fromCertificates() {
            return new PartyOcsp(true, null);
        }

        /** OCSP at this responder, whatever the certificates name. */
        public static PartyOcsp at(URI responder) {
            return new PartyOcsp(true, Objects.requireNonNull(responder, "responder"));
        }
    }

    public OcspSettings {
        parties = Map.copyOf(parties);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(maxCacheAge, "maxCacheAge");
        Objects.requireNonNull(skew, "skew");
        Objects.requireNonNull(hash, "hash");
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be positive");
        }
    }

    /** OCSP for these parties with the default timeouts, size bound, cache age and skew, a nonce and SHA-256. */
    public static OcspSettings forParties(Map<String, PartyOcsp> parties) {
        return new OcspSettings(parties, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
                DEFAULT_MAX_CACHE_AGE, DEFAULT_SKEW, true, CertificateIdHash.SHA256);
    }

    /** The same settings with another cache age for answers without nextUpdate. */
    public OcspSettings withMaxCacheAge(Duration age) {
        return new OcspSettings(parties, connectTimeout, requestTimeout, maxResponseBytes, age, skew, sendNonce, hash);
    }

    /** The same settings with or without a nonce, and with this CertificateID hash. */
    public OcspSettings withRequestForm(boolean nonce, CertificateIdHash idHash) {
        return new OcspSettings(parties, connectTimeout, requestTimeout, maxResponseBytes, maxCacheAge, skew, nonce, idHash);
    }

    /** OCSP of one party (disabled if the party is not listed). */
    public PartyOcsp of(String party) {
        PartyOcsp ocsp = party == null ? null : parties.get(party);
        return ocsp == null ? new PartyOcsp(false, null) : ocsp;
    }
}
