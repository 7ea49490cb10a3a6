package org.passerelle.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads the sample messages under {@code /samples/}, filling each {@code {{nist:FILE}}} placeholder with the base64 of
 * the reference transaction {@code /biometric-samples/FILE}, so that biometric samples carry real transactions while
 * the committed files stay small.
 */
public final class SampleMessages {

    private static final Pattern NIST_PLACEHOLDER = Pattern.compile("\\{\\{nist:([a-z0-9.\\-]+)}}");

    private SampleMessages() {
    }

    /** The sample's bytes, placeholders filled, exactly as a back-end would send them. */
    public static byte[] load(String resource) {
        return fill(text(resource)).getBytes(StandardCharsets.UTF_8);
    }

    /** The template's text with every {@code {{nist:FILE}}} replaced by that transaction in base64. */
    public static String fill(String template) {
        Matcher m = NIST_PLACEHOLDER.matcher(template);
        StringBuilder filled = new StringBuilder(template.length());
        while (m.find()) {
            m.appendReplacement(filled, Base64.getEncoder().encodeToString(biometricSample(m.group(1))));
        }
        m.appendTail(filled);
        return filled.toString();
    }

    /** The bytes of a reference ANSI/NIST-ITL transaction or WSQ image from {@code /biometric-samples/}. */
    public static byte[] biometricSample(String file) {
        return bytes("/biometric-samples/" + file);
    }

    /** The names of the files in a sample folder such as {@code /samples/valid/}, sorted. */
    public static List<String> list(String folder, String suffix) {
        URL url = SampleMessages.class.getResource(folder);
        if (url == null) {
            throw new IllegalArgumentException("no sample folder " + folder);
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(String resource) {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String resource) {
        try (InputStream in = SampleMessages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
