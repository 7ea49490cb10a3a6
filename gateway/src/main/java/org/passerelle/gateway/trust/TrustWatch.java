package org.passerelle.gateway.trust;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.node.Certificates;
import org.passerelle.gateway.node.DecryptionKeys;
import org.passerelle.gateway.node.TrustChanged;
import org.passerelle.gateway.node.TrustProperties;
import org.passerelle.gateway.partner.PartnerProperties;
import org.passerelle.security.CrlRefreshResult;
import org.passerelle.security.CrlRefresher;
import org.passerelle.security.ExpiryFacts;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.OcspChecker;
import org.passerelle.security.PartyTrust;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Refreshes the CRLs when due (so a revocation published while the node runs is seen, and a CRL reaching its
 * nextUpdate is replaced without a restart), and warns before a CRL, a cached OCSP answer, one of this node's
 * certificates or a partner's expires: a gauge, the {@code trust} health, and one audit entry per thing and state.
 */
@Component
public class TrustWatch {

    private static final Logger log = LoggerFactory.getLogger(TrustWatch.class);
    private static final AuditChannel CHANNEL = AuditChannel.TRUST;

    private final CrlRefresher refresher;
    private final OcspChecker ocsp;
    private final PartyTrust trust;
    private final List<X509Certificate> watched;
    private final X509Certificate own;
    private final TrustProperties settings;
    private final AuditTrail audit;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Set<String> alerted = ConcurrentHashMap.newKeySet();
    private volatile List<ExpiryFacts.Expiry> expiring = List.of();

    TrustWatch(CrlRefresher refresher, OcspChecker ocsp, PartyTrust trust, DecryptionKeys keys,
               PartnerProperties partners, TrustProperties settings, AuditTrail audit, Clock clock, MeterRegistry meters,
               ApplicationEventPublisher events) {
        this.refresher = refresher;
        this.events = events;
        this.ocsp = ocsp;
        this.trust = trust;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
        this.own = keys.all().get(0).certificate();
        List<X509Certificate> certificates = new ArrayList<>();
        keys.all().stream().map(KeyMaterial::certificate).forEach(certificates::add);
        partners.partners().values().forEach(p -> {
            certificates.addAll(Certificates.read(p.certificate()));
            if (p.nextCertificate() != null) {
                certificates.addAll(Certificates.read(p.nextCertificate()));
            }
        });
        this.watched = List.copyOf(certificates);
        Gauge.builder("passerelle.trust.expiring", this, w -> w.expiring.size())
                .description("CRLs, OCSP answers and certificates that expire within the warning period (or have)")
                .register(meters);
        Gauge.builder("passerelle.trust.crl.refresh.failures", this, w -> w.refresher.lastResult() == null ? 0
                        : w.refresher.lastResult().failures().size())
                .description("Sources that failed at the last CRL refresh").register(meters);
    }

    /** Refreshes the CRLs if a refresh is due, then looks at what is about to expire; run by the trust-watch route. */
    public void check() {
        Instant due = refresher.nextRefreshDue();
        Instant now = clock.instant();
        if (!now.isBefore(due)) {
            report(refresher.refresh());
        }
        List<ExpiryFacts.Expiry> soon = ExpiryFacts.within(settings.expiryWarning(), now, trust.crls(), watched,
                ocsp.cachedAnswers());
        expiring = soon;
        for (ExpiryFacts.Expiry e : soon) {
            boolean expired = e.expiredAt(now);
            if (alerted.add(e.kind() + "|" + e.which() + "|" + e.when() + "|" + expired)) {
                audit.record(AuditTrail.Entry.of("node",
                        CHANNEL, expired ? AuditAction.TRUST_EXPIRED : AuditAction.TRUST_EXPIRING,
                        AuditOutcome.WARNING)
                        .code(e.kind().name(), e.which() + (expired ? " expired at " : " expires at ") + e.when()));
                log.warn("{} {} at {}", e.which(), expired ? "expired" : "expires", e.when());
            }
        }
    }

    /** Whether this node's own (current) certificate has expired: nothing it signs is then accepted. */
    public boolean ownCertificateExpired() {
        return !own.getNotAfter().toInstant().isAfter(clock.instant());
    }

    /** What expires within the warning period, soonest first, as of the last check. */
    public List<ExpiryFacts.Expiry> expiring() {
        return expiring;
    }

    /** The outcome of the last CRL refresh; null before the first. */
    public CrlRefreshResult lastRefresh() {
        return refresher.lastResult();
    }

    private void report(CrlRefreshResult result) {
        log.debug("CRL refresh: {}", result.outcomes().stream().map(o -> o.source() + " " + o.status()).toList());
        if (result.outcomes().stream().anyMatch(o -> o.status() == CrlRefreshResult.Status.UPDATED)) {
            // An OCSP answer cached before a CRL that revokes must not keep the certificate good until it lapses.
            ocsp.clearCache();
            events.publishEvent(new TrustChanged(result.at()));
        }
        for (CrlRefreshResult.Outcome o : result.outcomes()) {
            if (o.status() == CrlRefreshResult.Status.UPDATED) {
                audit.record(AuditTrail.Entry.of("node", CHANNEL, AuditAction.CRL_REFRESHED, AuditOutcome.OK)
                        .detail(o.source() + ": CRL of " + o.issuer() + " issued " + o.thisUpdate()
                                + ", next update " + o.nextUpdate()));
                log.info("CRL refreshed from {}", o.source());
            } else if (o.failed()) {
                audit.record(AuditTrail.Entry.of("node", CHANNEL, AuditAction.CRL_REFRESH_FAILED, AuditOutcome.FAILED)
                        .code(o.status().name(), o.source() + ": " + o.details()));
                log.warn("CRL refresh from {} failed: {}", o.source(), o.status());
            }
        }
    }
}
