package org.passerelle.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile documents are refused quickly, with a clear error and the right code, and nothing outside the document is
 * read or fetched. The time bounds only make sure hostile input terminates; they measure nothing.
 */
class HostileInputTest {

    private static final Duration TERMINATES_WITHIN = Duration.ofSeconds(5);
    private static final MessageCodec CODEC = new MessageCodec();

    /** A port that accepts connections but never answers: anything fetched from it would hang, and is noticed. */
    private ServerSocket trap;

    @BeforeEach
    void openTrap() throws IOException {
        trap = new ServerSocket(0);
    }

    @AfterEach
    void closeTrap() throws IOException {
        trap.close();
    }

    @Test
    void refusesDoctypeBeforeReadingEntities() throws IOException {
        // given
        byte[] xxe = hostile("xxe-local-file.xml");

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN, () -> refusalOf(xxe));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("DOCTYPE"))
                .satisfies(v -> assertThat(v.line()).isEqualTo(2));
        String everything = everythingSaidAbout(refusal);
        Path passwd = Path.of("/etc/passwd");
        if (Files.isReadable(passwd)) {
            List<String> secrets = Files.readAllLines(passwd).stream().filter(line -> line.length() > 4).toList();
            assertThat(secrets).isNotEmpty().noneSatisfy(line -> assertThat(everything).contains(line));
        }
        assertThat(everything).doesNotContain("root:").doesNotContain("/bin/");
    }

    @Test
    void refusesBillionLaughsWithoutExpandingAnything() {
        // given
        byte[] laughs = hostile("billion-laughs.xml");

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN, () -> refusalOf(laughs));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(everythingSaidAbout(refusal)).doesNotContain("lollol");
    }

    @Test
    void refusesExternalDtdWithoutFetchingIt() throws IOException {
        // given
        byte[] externalDtd = withTrapPort(hostile("external-dtd.xml"));

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN, () -> refusalOf(externalDtd));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertNobodyKnockedOnTheTrap();
    }

    @Test
    void ignoresSchemaLocationHintsWithoutFetchingThem() throws IOException {
        // given a valid message whose xsi:schemaLocation points at a server that would never answer
        byte[] hinted = withTrapPort(hostile("schema-location-hint.xml"));

        // when
        DecodedMessage decoded = assertTimeoutPreemptively(TERMINATES_WITHIN, () -> CODEC.decode(hinted));

        // then the bundled schemas were used and nothing was fetched
        assertThat(decoded.envelope().getBody().getCaseStatusUpdate()).isNotNull();
        assertNobodyKnockedOnTheTrap();
    }

    @Test
    void refusesXInclude() {
        // given a document declaring the XInclude namespace on its root (refused there, before any include)
        byte[] xinclude = hostile("xinclude.xml");

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN, () -> refusalOf(xinclude));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement()
                .satisfies(v -> assertThat(v.path()).isEqualTo("/Envelope"))
                .satisfies(v -> assertThat(v.message()).contains("XInclude"));
        assertThat(everythingSaidAbout(refusal)).doesNotContain("root:");
    }

    @Test
    void refusesEntityReferenceWithoutDoctype() {
        // given
        byte[] reference = hostile("entity-reference-without-doctype.xml");

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN, () -> refusalOf(reference));

        // then an undeclared entity is not even well-formed
        assertThat(refusal.code()).isIn(ContractErrorCode.XML_MALFORMED, ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> assertThat(v.line()).isEqualTo(4));
    }

    @Test
    void refusesOversizeStreamBeforeReadingItAll() {
        // given a 17 MiB stream, counted as it is read
        CountingStream seventeenMebibytes = new CountingStream(17L * 1024 * 1024);

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN,
                () -> catchThrowableOfType(ContractViolationException.class, () -> CODEC.decode(seventeenMebibytes)));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_TOO_LARGE);
        assertThat(refusal.violations()).singleElement().satisfies(v -> assertThat(v.message()).contains("16777216"));
        assertThat(seventeenMebibytes.served).isLessThanOrEqualTo(CodecLimits.DEFAULT_MAX_DOCUMENT_BYTES + 1L);
    }

    @Test
    void refusesOversizeBytesWithoutParsingThem() {
        // given a configured limit of 1 KiB and a valid but larger message
        MessageCodec small = new MessageCodec(CodecLimits.defaults().withMaxDocumentBytes(1024));
        byte[] message = SampleMessages.load("/samples/valid/CaseStatusUpdate.xml");

        // when / then
        assertThat(message.length).isGreaterThan(1024);
        assertThatThrownBy(() -> small.decode(message))
                .isInstanceOfSatisfying(ContractViolationException.class,
                        e -> assertThat(e.code()).isEqualTo(ContractErrorCode.XML_TOO_LARGE));
    }

    @Test
    void refusesElementsNestedBeyondTheDepthLimit() {
        // given
        String deep = "<env:Envelope xmlns:env=\"urn:passerelle:envelope:1\">" + "<a>".repeat(100_000) + "</a>".repeat(100_000) + "</env:Envelope>";

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN,
                () -> refusalOf(deep.getBytes(StandardCharsets.UTF_8)));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_TOO_LARGE);
        assertThat(refusal.violations()).singleElement().satisfies(v -> assertThat(v.message()).contains("deeper than 32"));
    }

    @Test
    void refusesAnElementWithTooManyAttributes() {
        // given
        StringBuilder attributes = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            attributes.append(" a").append(i).append("=\"x\"");
        }
        String wide = "<env:Envelope xmlns:env=\"urn:passerelle:envelope:1\"" + attributes + "/>";

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN,
                () -> refusalOf(wide.getBytes(StandardCharsets.UTF_8)));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_TOO_LARGE);
    }

    @Test
    void refusesBytesThatAreNotXml() {
        // given
        byte[] notXml = SampleMessages.biometricSample("sample.wsq");

        // when
        ContractViolationException refusal = assertTimeoutPreemptively(TERMINATES_WITHIN, () -> refusalOf(notXml));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_MALFORMED);
    }

    private static byte[] hostile(String name) {
        return SampleMessages.load("/samples/hostile/" + name);
    }

    private byte[] withTrapPort(byte[] template) {
        return new String(template, StandardCharsets.UTF_8).replace("{{port}}", String.valueOf(trap.getLocalPort()))
                .getBytes(StandardCharsets.UTF_8);
    }

    private void assertNobodyKnockedOnTheTrap() throws IOException {
        trap.setSoTimeout(200);
        assertThatThrownBy(() -> trap.accept().close()).isInstanceOf(SocketTimeoutException.class);
    }

    private static ContractViolationException refusalOf(byte[] xml) {
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class, () -> CODEC.decode(xml));
        assertThat(refusal).as("the document must be refused").isNotNull();
        return refusal;
    }

    /** The message, violations, causes and stack trace: everything a log could show. */
    private static String everythingSaidAbout(ContractViolationException refusal) {
        StringWriter trace = new StringWriter();
        refusal.printStackTrace(new PrintWriter(trace));
        return trace + "\n" + refusal.violations();
    }

    /** A stream of {@code size} spaces that counts how many bytes were read from it. */
    private static final class CountingStream extends InputStream {
        private final long size;
        private long served;

        CountingStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (served >= size) {
                return -1;
            }
            served++;
            return ' ';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - served);
            java.util.Arrays.fill(b, off, off + n, (byte) ' ');
            served += n;
            return n;
        }
    }
}
