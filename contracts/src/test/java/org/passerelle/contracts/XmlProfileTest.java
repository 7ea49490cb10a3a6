package org.passerelle.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The codec holds every document to one XML profile (UTF-8 without a byte order mark; no comment, processing
 * instruction or CDATA section anywhere), so that a back-end parsing the forwarded bytes sees what the codec checked.
 */
class XmlProfileTest {

    private static final MessageCodec CODEC = new MessageCodec();
    private static final String SAMPLE = "/samples/valid/CaseStatusUpdate.xml";
    private static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>";
    private static final String FROM = "<cmn:From>GB</cmn:From>";
    /** The line of the sample's {@code From}. */
    private static final int FROM_LINE = 7;

    @Test
    void refusesACommentInsideAHeaderValue() {
        // given a From that a parser skipping comments reads as GB and one keeping them does not
        byte[] xml = utf8(sampleWith(FROM, "<cmn:From>G<!-- DE -->B</cmn:From>"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("comment").doesNotContain(" DE ");
            assertThat(v.path()).isEqualTo("/Envelope/Header/From");
            assertThat(v.line()).isEqualTo(FROM_LINE);
            assertThat(v.column()).isPositive();
        });
    }

    @Test
    void refusesACommentedOutSecondElement() {
        // given
        byte[] xml = utf8(sampleWith(FROM, FROM + "<!--<cmn:From>DE</cmn:From>-->"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("comment").doesNotContain("DE<");
            assertThat(v.path()).isEqualTo("/Envelope/Header");
            assertThat(v.line()).isEqualTo(FROM_LINE);
        });
    }

    @Test
    void refusesACommentBeforeTheRootElement() {
        // given
        byte[] xml = utf8(sampleWith(DECLARATION, DECLARATION + "\n<!-- prolog note -->"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("comment").doesNotContain("prolog note");
            assertThat(v.path()).isEmpty();
            assertThat(v.line()).isEqualTo(2);
        });
    }

    @Test
    void refusesACommentAfterTheRootElement() {
        // given
        byte[] xml = utf8(sampleWith("</env:Envelope>", "</env:Envelope>\n<!-- epilog note -->"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("comment").doesNotContain("epilog note");
            assertThat(v.path()).isEmpty();
            assertThat(v.line()).isEqualTo(25);
        });
    }

    @Test
    void refusesAProcessingInstructionInsideTheBody() {
        // given
        byte[] xml = utf8(sampleWith("<cs:CaseStatusUpdate>", "<cs:CaseStatusUpdate><?backend-hint route=\"DE\"?>"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("processing instruction").doesNotContain("backend-hint");
            assertThat(v.path()).isEqualTo("/Envelope/Body/CaseStatusUpdate");
            assertThat(v.line()).isEqualTo(17);
        });
    }

    @Test
    void refusesAProcessingInstructionBeforeTheRootElement() {
        // given
        byte[] xml = utf8(sampleWith(DECLARATION, DECLARATION + "\n<?xml-stylesheet type=\"text/xsl\" href=\"view.xsl\"?>"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("processing instruction").doesNotContain("view.xsl");
            assertThat(v.path()).isEmpty();
            assertThat(v.line()).isEqualTo(2);
        });
    }

    @Test
    void refusesACdataSectionInAHeaderValue() {
        // given
        byte[] xml = utf8(sampleWith(FROM, "<cmn:From><![CDATA[GB]]></cmn:From>"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("CDATA");
            assertThat(v.path()).isEqualTo("/Envelope/Header/From");
            assertThat(v.line()).isEqualTo(FROM_LINE);
        });
    }

