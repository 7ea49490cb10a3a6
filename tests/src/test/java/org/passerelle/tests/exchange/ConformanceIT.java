package org.passerelle.tests.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.CertificateValidator;
import org.passerelle.tests.conformance.ConformanceKit;
import org.passerelle.tests.support.Exchange;

/**
 * The conformance kit against Passerelle's own node: as FR's gateway, every check passes against GB's inbox (a valid
 * message of every business type receipted, every refusal with its code), and the
 * command line says so and exits 0; pointed at an inbox that is not the party it claims to be, every check fails and
 * it exits 1.
 */
class ConformanceIT {

    @TempDir
    static Path dir;
    static Exchange exchange;

    @BeforeAll
    static void startNodes() {
        // Every message type from FR is taken: the inbox is under test, not the data-sharing policy nor casework.
        exchange = Exchange.start(dir, Map.of(
                "GB:passerelle.data-sharing.FR.inbound.forbidden", "",
                "passerelle.admission.enforce-transitions", "false"));
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    void passerellesOwnInboxPassesEveryCheckOfTheKit() {
        ConformanceKit kit = new ConformanceKit(gbPort(), "GB", exchange.pki.gateway("GB").load().certificate(), "FR",
                exchange.pki.gateway("FR").load(), exchange.pki.expired("FR").load(),
                new CertificateValidator(exchange.pki.partyTrust()), 16L * 1024 * 1024);

        List<ConformanceKit.Result> results = kit.run();

        assertThat(results).hasSizeGreaterThanOrEqualTo(34)
                .allSatisfy(r -> assertThat(r.passed()).as(r.check() + ": expected " + r.expected() + ", answered "
                        + r.answered()).isTrue());
    }

    @Test
    void theCommandLinePrintsALinePerCheckAndExitsZeroWhenAllPass() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = ConformanceKit.run(new String[] {"--url", gbPort().toString(), "--to", "GB", "--as", "FR",
                "--pki", exchange.pki.directory().toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));

        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(report).isZero();
        assertThat(report).contains("PASS a valid message is answered with the inbox's signed receipt",
                "PASS content changed after signing: expected 403 SIGNATURE_INVALID, answered 403 SIGNATURE_INVALID")
                .doesNotContain("FAIL").containsPattern("OK [0-9]+ of [0-9]+ checks passed");
    }

    @Test
    void anInboxThatIsNotThePartyItClaimsFailsEveryCheckAndExitsOne() {
        // GB's inbox, told to the kit as BE's: no TLS session is had with it, so nothing passes
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = ConformanceKit.run(new String[] {"--url", gbPort().toString(), "--to", "BE", "--as", "FR",
                "--pki", exchange.pki.directory().toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));

        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(report).isEqualTo(1);
        assertThat(report).contains("FAIL a valid message is answered with the inbox's signed receipt",
                "FAIL content changed after signing").contains("FAILED ");
    }

    private static URI gbPort() {
        return URI.create("https://localhost:" + exchange.gb.exchangePort());
    }
}
