package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.security.ExpiryFacts.Expiry;
import org.passerelle.security.ExpiryFacts.Kind;
import org.passerelle.security.testing.TestPki;

/** What the node's trust depends on and expires within a horizon, for metrics, health and audit. */
class ExpiryFactsTest {

    private final TestPki pki = TestPki.shared();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Test
    void listsTheCrlAndTheCertificateWithinTheHorizonAndNotThoseBeyond() {
        // given CRLs reaching nextUpdate in two days and in thirty, and certificates expiring in three days and in a year
        X509CRL soon = pki.crl("GB", now.minus(Duration.ofDays(5)), now.plus(Duration.ofDays(2)), List.of());
        X509CRL later = pki.crl("FR", now.minus(Duration.ofDays(5)), now.plus(Duration.ofDays(30)), List.of());
        KeyMaterial expiring = pki.issuedByRootCa("GB", TestPki.gatewayTemplate("GB").withValidity(now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(3))));
        KeyMaterial lasting = pki.gateway("FR");

        // when asked for a seven-day horizon
        List<Expiry> facts = ExpiryFacts.within(Duration.ofDays(7), now, List.of(soon, later),
                List.of(expiring.certificate(), lasting.certificate()), List.of());

        // then only the near ones are listed, soonest first, with what, which and when
        assertThat(facts).extracting(Expiry::kind, Expiry::when).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.CRL, now.plus(Duration.ofDays(2))),
                org.assertj.core.groups.Tuple.tuple(Kind.CERTIFICATE, now.plus(Duration.ofDays(3))));
        assertThat(facts.get(0).which()).contains(soon.getIssuerX500Principal().getName());
        assertThat(facts.get(1).which()).contains(expiring.certificate().getSerialNumber().toString(16));
    }

    @Test
    void listsCachedOcspAnswersAndWhatExpiredAlready() {
        OcspChecker.CachedAnswer answer = new OcspChecker.CachedAnswer("CN=Passerelle Development Root CA GB", BigInteger.TEN, false,
                now, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)));
        X509CRL stale = pki.staleCrl("GB");

        List<Expiry> facts = ExpiryFacts.within(Duration.ofDays(1), now, List.of(stale), List.of(), List.of(answer));

        assertThat(facts).extracting(Expiry::kind).containsExactly(Kind.CRL, Kind.OCSP_ANSWER);
        assertThat(facts.get(0).expiredAt(now)).isTrue();
        assertThat(facts.get(1).which()).contains("serial a");
    }

    @Test
    void namesOfficerCertificatesByPartyAndSerialOnly() {
        KeyMaterial officer = pki.officer("GB", "caseworker");

        List<Expiry> facts = ExpiryFacts.within(Duration.ofDays(3650), now, List.of(), List.of(officer.certificate()), List.of());

        assertThat(facts).singleElement().satisfies(f -> {
            assertThat(f.which()).startsWith("officer certificate of party GB");
            assertThat(f.which()).doesNotContain("caseworker-1");
        });
    }
}