    static Stream<Arguments> utf16() {
        return Stream.of(
                Arguments.of("UTF-16BE with a byte order mark", new byte[] {(byte) 0xFE, (byte) 0xFF}, StandardCharsets.UTF_16BE),
                Arguments.of("UTF-16LE with a byte order mark", new byte[] {(byte) 0xFF, (byte) 0xFE}, StandardCharsets.UTF_16LE),
                Arguments.of("UTF-16BE without a byte order mark", new byte[0], StandardCharsets.UTF_16BE),
                Arguments.of("UTF-16LE without a byte order mark", new byte[0], StandardCharsets.UTF_16LE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("utf16")
    void refusesUtf16BeforeParsing(String name, byte[] byteOrderMark, Charset charset) {
        // given an otherwise valid envelope, declared and encoded as UTF-16
        String envelope = sampleWith(DECLARATION, "<?xml version=\"1.0\" encoding=\"UTF-16\" standalone=\"yes\"?>");
        byte[] xml = concat(byteOrderMark, envelope.getBytes(charset));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("UTF-16");
            assertThat(v.path()).isEmpty();
            assertThat(v.line()).isEqualTo(1);
            assertThat(v.column()).isEqualTo(1);
        });
    }

    @Test
    void refusesEbcdicBeforeParsing() {
        // given an otherwise valid envelope, declared and encoded as EBCDIC (IBM037)
        assumeTrue(Charset.isSupported("IBM037"), "this JDK has no IBM037");
        String envelope = sampleWith(DECLARATION, "<?xml version=\"1.0\" encoding=\"IBM037\" standalone=\"yes\"?>");
        byte[] xml = envelope.getBytes(Charset.forName("IBM037"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("EBCDIC");
            assertThat(v.path()).isEmpty();
            assertThat(v.line()).isEqualTo(1);
        });
    }

    @Test
    void refusesUtf8WithAByteOrderMark() {
        // given
        byte[] xml = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, SampleMessages.load(SAMPLE));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("byte order mark");
            assertThat(v.path()).isEmpty();
            assertThat(v.line()).isEqualTo(1);
        });
    }

    @Test
    void refusesADeclarationOfAnotherEncodingThanUtf8() {
        // given an envelope whose bytes are the same in ISO-8859-1 and UTF-8, but which declares ISO-8859-1
        String envelope = sampleWith(DECLARATION, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"yes\"?>");
        byte[] xml = envelope.getBytes(StandardCharsets.ISO_8859_1);

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("encoding").contains("UTF-8").doesNotContain("ISO-8859-1");
            assertThat(v.path()).isEmpty();
            assertThat(v.line()).isEqualTo(1);
        });
    }

    @Test
    void refusesXml11() {
        // given an envelope declaring XML 1.1, under which NEL and U+2028 end lines and control characters are allowed
        byte[] xml = utf8(sampleWith(DECLARATION, "<?xml version=\"1.1\" encoding=\"UTF-8\"?>"));

        // when
        ContractViolationException refusal = refusalOf(xml);

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("version").contains("1.0");
            assertThat(v.path()).isEmpty();
        });
    }

    @Test
    void refusesTheSameConstructsReadFromAStream() {
        // given
        byte[] comment = utf8(sampleWith(FROM, "<cmn:From>G<!-- DE -->B</cmn:From>"));
        byte[] byteOrderMark = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, SampleMessages.load(SAMPLE));

        // when
        ContractViolationException commentRefusal = streamRefusalOf(comment);
        ContractViolationException byteOrderMarkRefusal = streamRefusalOf(byteOrderMark);

        // then
        assertThat(commentRefusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(commentRefusal.violations()).singleElement().satisfies(v -> assertThat(v.path()).isEqualTo("/Envelope/Header/From"));
        assertThat(byteOrderMarkRefusal.code()).isEqualTo(ContractErrorCode.XML_FORBIDDEN_CONSTRUCT);
        assertThat(byteOrderMarkRefusal.violations()).singleElement().satisfies(v -> assertThat(v.message()).contains("byte order mark"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<?xml version=\"1.0\"?>",
            ""})
    void acceptsAValidEnvelopeWithOrWithoutAnXmlDeclaration(String declaration) {
        // given
        byte[] xml = utf8(sampleWith(DECLARATION + "\n", declaration.isEmpty() ? "" : declaration + "\n"));

        // when
        DecodedMessage decoded = CODEC.decode(xml);

        // then
        assertThat(decoded.bytes()).isEqualTo(xml);
        assertThat(decoded.envelope().getHeader().getFrom()).isEqualTo("GB");
    }

    @Test
    void encodesWithinTheProfile() {
        // given
        DecodedMessage decoded = CODEC.decode(SampleMessages.load(SAMPLE));

        // when
        byte[] encoded = CODEC.encode(decoded.envelope());

        // then UTF-8 without a byte order mark, declared as such, and the declaration the only "<?"
        String text = new String(encoded, StandardCharsets.UTF_8);
        assertThat(encoded[0]).isEqualTo((byte) '<');
        assertThat(text).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"")
                .doesNotContain("<!--").doesNotContain("<![CDATA[");
        assertThat(text.indexOf("<?", 1)).isEqualTo(-1);
    }

    /** The sample's text with one fragment replaced; the fragment must be there, or the test would prove nothing. */
    private static String sampleWith(String fragment, String replacement) {
        String sample = SampleMessages.text(SAMPLE);
        assertThat(sample).as("the sample holds %s", fragment).contains(fragment);
        return sample.replace(fragment, replacement);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(first.length + second.length);
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }

    private static ContractViolationException refusalOf(byte[] xml) {
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class, () -> CODEC.decode(xml));
        assertThat(refusal).as("the document must be refused").isNotNull();
        return refusal;
    }

    private static ContractViolationException streamRefusalOf(byte[] xml) {
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class,
                () -> CODEC.decode(new ByteArrayInputStream(xml)));
        assertThat(refusal).as("the document must be refused").isNotNull();
        return refusal;
    }
}
