package org.passerelle.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.ContractErrorCode;
import org.passerelle.contracts.ErrorCode;
import org.passerelle.security.SecurityErrorCode;

/**
 * Holds the one error catalogue to what partners and back-ends are promised: every code of the contracts, the
 * security library and the gateway is raised somewhere in the main code, exercised by some test, and listed in
 * README's "Error codes" section, and no name is taken by two codes. The checks read the sources, so a code added
 * without a raiser, a test or a README line fails here.
 */
class ErrorCatalogueTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Map<Class<? extends Enum<?>>, String> MODULE_OF = Map.of(
            ContractErrorCode.class, "contracts", SecurityErrorCode.class, "security", GatewayErrorCode.class, "gateway");

    @Test
    void everyCodeIsRaisedInTheMainCodeOfItsModule() {
        List<String> neverRaised = new ArrayList<>();
        MODULE_OF.forEach((catalogue, module) -> {
            String sources = sources(ROOT.resolve(module).resolve("src/main/java"), catalogue.getSimpleName() + ".java");
            for (ErrorCode code : codes(catalogue)) {
                // A qualified use or a static import, outside the enum's own file.
                if (!Pattern.compile("\\b" + catalogue.getSimpleName() + "\\." + code.name() + "\\b").matcher(sources).find()) {
                    neverRaised.add(code.name());
                }
            }
        });
        assertThat(neverRaised).as("codes no main code raises").isEmpty();
    }

    @Test
    void everyCodeIsExercisedBySomeTest() {
        String tests = Stream.of("contracts/src/test", "security/src/test", "gateway/src/test", "tests/src")
                .map(d -> sources(ROOT.resolve(d), ErrorCatalogueTest.class.getSimpleName() + ".java"))
                .reduce("", String::concat);
        List<String> untested = allCodes().stream().map(ErrorCode::name)
                .filter(name -> !Pattern.compile("(?<!HttpStatus\\.)\\b" + name + "\\b").matcher(tests).find())
                .toList();
        assertThat(untested).as("codes no test names").isEmpty();
    }

    @Test
    void everyCodeIsListedInReadmesErrorCodes() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n### Error codes\n");
        assertThat(start).as("README's Error codes section").isNotNegative();
        int end = readme.indexOf("\n#", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> unlisted = allCodes().stream().map(ErrorCode::name)
                .filter(name -> !section.contains("`" + name + "`")).toList();
        assertThat(unlisted).as("codes missing from README's Error codes").isEmpty();
    }

    @Test
    void noNameIsTakenByTwoCodes() {
        List<String> names = allCodes().stream().map(ErrorCode::name).toList();
        assertThat(names).doesNotHaveDuplicates();
    }

    private static List<ErrorCode> allCodes() {
        return MODULE_OF.keySet().stream().flatMap(c -> codes(c).stream()).toList();
    }

    private static List<ErrorCode> codes(Class<? extends Enum<?>> catalogue) {
        return Stream.of(catalogue.getEnumConstants()).map(ErrorCode.class::cast).toList();
    }

    /** Every Java file under the directory but the one named, concatenated. */
    private static String sources(Path dir, String except) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals(except))
                    .map(ErrorCatalogueTest::read).reduce("", String::concat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
