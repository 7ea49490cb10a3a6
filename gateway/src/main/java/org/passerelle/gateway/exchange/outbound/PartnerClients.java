package org.passerelle.gateway.exchange.outbound;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLParameters;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.node.Certificates;
import org.passerelle.gateway.node.TrustChanged;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerProperties;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTls;
import org.passerelle.security.SecurityCheckException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Per partner: a mutual-TLS 1.3 HTTP client that only talks to that partner's gateway, the partner's encryption
 * certificates (validated as its gateway's, again while the node runs), and its circuit breaker.
 */
@Component
public class PartnerClients {

    /** How long a partner certificate's validation is reused before it is validated again. */
    static final Duration REVALIDATE_AFTER = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(PartnerClients.class);

    private final KeyMaterial nodeKey;
    private final CertificateValidator validator;
    private final PartnerProperties properties;
    private final DeliveryProperties delivery;
    private final CircuitBreakerRegistry circuits;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<String, Validated> certificates = new ConcurrentHashMap<>();
    private final AuditTrail audit;
    private final Clock clock;

    PartnerClients(KeyMaterial nodeKey, CertificateValidator validator, PartnerProperties properties,
                   DeliveryProperties delivery, AuditTrail audit, Clock clock) {
        this.nodeKey = nodeKey;
        this.validator = validator;
        this.properties = properties;
        this.delivery = delivery;
        this.audit = audit;
        this.clock = clock;
        DeliveryProperties.Circuit c = delivery.circuit();
        this.circuits = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(c.failureRateThreshold())
                .minimumNumberOfCalls(c.minimumCalls())
                .slidingWindowSize(c.windowSize())
                .waitDurationInOpenState(c.openWait())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
    }

    public HttpClient client(Partner partner) {
        return clients.computeIfAbsent(partner.party(), party -> {
            SSLParameters tls = new SSLParameters();
            tls.setProtocols(new String[] {"TLSv1.3"});
            return HttpClient.newBuilder()
                    .sslContext(PartyTls.clientContext(nodeKey, validator, party, (claimed, reason) ->
                            // The partner's server was refused at our handshake: the attempt fails as unavailable and
                            // is retried; the audit log keeps why (NOT_A_GATEWAY_CERTIFICATE, CERTIFICATE_REVOKED, ...).
                            audit.refused(AuditTrail.Entry.of("node",
                                    AuditChannel.DELIVERY, AuditAction.PARTNER_HANDSHAKE_REFUSED, AuditOutcome.REFUSED)
                                    .partner(party).code(reason.code().name(), reason.details()))))
                    .sslParameters(tls)
                    .connectTimeout(delivery.connectTimeout())
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        });
    }

    /**
     * The partner's gateway certificates to encrypt to — its current one and, during its key rollover, its next one —
     * each that validates now as the partner's gateway; re-validated at most {@link #REVALIDATE_AFTER} after the last
     * time, so a revocation or expiry is seen while the node runs. Refuses with the code of the current certificate's
     * refusal when none validates: the message then waits (see {@link #certificateProblem}).
     */
    public List<X509Certificate> encryptionCertificates(Partner partner) {
        Instant now = clock.instant();
        Validated last = certificates.get(partner.party());
        Validated validated = last;
        if (last == null || !now.isBefore(last.at().plus(REVALIDATE_AFTER))) {
            // Validated outside any lock (it may ask an OCSP responder); two threads may both validate, which is harmless.
            validated = validate(partner.party(), now);
            Validated before = certificates.put(partner.party(), validated);
            reportChange(partner.party(), before, validated);
        }
        if (validated.usable().isEmpty()) {
            throw validated.problem();
        }
        return validated.usable();
    }

    /**
     * A newer CRL was taken: every partner's certificates are validated again at their next use, and open connections
     * are let go, so that the next request to a partner makes a new handshake, checked against the new CRL.
     */
    @EventListener
    void trustChanged(TrustChanged change) {
        certificates.replaceAll((party, validated) -> new Validated(validated.usable(), validated.problem(), Instant.MIN));
        clients.keySet().forEach(party -> {
            HttpClient old = clients.remove(party);
            if (old != null) {
                old.shutdown();
            }
        });
    }

    /** Why the partner's certificates cannot be encrypted to, as of the last validation; empty while one can. */
    public Optional<String> certificateProblem(String party) {
        Validated validated = certificates.get(party);
        return validated == null || !validated.usable().isEmpty() ? Optional.empty()
                : Optional.of(validated.problem().code().name() + ": " + validated.problem().details());
    }

    private Validated validate(String party, Instant now) {
        PartnerProperties.Partner configured = properties.partners().get(party);
        List<X509Certificate> candidates = new ArrayList<>(List.of(Certificates.readOne(configured.certificate())));
        if (configured.nextCertificate() != null) {
            candidates.add(Certificates.readOne(configured.nextCertificate()));
        }
        List<X509Certificate> usable = new ArrayList<>();
        SecurityCheckException problem = null;
        for (X509Certificate candidate : candidates) {
            try {
                validator.validateGateway(candidate, List.of(), now, party);
                usable.add(candidate);
            } catch (SecurityCheckException e) {
                problem = problem == null ? e : problem;
            }
        }
        return new Validated(List.copyOf(usable), problem, now);
    }

    private void reportChange(String party, Validated last, Validated validated) {
        boolean wasUsable = last == null || !last.usable().isEmpty();
        boolean usable = !validated.usable().isEmpty();
        SecurityCheckException problem = validated.problem();
        if (wasUsable && !usable) {
            audit.record(AuditTrail.Entry.of("node",
                    AuditChannel.DELIVERY, AuditAction.PARTNER_CERTIFICATE_INVALID, AuditOutcome.FAILED).partner(party)
                    .code(problem.code().name(), "messages to " + party + " wait: " + problem.details()));
            log.warn("Messages to {} wait: its gateway certificate is refused ({})", party, problem.code());
        } else if (!wasUsable && usable) {
            audit.record(AuditTrail.Entry.of("node",
                    AuditChannel.DELIVERY, AuditAction.PARTNER_CERTIFICATE_VALID, AuditOutcome.OK).partner(party));
            log.info("The gateway certificate of {} validates again", party);
        }
    }

    /** The outcome of validating a partner's certificates: those usable, the first refusal, and when. */
    private record Validated(List<X509Certificate> usable, SecurityCheckException problem, Instant at) {
    }

    public CircuitBreaker circuit(String party) {
        return circuits.circuitBreaker(party);
    }

    public CircuitBreakerRegistry circuits() {
        return circuits;
    }
}
