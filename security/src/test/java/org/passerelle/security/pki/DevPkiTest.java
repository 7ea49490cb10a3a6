package org.passerelle.security.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyBinding;

/** The development PKI generator: its files, its certificates' properties and its refusal to overwrite. */
class DevPkiTest {

    @TempDir
    Path directory;

    @Test
    void writesEveryDocumentedFileForEachParty() {
        DevPki pki = DevPki.generate(directory, List.of("GB", "NL"));

        assertThat(pki.readme()).content().contains("changeit", "truststore.p12", "gateway-rsa");
        assertThat(KeyMaterial.loadTrustedCertificates(pki.trustStore(), DevPki.PASSWORD.toCharArray())).hasSize(2);
        for (String party : List.of("GB", "NL")) {
            List<DevPki.Credential> credentials = new java.util.ArrayList<>(List.of(pki.rootCa(party), pki.gateway(party),
                    pki.gatewayRsa(party), pki.system(party), pki.revoked(party), pki.expired(party)));
            DevPki.OFFICER_ROLES.forEach(role -> credentials.add(pki.officer(party, role)));
            for (DevPki.Credential credential : credentials) {
                assertThat(credential.pkcs12()).isRegularFile();
                assertThat(credential.certificatePem()).content().startsWith("-----BEGIN CERTIFICATE-----");
                assertThat(credential.privateKeyPem()).content().startsWith("-----BEGIN PRIVATE KEY-----");
                assertThat(credential.privateKeyPem().getFileName().toString()).endsWith("-key.pem"); // git-ignored
                assertThat(PartyBinding.partyOf(credential.load().certificate())).isEqualTo(party);
            }
            assertThat(pki.crl(party)).content().startsWith("-----BEGIN X509 CRL-----");
            assertThat(pki.dataKek(party).getFileName().toString()).endsWith(".p12"); // git-ignored
            assertThat(dataKek(pki, party)).hasSize(32);
        }
        assertThat(pki.partyTrust().parties()).containsExactlyInAnyOrder("GB", "NL");
        assertThat(dataKek(pki, "GB")).isNotEqualTo(dataKek(pki, "NL")); // one KEK per party
        assertThat(pki.readme()).content().contains("data-kek.p12");
    }

    @Test
    void issuesGatewayCertificatesForSigningAndTlsBothWays() throws Exception {
        X509Certificate gateway = DevPki.generate(directory, List.of("GB")).gateway("GB").load().certificate();

        assertThat(gateway.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(gateway.getKeyUsage()[4]).as("keyAgreement").isTrue();
        assertThat(gateway.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        List<Object> names = gateway.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList();
        assertThat(names).contains("localhost", "127.0.0.1", "urn:passerelle:party:GB");
    }

    @Test
    void issuesADispatchClientCertificateAndABackEndServerCertificate() throws Exception {
        DevPki pki = DevPki.generate(directory, List.of("GB"));
        X509Certificate ca = pki.rootCa("GB").load().certificate();
        X509Certificate dispatch = pki.dispatch("GB").load().certificate();
        X509Certificate backend = pki.backend("GB").load().certificate();

        assertThat(dispatch.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(backend.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(backend.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                .contains("localhost", "127.0.0.1", "backend.gb.passerelle.test");
        dispatch.verify(ca.getPublicKey());
        backend.verify(ca.getPublicKey());
        assertThat(pki.readme()).content().contains("XX/dispatch.*", "XX/backend.*");
    }

    @Test
    void issuesADelegatedOcspResponderPerParty() throws Exception {
        DevPki pki = DevPki.generate(directory, List.of("GB"));
        KeyMaterial responder = pki.ocspResponder("GB").load();

        assertThat(responder.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.9");
        assertThat(responder.certificate().getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(responder.certificate().getBasicConstraints()).isEqualTo(-1);
        responder.certificate().verify(pki.rootCa("GB").load().certificate().getPublicKey());
        assertThat(pki.readme()).content().contains("XX/ocsp-responder.*");
    }

    @Test
    void templatesCarryAnOcspUrlAndACrlDistributionPoint() {
        DevPki pki = DevPki.generate(directory, List.of("GB"));
        KeyMaterial ca = pki.rootCa("GB").load();
        DevCertificates.Template template = new DevCertificates.Template("CN=aia.gb.passerelle.test,C=GB",
                java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(3600), false,
                java.util.Set.of(DevCertificates.Usage.DIGITAL_SIGNATURE), false, false, List.of("urn:passerelle:party:GB"),
                List.of(), List.of(), List.of())
                .withOcspUrl("http://ocsp.gb.passerelle.test/").withCrlDistributionPoint("http://crl.gb.passerelle.test/root-ca.crl");

        X509Certificate certificate = DevCertificates.issue(template, DevCertificates.ecKeyPair("secp256r1").getPublic(),
                ca.certificate(), ca.privateKey(), "SHA384withECDSA");

        assertThat(certificate.getExtensionValue("1.3.6.1.5.5.7.1.1")).as("authorityInfoAccess").isNotNull();
        assertThat(certificate.getExtensionValue("2.5.29.31")).as("cRLDistributionPoints").isNotNull();
        assertThat(new String(certificate.getExtensionValue("1.3.6.1.5.5.7.1.1"), java.nio.charset.StandardCharsets.US_ASCII))
                .contains("http://ocsp.gb.passerelle.test/");
    }

    @Test
    void refusesToOverwriteAnExistingPkiUnlessAsked() throws Exception {
        DevPki first = DevPki.generate(directory, List.of("GB"));
        byte[] before = Files.readAllBytes(first.gateway("GB").pkcs12());

        assertThatThrownBy(() -> DevPki.generate(directory, List.of("GB"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("already");
        DevPki second = DevPki.generate(directory, List.of("FR"), true);

        assertThat(second.parties()).containsExactly("FR");
        assertThat(directory.resolve("GB")).doesNotExist();
        assertThat(DevPki.open(directory).parties()).containsExactly("FR");
        assertThat(before).isNotEmpty();
    }

    @Test
    void commandLineUsesDefaultPartiesAndPrintsThePassword() {
        DevPkiGenerator.main(new String[] {directory.resolve("out").toString()});

        assertThat(DevPki.open(directory.resolve("out")).parties()).containsExactly("BE", "FR", "GB");
    }

    /** The party's KEK as the gateway reads it: an AES secret key entry of a PKCS#12 key store. */
    private static byte[] dataKek(DevPki pki, String party) {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance(pki.dataKek(party).toFile(),
                    DevPki.PASSWORD.toCharArray());
            java.security.Key key = store.getKey(DevPki.DATA_KEK_ALIAS, DevPki.PASSWORD.toCharArray());
            assertThat(key.getAlgorithm()).isEqualTo("AES");
            return key.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
