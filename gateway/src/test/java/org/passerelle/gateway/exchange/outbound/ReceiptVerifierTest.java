package org.passerelle.gateway.exchange.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.CmsVerifier;
import org.passerelle.security.SecurityCheckException;
import org.passerelle.security.SecurityErrorCode;
import org.passerelle.security.pki.DevPki;

/**
 * A partner answers a retransmission with the receipt it signed when it first took the message: that receipt, hours
 * old, is still the proof of delivery, while a message signed that long ago would be refused as a replay.
 */
class ReceiptVerifierTest {

    private static final byte[] RECEIPT = "<receipt/>".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    static DevPki pki;

    @BeforeAll
    static void generatePki() {
        pki = DevPki.generate(dir.resolve("pki"), List.of("GB", "FR"));
    }

    @Test
    void acceptsAReceiptSignedHoursAgoThatAMessageCouldNotBe() {
        // given FR's receipt, signed three hours ago when FR first took the message
        Clock then = Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC);
        byte[] receipt = new CmsSigner(pki.gateway("FR").load(), then).sign(RECEIPT);
        CertificateValidator validator = new CertificateValidator(pki.partyTrust());

        // then it verifies as a receipt, and the same signature would not pass for a message (five minutes' skew)
        assertThat(ReceiptVerifier.of(validator, Clock.systemUTC(), Duration.ofMinutes(5)).verify(receipt, "FR").content())
                .isEqualTo(RECEIPT);
        assertThatThrownBy(() -> new CmsVerifier(validator, Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofMinutes(5))
                .verify(receipt, "FR"))
                .isInstanceOfSatisfying(SecurityCheckException.class,
                        e -> assertThat(e.code()).isEqualTo(SecurityErrorCode.SIGNING_TIME_SKEWED));
    }

    @Test
    void refusesAReceiptSignedByAnOfficerOfThePartner() {
        byte[] receipt = new CmsSigner(pki.officer("FR", "liaison-officer").load()).sign(RECEIPT);

        assertThatThrownBy(() -> ReceiptVerifier.of(new CertificateValidator(pki.partyTrust()), Clock.systemUTC(),
                Duration.ofMinutes(5)).verify(receipt, "FR"))
                .isInstanceOfSatisfying(SecurityCheckException.class,
                        e -> assertThat(e.code()).isEqualTo(SecurityErrorCode.NOT_A_GATEWAY_CERTIFICATE));
    }
}
