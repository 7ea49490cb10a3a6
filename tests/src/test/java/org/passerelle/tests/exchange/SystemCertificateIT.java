package org.passerelle.tests.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTls;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;

/**
 * Back-end systems authenticating to the API with mutual-TLS client certificates (the production way in): a
 * system certificate of this party is accepted; an officer's, or another party's system, is refused and audited.
 */
class SystemCertificateIT {

    @TempDir
    static Path dir;
    static Exchange exchange;

    @BeforeAll
    static void startNodes() {
        Path pki = dir.resolve("pki");
        exchange = Exchange.start(dir, Map.of(
                "GB:server.ssl.enabled", "true",
                "GB:server.ssl.key-store", pki.resolve("GB/gateway.p12").toString(),
                "GB:server.ssl.key-store-password", DevPki.PASSWORD,
                "GB:server.ssl.key-store-type", "PKCS12",
                "GB:server.ssl.trust-store", pki.resolve(DevPki.TRUST_STORE).toString(),
                "GB:server.ssl.trust-store-password", DevPki.PASSWORD,
                "GB:server.ssl.trust-store-type", "PKCS12",
                "GB:server.ssl.client-auth", "want",
                "GB:server.ssl.enabled-protocols", "TLSv1.3"));
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void acceptsASubmissionFromThisPartysSystemCertificate() {
        HttpResponse<String> response = submitAs(exchange.pki.system("GB").load());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void refusesAnOfficerCertificateOnTheSystemApi() {
        HttpResponse<String> response = submitAs(exchange.pki.officer("GB", "liaison-officer").load());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("UNAUTHENTICATED");
    }

    @Test
    void refusesAnotherPartysSystemCertificate() {
        HttpResponse<String> response = submitAs(exchange.pki.system("FR").load());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("UNAUTHENTICATED");
    }

    private static HttpResponse<String> submitAs(KeyMaterial client) {
        SSLParameters tls = new SSLParameters();
        tls.setProtocols(new String[] {"TLSv1.3"});
        HttpClient http = HttpClient.newBuilder()
                .sslContext(PartyTls.clientContext(client, new CertificateValidator(exchange.pki.partyTrust()), "GB"))
                .sslParameters(tls)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + exchange.gb.apiPort() + "/api/v1/messages"))
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Envelopes.sample("CaseStatusUpdate", "GB", "FR")))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
