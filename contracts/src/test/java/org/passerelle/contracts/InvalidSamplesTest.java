package org.passerelle.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid sample breaks exactly one rule and is refused with the code and the element path recorded for it in
 * {@code samples/invalid/expected.csv}.
 */
class InvalidSamplesTest {

    private static final MessageCodec CODEC = new MessageCodec();
    private static final String FOLDER = "/samples/invalid/";

    static Stream<Arguments> expectations() {
        return SampleMessages.text(FOLDER + "expected.csv").lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split(",", 4))
                .map(f -> Arguments.of(f[0], ContractErrorCode.valueOf(f[1]), f[2], f[3]));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("expectations")
    void refusesWithTheExpectedCodeAtTheExpectedPath(String sample, ContractErrorCode code, String path, String rule) {
        // given
        byte[] xml = SampleMessages.load(FOLDER + sample);

        // when
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class, () -> CODEC.decode(xml));

        // then
        assertThat(refusal).as("%s must be refused (%s)", sample, rule).isNotNull();
        assertThat(refusal.code()).as(refusal.getMessage()).isEqualTo(code);
        assertThat(refusal.violations()).isNotEmpty()
                .allSatisfy(v -> assertThat(v.path()).as(v.toString()).isEqualTo(path))
                .allSatisfy(v -> assertThat(v.line()).as(v.toString()).isPositive());
    }

    @Test
    void manifestListsEveryInvalidSampleExactlyOnce() {
        // given
        List<String> files = SampleMessages.list(FOLDER, ".xml");

        // when
        List<String> listed = expectations().map(a -> (String) a.get()[0]).toList();

        // then
        assertThat(listed).doesNotHaveDuplicates();
        Set<String> listedSet = listed.stream().collect(Collectors.toSet());
        assertThat(listedSet).containsExactlyInAnyOrderElementsOf(files);
    }
}
