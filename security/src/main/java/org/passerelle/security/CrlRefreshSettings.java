package org.passerelle.security;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a {@link CrlRefresher} looks for CRLs and how often: configured CRL files, and (where enabled) the
 * http(s) CRL distribution points named in configuration, in the given certificates, in the trust anchors
 * and in certificates validated since, fetched with bounded size and timeouts.
 *
 * @param files                   CRL files (PEM or DER), re-read when their content changes
 * @param fetchDistributionPoints whether CRL distribution points are fetched over HTTP(S) at all
 * @param distributionPoints      distribution point URLs fetched in addition to those the certificates name
 * @param followCertificates      whether the addresses certificates name (those given, the anchors', those validated) are fetched
 * @param certificates            certificates whose distribution points are fetched (own gateway, partners',
 *                                intermediate CAs); intermediate CAs here are also accepted as CRL issuers
 * @param interval                the longest time between two refreshes
 * @param margin                  how long before a CRL's nextUpdate a refresh is due (at most half its lifetime)
 * @param retry                   the shortest time between two refreshes (after a failure, or with a stale CRL)
 * @param connectTimeout          connect timeout of a distribution point fetch
 * @param requestTimeout          timeout of a whole distribution point fetch
 * @param maxBytes                the largest CRL taken, from a file or a distribution point
 */
public record CrlRefreshSettings(List<Path> files, boolean fetchDistributionPoints, List<URI> distributionPoints,
                                 boolean followCertificates, List<X509Certificate> certificates, Duration interval, Duration margin, Duration retry,
                                 Duration connectTimeout, Duration requestTimeout, int maxBytes) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    public static final Duration DEFAULT_MARGIN = Duration.ofHours(1);
    public static final Duration DEFAULT_RETRY = Duration.ofMinutes(1);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** Generous for a national CA's CRL, small enough that a hostile server cannot exhaust the heap. */
    public static final int DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

    public CrlRefreshSettings {
        files = List.copyOf(files);
        distributionPoints = List.copyOf(distributionPoints);
        certificates = List.copyOf(certificates);
        requirePositive(interval, "interval");
        requirePositive(retry, "retry");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(margin, "margin");
        if (margin.isNegative() || maxBytes <= 0) {
            throw new IllegalArgumentException("margin must not be negative and maxBytes must be positive");
        }
    }

    /** Re-reads these files only, with the default interval, margin, retry, timeouts and size bound. */
    public static CrlRefreshSettings files(List<Path> files) {
        return new CrlRefreshSettings(files, false, List.of(), false, List.of(), DEFAULT_INTERVAL, DEFAULT_MARGIN, DEFAULT_RETRY,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_BYTES);
    }

    /**
     * The same settings, also fetching these distribution points and those named by these certificates, by the trust
     * anchors, and by the certificates validated since (bounded).
     */
    public CrlRefreshSettings withDistributionPoints(List<URI> urls, List<X509Certificate> namedBy) {
        return new CrlRefreshSettings(files, true, urls, true, namedBy, interval, margin, retry, connectTimeout, requestTimeout, maxBytes);
    }

    /**
     * The same settings, also fetching these distribution points and no other: what certificates name (a partner's CA
     * may name any address) is never fetched.
     */
    public CrlRefreshSettings withListedDistributionPoints(List<URI> urls) {
        return new CrlRefreshSettings(files, true, urls, false, List.of(), interval, margin, retry, connectTimeout, requestTimeout, maxBytes);
    }

    /** The same settings with another interval, margin and retry. */
    public CrlRefreshSettings withSchedule(Duration newInterval, Duration newMargin, Duration newRetry) {
        return new CrlRefreshSettings(files, fetchDistributionPoints, distributionPoints, followCertificates, certificates, newInterval, newMargin, newRetry,
                connectTimeout, requestTimeout, maxBytes);
    }

    /** The same settings with other fetch timeouts and size bound. */
    public CrlRefreshSettings withLimits(Duration newConnectTimeout, Duration newRequestTimeout, int newMaxBytes) {
        return new CrlRefreshSettings(files, fetchDistributionPoints, distributionPoints, followCertificates, certificates, interval, margin, retry,
                newConnectTimeout, newRequestTimeout, newMaxBytes);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
