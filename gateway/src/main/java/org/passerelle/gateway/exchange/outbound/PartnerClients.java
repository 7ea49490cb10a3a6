package org.passerelle.gateway.exchange.outbound;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLParameters;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.node.Certificates;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerProperties;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTls;
import org.springframework.stereotype.Component;

/**
 * Per partner: a mutual-TLS 1.3 HTTP client that only talks to a server bound to that partner, the partner's
 * encryption certificate (validated against its anchors), and its circuit breaker.
 */
@Component
public class PartnerClients {

    private final KeyMaterial nodeKey;
    private final CertificateValidator validator;
    private final PartnerProperties properties;
    private final DeliveryProperties delivery;
    private final CircuitBreakerRegistry circuits;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
    private final Map<String, X509Certificate> certificates = new ConcurrentHashMap<>();

    PartnerClients(KeyMaterial nodeKey, CertificateValidator validator, PartnerProperties properties,
                   DeliveryProperties delivery) {
        this.nodeKey = nodeKey;
        this.validator = validator;
        this.properties = properties;
        this.delivery = delivery;
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

    HttpClient client(Partner partner) {
        return clients.computeIfAbsent(partner.party(), party -> {
            SSLParameters tls = new SSLParameters();
            tls.setProtocols(new String[] {"TLSv1.3"});
            return HttpClient.newBuilder()
                    .sslContext(PartyTls.clientContext(nodeKey, validator, party))
                    .sslParameters(tls)
                    .connectTimeout(delivery.connectTimeout())
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        });
    }

    /** The partner's gateway certificate, validated now against its anchors and bound to its party. */
    X509Certificate encryptionCertificate(Partner partner) {
        return certificates.computeIfAbsent(partner.party(), party -> {
            X509Certificate certificate = Certificates.readOne(properties.partners().get(party).certificate());
            validator.validateGateway(certificate, java.util.List.of(), java.time.Instant.now(), party);
            return certificate;
        });
    }

    public CircuitBreaker circuit(String party) {
        return circuits.circuitBreaker(party);
    }

    public CircuitBreakerRegistry circuits() {
        return circuits;
    }
}
