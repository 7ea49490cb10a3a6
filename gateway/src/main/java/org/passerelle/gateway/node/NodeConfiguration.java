package org.passerelle.gateway.node;

import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.gateway.partner.PartnerProperties;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsDecryptor;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.CmsVerifier;
import org.passerelle.security.CrlRefreshSettings;
import org.passerelle.security.CrlRefresher;
import org.passerelle.security.CrlStore;
import org.passerelle.security.OcspChecker;
import org.passerelle.security.OcspSettings;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTrust;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the node's identity, trust, crypto and codec from configuration. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({NodeProperties.class, PartnerProperties.class, TrustProperties.class})
class NodeConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    KeyMaterial nodeKey(NodeProperties node) {
        if (node.keystore() == null) {
            throw new IllegalStateException("passerelle.node.keystore must name this party's gateway PKCS#12 file");
        }
        return KeyMaterial.load(node.keystore(), node.keystorePassword().toCharArray());
    }

    /**
     * Every key this node opens messages with: the current one, then the next (during a rollover) and the previous
     * ones (after it). Only the current key signs and speaks TLS.
     */
    @Bean
    DecryptionKeys decryptionKeys(KeyMaterial nodeKey, NodeProperties node) {
        List<KeyMaterial> keys = new ArrayList<>(List.of(nodeKey));
        if (node.nextKeystore() != null) {
            keys.add(KeyMaterial.load(node.nextKeystore(), node.keystorePassword().toCharArray()));
        }
        node.previousKeystores().forEach(p -> keys.add(KeyMaterial.load(p, node.keystorePassword().toCharArray())));
        return new DecryptionKeys(List.copyOf(keys));
    }

    /**
     * Every partner's anchors under its party code, and this party's own anchors for its officers and systems, with
     * the CRLs as read at start-up; {@link TrustWatch} keeps the CRLs current while the node runs.
     */
    @Bean
    PartyTrust partyTrust(NodeProperties node, PartnerProperties partners) {
        Map<String, List<X509Certificate>> anchors = new LinkedHashMap<>();
        partners.partners().forEach((party, p) -> anchors.put(party, readAll(p.trustAnchors())));
        if (!node.trustAnchors().isEmpty()) {
            anchors.put(node.party(), readAll(node.trustAnchors()));
        }
        List<X509CRL> crls = crlFiles(node, partners).stream().map(PartyTrust::readCrl).toList();
        return PartyTrust.of(anchors, new CrlStore(crls));
    }

    /** Re-reads the CRL files, and fetches CRLs from distribution points where configured, on the trust's schedule. */
    @Bean
    CrlRefresher crlRefresher(PartyTrust trust, NodeProperties node, PartnerProperties partners, TrustProperties settings,
                              Clock clock) {
        CrlRefreshSettings refresh = CrlRefreshSettings.files(crlFiles(node, partners))
                .withSchedule(settings.crlRefreshInterval(), settings.crlRefreshMargin(), settings.crlRetry());
        if (settings.fetchDistributionPoints()) {
            List<X509Certificate> namedBy = new ArrayList<>();
            partners.partners().values().forEach(p -> namedBy.addAll(Certificates.read(p.certificate())));
            refresh = refresh.withDistributionPoints(settings.crlDistributionPoints(), namedBy);
        } else if (!settings.crlDistributionPoints().isEmpty()) {
            refresh = refresh.withListedDistributionPoints(settings.crlDistributionPoints());
        }
        return new CrlRefresher(trust, refresh, clock);
    }

    /** Asks the OCSP responder first for the partners configured with one, falling back to their CRLs. */
    @Bean
    OcspChecker ocspChecker(PartnerProperties partners, TrustProperties settings, Clock clock) {
        Map<String, OcspSettings.PartyOcsp> parties = new LinkedHashMap<>();
        partners.partners().forEach((party, p) -> {
            if (p.ocsp()) {
                parties.put(party, p.ocspResponder() == null
                        ? OcspSettings.PartyOcsp.fromCertificates() : OcspSettings.PartyOcsp.at(p.ocspResponder()));
            }
        });
        return new OcspChecker(OcspSettings.forParties(parties).withMaxCacheAge(settings.ocspMaxCacheAge()), clock);
    }

    /** Validates certificates against the party trust; a partner's gateway must be one registered for it, if any are. */
    @Bean
    CertificateValidator certificateValidator(PartyTrust trust, OcspChecker ocsp, Clock clock, PartnerProperties partners) {
        Map<String, List<String>> pins = new LinkedHashMap<>();
        partners.partners().forEach((party, p) -> pins.put(party, p.gatewayFingerprints()));
        return new CertificateValidator(trust, ocsp, clock, pins);
    }

    @Bean
    CmsSigner cmsSigner(KeyMaterial nodeKey, Clock clock) {
        return new CmsSigner(nodeKey, clock);
    }

    @Bean
    CmsVerifier cmsVerifier(CertificateValidator validator, Clock clock, NodeProperties node) {
        return new CmsVerifier(validator, clock, node.clockSkew(), node.maxMessageAge());
    }

    @Bean
    CmsEncryptor cmsEncryptor() {
        return new CmsEncryptor();
    }

    @Bean
    CmsDecryptor cmsDecryptor(DecryptionKeys keys) {
        return new CmsDecryptor(keys.all());
    }

    @Bean
    MessageCodec messageCodec(NodeProperties node) {
        return new MessageCodec(CodecLimits.defaults().withMaxDocumentBytes((int) node.maxBodySize().toBytes()));
    }

    private static List<Path> crlFiles(NodeProperties node, PartnerProperties partners) {
        List<Path> files = new ArrayList<>();
        partners.partners().values().forEach(p -> files.addAll(p.crls()));
        files.addAll(node.crls());
        return List.copyOf(files);
    }

    private static List<X509Certificate> readAll(List<Path> files) {
        return files.stream().flatMap(f -> Certificates.read(f).stream()).toList();
    }
}
