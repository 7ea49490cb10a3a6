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
import org.passerelle.gateway.messagelog.PayloadVault;
import org.passerelle.gateway.partner.PartnerProperties;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsDecryptor;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.CmsVerifier;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTrust;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the node's identity, trust, crypto and codec from configuration. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({NodeProperties.class, PartnerProperties.class})
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

    /** Every partner's anchors under its party code, and this party's own anchors for its officers and systems. */
    @Bean
    PartyTrust partyTrust(NodeProperties node, PartnerProperties partners) {
        Map<String, List<X509Certificate>> anchors = new LinkedHashMap<>();
        List<X509CRL> crls = new ArrayList<>();
        partners.partners().forEach((party, p) -> {
            anchors.put(party, readAll(p.trustAnchors()));
            p.crls().forEach(f -> crls.add(PartyTrust.readCrl(f)));
        });
        if (!node.trustAnchors().isEmpty()) {
            anchors.put(node.party(), readAll(node.trustAnchors()));
        }
        node.crls().forEach(f -> crls.add(PartyTrust.readCrl(f)));
        return PartyTrust.of(anchors, crls);
    }

    /** Validates certificates against the party trust; a partner's gateway must be one registered for it, if any are. */
    @Bean
    CertificateValidator certificateValidator(PartyTrust trust, Clock clock, PartnerProperties partners) {
        Map<String, List<String>> pins = new LinkedHashMap<>();
        partners.partners().forEach((party, p) -> pins.put(party, p.gatewayFingerprints()));
        return new CertificateValidator(trust, clock, pins);
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
    CmsDecryptor cmsDecryptor(KeyMaterial nodeKey) {
        return new CmsDecryptor(nodeKey);
    }

    @Bean
    MessageCodec messageCodec(NodeProperties node) {
        return new MessageCodec(CodecLimits.defaults().withMaxDocumentBytes((int) node.maxBodySize().toBytes()));
    }

    @Bean
    PayloadVault payloadVault(NodeProperties node) {
        return PayloadVault.fromKeyFile(node.dataDir().resolve("payload-data.key"));
    }

    private static List<X509Certificate> readAll(List<Path> files) {
        return files.stream().flatMap(f -> Certificates.read(f).stream()).toList();
    }
}
