package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The console's message bundle is whole: English and French have the same keys, none empty, with the same arguments;
 * every key a template or a console class names exists; and no template writes a visible word of its own, outside
 * the bundle.
 */
class ConsoleMessagesTest {

    static final Path TEMPLATES = Path.of("src/main/resources/templates");
    static final Path CONSOLE_CODE = Path.of("src/main/java/org/passerelle/gateway/console");

    /** A literal key in a template's message expression: {@code #{key}} or {@code #{key(args)}}. */
    private static final Pattern TEMPLATE_KEY = Pattern.compile("#\\{([A-Za-z0-9_.\\-]+)[}(]");
    /** A literal key a console class asks the bundle for. */
    private static final Pattern CODE_KEY = Pattern.compile("text\\(\"([A-Za-z0-9_.\\-]+)\"");
    /** A tag, its attribute values quoted (they may hold '>' in expressions). */
    private static final Pattern TAG = Pattern.compile("<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>");
    private static final Pattern LETTER = Pattern.compile("\\p{L}");

    @Test
    void englishAndFrenchHaveTheSameKeysNoneEmpty() {
        Map<String, String> en = bundle("");
        Map<String, String> fr = bundle("_fr");

        assertThat(fr.keySet()).isEqualTo(en.keySet());
        assertThat(en).allSatisfy((key, value) -> assertThat(value).as(key).isNotBlank());
        assertThat(fr).allSatisfy((key, value) -> assertThat(value).as(key).isNotBlank());
    }

    @Test
    void eachMessageTakesTheSameArgumentsInBothLanguagesAndIsAValidMessageFormat() {
        Map<String, String> en = bundle("");
        Map<String, String> fr = bundle("_fr");

        en.forEach((key, value) -> {
            if (!value.contains("{")) {
                return;
            }
            assertThat(arguments(fr.get(key))).as(key).isEqualTo(arguments(value));
            new MessageFormat(value);
            new MessageFormat(fr.get(key));
        });
    }

    @Test
    void theBundleIsUtf8AndFrenchIsWrittenWithItsAccents() throws IOException {
        for (String file : List.of("console.properties", "console_fr.properties")) {
            byte[] bytes = resource("messages/" + file).readAllBytes();
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes));
            } catch (CharacterCodingException e) {
                throw new AssertionError(file + " is not UTF-8", e);
            }
        }
        assertThat(bundle("_fr")).containsEntry("common.problem", "Il y a un problème")
                .containsEntry("nav.equivalence", "Équivalence");
    }

    @Test
    void everyKeyATemplateOrAConsoleClassNamesIsInTheBundle() throws IOException {
        Map<String, String> en = bundle("");
        Set<String> named = new TreeSet<>();
        for (Path file : files(TEMPLATES, ".html")) {
            Matcher m = TEMPLATE_KEY.matcher(Files.readString(file));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        for (Path file : files(CONSOLE_CODE, ".java")) {
            Matcher m = CODE_KEY.matcher(Files.readString(file));
            while (m.find()) {
                if (!m.group(1).endsWith(".")) { // a prefix, completed by a code: "purpose." + purpose
                    named.add(m.group(1));
                }
            }
        }

        assertThat(named).hasSizeGreaterThan(300);
        assertThat(en.keySet()).containsAll(named);
    }

    @Test
    void noTemplateWritesAVisibleWordOutsideTheBundle() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : files(TEMPLATES, ".html")) {
            String html = Files.readString(file).replaceAll("(?s)<!--.*?-->", "");
            Matcher tags = TAG.matcher(html);
            String previous = null;
            int end = 0;
            while (tags.find()) {
                String text = html.substring(end, tags.start());
                // Text with a letter in it must be the placeholder of an element whose th:text replaces it, or a
                // command in <code>.
                if (LETTER.matcher(text).find() && !(previous != null && !previous.startsWith("</")
                        && (previous.contains("th:text=") || previous.contains("th:utext=") || previous.startsWith("<code")))) {
                    found.add(file.getFileName() + ": text \"" + text.strip() + "\" after " + previous);
                }
                String tag = tags.group();
                // Words in attributes a person hears or sees: only from the bundle (th:aria-label and the like).
                Matcher attribute = Pattern.compile("\\s(aria-label|title|alt|placeholder)=\"([^\"]*)\"").matcher(tag);
                while (attribute.find()) {
                    if (LETTER.matcher(attribute.group(2)).find()) {
                        found.add(file.getFileName() + ": attribute " + attribute.group());
                    }
                }
                // No words inside an expression either: a string literal in th:text or in a page's title is a code,
                // a name (a field's, a key's prefix) or punctuation, never words ("Withheld: ", "None").
                Matcher expression = Pattern.compile("th:(?:u?text|aria-label|title|replace)=\"([^\"]*)\"").matcher(tag);
                while (expression.find()) {
                    Matcher literal = Pattern.compile("'([^']*)'").matcher(expression.group(1));
                    while (literal.find()) {
                        if (literal.group(1).matches("(?s)\\p{Lu}.*\\p{Ll}.*|(?=.*\\s).*\\p{Ll}.*")) {
                            found.add(file.getFileName() + ": literal '" + literal.group(1) + "' in " + expression.group());
                        }
                    }
                }
                previous = tag;
                end = tags.end();
            }
        }

        assertThat(found).isEmpty();
    }

    /** The bundle of a language ({@code ""} for English, {@code "_fr"}), read as Spring reads it: UTF-8. */
    static Map<String, String> bundle(String suffix) {
        try (InputStream in = resource("messages/console" + suffix + ".properties")) {
            Properties p = new Properties();
            p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            Map<String, String> map = new TreeMap<>();
            p.stringPropertyNames().forEach(k -> map.put(k, p.getProperty(k)));
            return map;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message's text outside its arguments ({@code {0}}, {@code {0,choice,...}} with what is nested in them). */
    static List<String> literalParts(String message) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        int depth = 0;
        for (char c : message.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (depth == 0) {
                part.append(c);
                continue;
            }
            if (!part.isEmpty()) {
                parts.add(part.toString());
                part.setLength(0);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    private static Set<String> arguments(String message) {
        Set<String> args = new TreeSet<>();
        Matcher m = Pattern.compile("\\{(\\d+)").matcher(message);
        while (m.find()) {
            args.add(m.group(1));
        }
        return args;
    }

    private static InputStream resource(String name) {
        InputStream in = ConsoleMessagesTest.class.getClassLoader().getResourceAsStream(name);
        assertThat(in).as(name).isNotNull();
        return in;
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
