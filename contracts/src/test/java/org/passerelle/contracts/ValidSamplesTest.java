package org.passerelle.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.passerelle.contracts.common.v1.MessageType;

/** Every valid sample is accepted and, written in the codec's canonical form, comes back byte for byte. */
class ValidSamplesTest {

    private static final MessageCodec CODEC = new MessageCodec();

    static Stream<String> validSamples() {
        return SampleMessages.list("/samples/valid/", ".xml").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSamples")
    void acceptsAndRoundTripsToTheSameBytes(String sample) {
        // given
        byte[] xml = SampleMessages.load("/samples/valid/" + sample);

        // when
        DecodedMessage decoded = CODEC.decode(xml);
        byte[] encoded = CODEC.encode(decoded.envelope());

        // then
        assertThat(decoded.bytes()).isEqualTo(xml);
        assertThat(new String(encoded, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(xml, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(encoded).isEqualTo(xml);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSamples")
    void headerNamesTheBodyOfEachSample(String sample) {
        // given
        byte[] xml = SampleMessages.load("/samples/valid/" + sample);

        // when
        DecodedMessage decoded = CODEC.decode(xml);

        // then
        assertThat(sample).startsWith(decoded.envelope().getHeader().getMessageType().value());
    }

    @Test
    void everyMessageTypeHasAValidSampleAndSeveralInvalidOnes() {
        // given
        List<String> valid = SampleMessages.list("/samples/valid/", ".xml");
        List<String> invalid = SampleMessages.list("/samples/invalid/", ".xml");

        // when / then
        for (MessageType type : MessageType.values()) {
            assertThat(valid).as("valid samples of %s", type.value())
                    .anyMatch(name -> name.equals(type.value() + ".xml") || name.startsWith(type.value() + "-"));
            assertThat(invalid.stream().filter(name -> name.startsWith(type.value() + "--")).count())
                    .as("invalid samples of %s", type.value()).isGreaterThanOrEqualTo(3);
        }
        assertThat(Arrays.stream(MessageType.values())).hasSize(15);
    }
}
