package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.passerelle.security.CmsSignatureForgeryTest.assertRefused;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.CrlRefreshResult.Status;
import org.passerelle.security.pki.DevCertificates;
import org.passerelle.security.testing.MutableClock;
import org.passerelle.security.testing.TestCrlServer;
import org.passerelle.security.testing.TestPki;

/** CRLs kept current without a restart: re-read files, fetched distribution points, no rollback, failures reported. */
class CrlRefreshTest {

    private final TestPki pki = TestPki.shared();
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final KeyMaterial certificate = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB"));
    private final BigInteger serial = certificate.certificate().getSerialNumber();

    @TempDir
    Path folder;
    private Path crlFile;

    @BeforeEach
    void writeACurrentCrlRevokingNothing() throws IOException {
        crlFile = folder.resolve("gb-root-ca.crl");
        write(crlFile, crl(clock.instant().minus(Duration.ofHours(1)), clock.instant().plus(Duration.ofDays(1))));
    }

    @Test
    void revocationPublishedAfterTheValidatorWasBuiltIsSeenAfterRefresh() throws IOException {
        // given a validator built on the CRL file as it was at start-up
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile)), clock);
        CertificateValidator validator = new CertificateValidator(trust, clock);
        validate(validator);

        // when the CA publishes a CRL revoking the certificate, and the refresher runs
        clock.advance(Duration.ofMinutes(10));
        write(crlFile, crl(clock.instant(), clock.instant().plus(Duration.ofDays(1)), serial));
        CrlRefreshResult result = refresher.refresh();

        // then the same validator refuses the certificate
        assertThat(result.outcomes()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.UPDATED));
        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
    }

    @Test
    void crlPastItsNextUpdateIsReplacedByANewerFileWithoutRestart() throws IOException {
        // given a CRL that reaches its nextUpdate in an hour, and a node an hour and a half later
        write(crlFile, crl(clock.instant().minus(Duration.ofHours(1)), clock.instant().plus(Duration.ofHours(1))));
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile)), clock);
        CertificateValidator validator = new CertificateValidator(trust, clock);
        clock.advance(Duration.ofMinutes(90));
        assertRefused(() -> validate(validator), SecurityErrorCode.REVOCATION_UNAVAILABLE);

        // when the CA's next CRL lands in the file and the refresher runs
        write(crlFile, crl(clock.instant().minus(Duration.ofMinutes(5)), clock.instant().plus(Duration.ofDays(1))));
        CrlRefreshResult result = refresher.refresh();

        // then validation works again
        assertThat(result.succeeded()).isTrue();
        assertThatNoException().isThrownBy(() -> validate(validator));
    }

    @Test
    void olderCrlNeverReplacesANewerOne() throws IOException {
        // given the held CRL revokes the certificate
        write(crlFile, crl(clock.instant().minus(Duration.ofMinutes(10)), clock.instant().plus(Duration.ofDays(1)), serial));
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile)), clock);
        CertificateValidator validator = new CertificateValidator(trust, clock);

        // when an older CRL, from before the revocation and still within its validity, replaces the file
        write(crlFile, crl(clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(6))));
        CrlRefreshResult result = refresher.refresh();

        // then the rollback is refused and reported, and the certificate stays revoked
        assertThat(result.failures()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.OLDER_THAN_HELD));
        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
    }

    @Test
    void crlWithABadSignatureIsIgnoredAndTheFailureReported() throws IOException {
        // given the held CRL revokes the certificate
        write(crlFile, crl(clock.instant().minus(Duration.ofMinutes(10)), clock.instant().plus(Duration.ofDays(1)), serial));
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile)), clock);
        CertificateValidator validator = new CertificateValidator(trust, clock);

        // when a newer CRL naming GB's CA but signed by FR's key (revoking nothing) replaces the file
        KeyMaterial gbCa = pki.rootCa("GB");
        write(crlFile, DevCertificates.crl(gbCa.certificate(), pki.rootCa("FR").privateKey(), clock.instant(),
                clock.instant().plus(Duration.ofDays(1)), List.of(), "SHA384withECDSA"));
        CrlRefreshResult result = refresher.refresh();

        // then it is ignored and reported
        assertThat(result.failures()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(Status.SIGNATURE_INVALID);
            assertThat(o.source()).isEqualTo(crlFile.toString());
        });
        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
    }

    @Test
    void failedRefreshKeepsTheLastGoodCrlUntilItsNextUpdate() throws IOException {
        // given a CRL current for two more hours
        write(crlFile, crl(clock.instant().minus(Duration.ofHours(1)), clock.instant().plus(Duration.ofHours(2))));
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile)), clock);
        CertificateValidator validator = new CertificateValidator(trust, clock);

        // when the file is garbage at the next refresh
        Files.writeString(crlFile, "not a CRL");
        CrlRefreshResult result = refresher.refresh();

        // then the failure is reported, the held CRL serves until its nextUpdate, and not after
        assertThat(result.failures()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.UNREADABLE));
        assertThatNoException().isThrownBy(() -> validate(validator));
        clock.advance(Duration.ofHours(3));
        assertRefused(() -> validate(validator), SecurityErrorCode.REVOCATION_UNAVAILABLE);
    }

    @Test
    void unchangedFileIsReportedUnchanged() {
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile)), clock);

        refresher.refresh();
        CrlRefreshResult second = refresher.refresh();

        assertThat(second.outcomes()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.UNCHANGED));
        assertThat(trust.crls()).hasSize(1);
    }

    @Test
    void crlIsFetchedFromTheDistributionPointTheCertificateNames() {
        try (TestCrlServer server = TestCrlServer.start()) {
            // given a certificate naming a distribution point, and a node holding no CRL of its issuer
            KeyMaterial withDistributionPoint = pki.issuedByRootCa("GB",
                    TestPki.gatewayTemplate("GB").withCrlDistributionPoint(server.uri().toString()));
            server.serve(crl(clock.instant().minus(Duration.ofMinutes(5)), clock.instant().plus(Duration.ofDays(1))));
            PartyTrust trust = PartyTrust.of(pki.trust().allAnchors(), List.of());
            CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of())
                    .withDistributionPoints(List.of(), List.of(withDistributionPoint.certificate())), clock);
            CertificateValidator validator = new CertificateValidator(trust, clock);

            // when the refresher runs
            CrlRefreshResult result = refresher.refresh();

            // then the CRL came over HTTP and the certificate validates
            assertThat(result.outcomes()).singleElement().satisfies(o -> {
                assertThat(o.status()).isEqualTo(Status.UPDATED);
                assertThat(o.source()).isEqualTo(server.uri().toString());
            });
            assertThat(server.requestCount()).isEqualTo(1);
            assertThatNoException().isThrownBy(() -> validator.validate(withDistributionPoint.certificate(), List.of(), clock.instant(), "GB"));
        }
    }

    @Test
    void distributionPointOfACertificateSeenInValidationIsFetchedAtTheNextRefresh() {
        try (TestCrlServer server = TestCrlServer.start()) {
            // given a partner certificate the node has not been told about, naming a distribution point
            KeyMaterial partner = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB").withCrlDistributionPoint(server.uri().toString()));
            server.serve(crl(clock.instant().minus(Duration.ofMinutes(5)), clock.instant().plus(Duration.ofDays(1)),
                    partner.certificate().getSerialNumber()));
            PartyTrust trust = PartyTrust.of(pki.trust().allAnchors(), List.of());
            CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of()).withDistributionPoints(List.of(), List.of()), clock);
            CertificateValidator validator = new CertificateValidator(trust, clock);
            assertRefused(() -> validator.validate(partner.certificate(), List.of(), clock.instant(), "GB"), SecurityErrorCode.REVOCATION_UNAVAILABLE);

            // when the refresher runs
            refresher.refresh();

            // then the distribution point learnt from that validation was fetched
            assertRefused(() -> validator.validate(partner.certificate(), List.of(), clock.instant(), "GB"), SecurityErrorCode.CERTIFICATE_REVOKED);
        }
    }

    @Test
    void unreachableDistributionPointIsReportedAndTheHeldCrlKept() {
        TestCrlServer server = TestCrlServer.start();
        server.close();
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile))
                .withDistributionPoints(List.of(server.uri()), List.of()), clock);

        CrlRefreshResult result = refresher.refresh();

        assertThat(result.failures()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.UNREACHABLE));
        assertThatNoException().isThrownBy(() -> validate(new CertificateValidator(trust, clock)));
    }

    @Test
    void oversizedCrlFromADistributionPointIsRefused() {
        try (TestCrlServer server = TestCrlServer.start()) {
            server.serveBytes(new byte[4096]);
            PartyTrust trust = PartyTrust.of(pki.trust().allAnchors(), List.of());
            CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of())
                    .withDistributionPoints(List.of(server.uri()), List.of())
                    .withLimits(Duration.ofSeconds(2), Duration.ofSeconds(5), 1024), clock);

            CrlRefreshResult result = refresher.refresh();

            assertThat(result.failures()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.TOO_LARGE));
        }
    }

    @Test
    void nextRefreshIsDueBeforeTheEarliestNextUpdateAndAtLeastEveryInterval() throws IOException {
        // given a CRL reaching its nextUpdate in three hours, a one-hour margin and a six-hour interval
        write(crlFile, crl(clock.instant().minus(Duration.ofHours(21)), clock.instant().plus(Duration.ofHours(3))));
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile))
                .withSchedule(Duration.ofHours(6), Duration.ofHours(1), Duration.ofMinutes(1)), clock);
        assertThat(refresher.nextRefreshDue()).as("before the first refresh").isBeforeOrEqualTo(clock.instant());

        // when it has refreshed
        Instant refreshedAt = clock.instant();
        refresher.refresh();

        // then the next refresh is due an hour before that nextUpdate; with a CRL good for days, after the interval
        assertThat(refresher.nextRefreshDue()).isEqualTo(refreshedAt.plus(Duration.ofHours(2)));
        write(crlFile, crl(clock.instant(), clock.instant().plus(Duration.ofDays(7))));
        refresher.refresh();
        assertThat(refresher.nextRefreshDue()).isEqualTo(clock.instant().plus(Duration.ofHours(6)));
    }

    @Test
    void aDeltaCrlNeverReplacesTheCompleteCrl() throws Exception {
        // given the complete CRL revoking the certificate
        write(crlFile, crl(clock.instant().minus(Duration.ofMinutes(30)), clock.instant().plus(Duration.ofDays(1)), serial));
        PartyTrust trust = trustFromFile();
        CrlRefresher refresher = new CrlRefresher(trust, CrlRefreshSettings.files(List.of(crlFile)), clock);
        CertificateValidator validator = new CertificateValidator(trust, clock);

        // when a newer delta CRL, listing nothing, takes its place in the file
        write(crlFile, deltaCrl(clock.instant(), clock.instant().plus(Duration.ofDays(1))));
        CrlRefreshResult result = refresher.refresh();

        // then it is refused and the certificate stays revoked
        assertThat(result.outcomes()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.NOT_COMPLETE));
        assertRefused(() -> validate(validator), SecurityErrorCode.CERTIFICATE_REVOKED);
    }

    @Test
    void aDistributionPointThatTricklesItsAnswerDoesNotHoldTheRefresh() throws Exception {
        // given a distribution point that sends its head at once and then one byte a second
        try (java.net.ServerSocket trickle = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = trickle.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    java.io.OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    for (int i = 0; i < 100; i++) {
                        out.write(0);
                        out.flush();
                        Thread.sleep(1000); // the slow server under test, not the test waiting
                    }
                } catch (Exception closed) {
                    // the refresher gave up and closed the connection
                }
            });
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + trickle.getLocalPort() + "/gb.crl");
            CrlRefresher refresher = new CrlRefresher(trustFromFile(), CrlRefreshSettings.files(List.of())
                    .withDistributionPoints(List.of(uri), List.of())
                    .withLimits(Duration.ofMillis(500), Duration.ofMillis(500), 1_000_000), clock);

            // when it refreshes
            CrlRefreshResult result = refresher.refresh();

            // then that source is reported unreachable within its deadline, not waited for
            assertThat(result.outcomes()).singleElement().satisfies(o -> {
                assertThat(o.status()).isEqualTo(Status.UNREACHABLE);
                assertThat(o.details()).contains("in time");
            });
        }
    }

    private X509CRL deltaCrl(Instant thisUpdate, Instant nextUpdate) throws Exception {
        KeyMaterial ca = pki.rootCa("GB");
        org.bouncycastle.cert.X509v2CRLBuilder builder = new org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder(
                ca.certificate().getSubjectX500Principal(), java.util.Date.from(thisUpdate));
        builder.setNextUpdate(java.util.Date.from(nextUpdate));
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.deltaCRLIndicator, true,
                new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.ONE));
        return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().getCRL(builder.build(
                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA384withECDSA").build(ca.privateKey())));
    }

    private PartyTrust trustFromFile() {
        return PartyTrust.of(pki.trust().allAnchors(), List.of(PartyTrust.readCrl(crlFile)));
    }

    private void validate(CertificateValidator validator) {
        validator.validate(certificate.certificate(), List.of(), clock.instant(), "GB");
    }

    private X509CRL crl(Instant thisUpdate, Instant nextUpdate, BigInteger... revoked) {
        return pki.crl("GB", thisUpdate, nextUpdate, List.of(revoked));
    }

    private static void write(Path file, X509CRL crl) throws IOException {
        try {
            Files.write(file, crl.getEncoded());
        } catch (java.security.cert.CRLException e) {
            throw new IOException(e);
        }
    }
}
