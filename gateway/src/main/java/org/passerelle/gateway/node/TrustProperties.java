package org.passerelle.gateway.node;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the node keeps its trust current while it runs ({@code passerelle.trust}): CRLs re-read and fetched, OCSP
 * answers cached, and warnings before anything it relies on expires.
 *
 * @param crlRefreshInterval      the longest time between two refreshes of the CRLs (files re-read when they changed)
 * @param crlRefreshMargin        how long before a CRL's nextUpdate a refresh is due at the latest
 * @param crlRetry                the wait after a failed refresh before the next try
 * @param fetchDistributionPoints whether CRLs are also fetched from the cRLDistributionPoints (HTTP or HTTPS) named
 *                                by the partners' certificates and those the node validates
 * @param crlDistributionPoints   further CRL addresses to fetch at each refresh
 * @param ocspMaxCacheAge         how long an OCSP answer without nextUpdate is reused
 * @param expiryWarning           how long before a CRL, an OCSP answer, this node's or a partner's certificate expires
 *                                the node warns (a metric, the health of {@code trust}, and one audit entry each)
 * @param checkEvery              how often the node looks whether a refresh is due and what is about to expire
 */
@ConfigurationProperties("passerelle.trust")
public record TrustProperties(
        @DefaultValue("1h") Duration crlRefreshInterval,
        @DefaultValue("1h") Duration crlRefreshMargin,
        @DefaultValue("1m") Duration crlRetry,
        @DefaultValue("false") boolean fetchDistributionPoints,
        @DefaultValue List<URI> crlDistributionPoints,
        @DefaultValue("30m") Duration ocspMaxCacheAge,
        @DefaultValue("30d") Duration expiryWarning,
        @DefaultValue("5s") Duration checkEvery) {
}
