package org.passerelle.gateway.trust;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.security.CrlRefreshResult;
import org.passerelle.security.ExpiryFacts;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * Health of the node's trust: {@code EXPIRING} when something it relies on (a CRL, an OCSP answer, its own or a
 * partner's certificate) expires within the warning period or has expired, with what, which and when, and the last
 * CRL refresh; {@code DOWN} once this node's own certificate has expired, since nothing it signs is accepted then.
 */
@Component("trust")
class TrustHealth implements HealthIndicator {

    static final Status EXPIRING = new Status("EXPIRING", "a CRL, an OCSP answer or a certificate expires soon");

    private final TrustWatch watch;

    TrustHealth(TrustWatch watch) {
        this.watch = watch;
    }

    @Override
    public Health health() {
        Instant now = Instant.now();
        List<ExpiryFacts.Expiry> expiring = watch.expiring();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("expiring", expiring.stream().map(e -> Map.of("kind", e.kind().name(), "which", e.which(),
                "when", e.when().toString(), "expired", e.expiredAt(now))).toList());
        CrlRefreshResult last = watch.lastRefresh();
        if (last != null) {
            details.put("lastCrlRefresh", Map.of("at", last.at().toString(), "failures",
                    last.failures().stream().map(o -> o.source() + ": " + o.status()).toList()));
        }
        Health.Builder health = watch.ownCertificateExpired() ? Health.down()
                : expiring.isEmpty() ? Health.up() : Health.status(EXPIRING);
        return health.withDetails(details).build();
    }
}
