package org.passerelle.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.casestatus.v1.CaseStatus;
import org.passerelle.contracts.casestatus.v1.CaseStatusUpdate;
import org.passerelle.contracts.common.v1.Header;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.envelope.v1.Envelope;

/** The codec's own behaviour beyond the samples: exact bytes kept, every violation reported, validated output, sharing. */
class MessageCodecTest {

    private static final MessageCodec CODEC = new MessageCodec();
    private static final String CASE_STATUS = "/samples/valid/CaseStatusUpdate.xml";

    @Test
    void keepsTheExactBytesItDecodedEvenWhenNotCanonical() {
        // given the same message, reformatted on one line with other prefixes
        String original = SampleMessages.text(CASE_STATUS);
        String reformatted = original.replaceAll(">\\s+<", "><").replace("cmn:", "c:").replace("xmlns:cmn=", "xmlns:c=");
        byte[] xml = reformatted.getBytes(StandardCharsets.UTF_8);

        // when
        DecodedMessage decoded = CODEC.decode(xml);

        // then
        assertThat(decoded.bytes()).isEqualTo(xml);
        assertThat(decoded.size()).isEqualTo(xml.length);
        assertThat(decoded.envelope().getHeader().getFrom()).isEqualTo("GB");
        assertThat(CODEC.encode(decoded.envelope())).isEqualTo(SampleMessages.load(CASE_STATUS));
    }

    @Test
    void decodesAStreamAsItDecodesBytes() {
        // given
        byte[] xml = SampleMessages.load("/samples/valid/ReadmissionRequest.xml");

        // when
        DecodedMessage decoded = CODEC.decode(new ByteArrayInputStream(xml));

        // then
        assertThat(decoded.bytes()).isEqualTo(xml);
        assertThat(decoded.envelopeNamespace()).isEqualTo("urn:passerelle:envelope:1");
        assertThat(decoded.envelope().getBody().getReadmissionRequest().getPerson().getNationality()).isEqualTo("ERI");
    }

    @Test
    void reportsEveryViolationWithLineColumnAndPathNotJustTheFirst() {
        // given a message breaking three rules in three places
        String xml = SampleMessages.text(CASE_STATUS)
                .replace("<cmn:From>GB</cmn:From>", "<cmn:From>gb</cmn:From>")
                .replace("<cs:Status>AWAITING_PARTNER</cs:Status>", "<cs:Status>WAITING</cs:Status>")
                .replace("<cs:NoteCode>REQUEST_SENT</cs:NoteCode>", "<cs:NoteCode>x</cs:NoteCode>");

        // when
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class,
                () -> CODEC.decode(xml.getBytes(StandardCharsets.UTF_8)));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_SCHEMA_INVALID);
        assertThat(refusal.violations()).extracting(Violation::path).containsOnly(
                "/Envelope/Header/From",
                "/Envelope/Body/CaseStatusUpdate/Status",
                "/Envelope/Body/CaseStatusUpdate/NoteCode")
                .contains("/Envelope/Header/From", "/Envelope/Body/CaseStatusUpdate/Status", "/Envelope/Body/CaseStatusUpdate/NoteCode");
        assertThat(refusal.violations()).allSatisfy(v -> {
            assertThat(v.line()).isPositive();
            assertThat(v.column()).isPositive();
        });
    }

    @Test
    void withholdsPersonalValuesFromViolationMessages() {
        // given a family name one character too long
        String name = "SECRETFAMILYNAME".repeat(6) + "ZZZZZ";
        String xml = SampleMessages.fill(SampleMessages.text("/samples/valid/ReadmissionRequest.xml")
                .replace("<cmn:FamilyName>DOE</cmn:FamilyName>", "<cmn:FamilyName>" + name + "</cmn:FamilyName>")
                .replace("<cmn:DateOfBirth>1994-07-21</cmn:DateOfBirth>", "<cmn:DateOfBirth>1994-07-21Z</cmn:DateOfBirth>"));

        // when
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class,
                () -> CODEC.decode(xml.getBytes(StandardCharsets.UTF_8)));

        // then
        assertThat(refusal.violations()).extracting(Violation::path)
                .contains("/Envelope/Body/ReadmissionRequest/Person/FamilyName", "/Envelope/Body/ReadmissionRequest/Person/DateOfBirth");
        assertThat(refusal.violations()).allSatisfy(v -> assertThat(v.message())
                .doesNotContain("SECRETFAMILYNAME").doesNotContain("1994-07-21"));
        assertThat(refusal.getMessage()).doesNotContain("SECRETFAMILYNAME");
    }

    @Test
    void refusesABodySentWithoutItsEnvelope() {
        // given
        String bare = "<cs:CaseStatusUpdate xmlns:cs=\"urn:passerelle:casestatus:1\"/>";

        // when
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class,
                () -> CODEC.decode(bare.getBytes(StandardCharsets.UTF_8)));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_UNSUPPORTED_NAMESPACE);
        assertThat(refusal.violations()).singleElement().satisfies(v -> assertThat(v.path()).isEqualTo("/CaseStatusUpdate"));
    }

    @Test
    void servesVersionOneAndRefusesVersionNine() {
        // given
        String v9 = SampleMessages.text(CASE_STATUS).replace("urn:passerelle:envelope:1", "urn:passerelle:envelope:9");

        // when
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class,
                () -> CODEC.decode(v9.getBytes(StandardCharsets.UTF_8)));

        // then
        assertThat(CODEC.servedNamespaces()).containsExactly("urn:passerelle:envelope:1");
        assertThat(SchemaCatalogue.standard().servedNamespaces()).containsExactly("urn:passerelle:envelope:1");
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_UNSUPPORTED_NAMESPACE);
        assertThat(refusal.violations().get(0).message()).contains("urn:passerelle:envelope:9");
    }

    @Test
    void encodesABuiltEnvelopeWithStablePrefixesAndReadsItBack() {
        // given
        Envelope envelope = caseStatusEnvelope();

        // when
        byte[] xml = CODEC.encode(envelope);

        // then
        String text = new String(xml, StandardCharsets.UTF_8);
        assertThat(text).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<env:Envelope ")
                .contains("xmlns:cmn=\"urn:passerelle:common:1\"", "xmlns:cs=\"urn:passerelle:casestatus:1\"")
                .contains("<cmn:CreatedAt>2026-03-02T09:15:00Z</cmn:CreatedAt>", "<cs:Status>CLOSED</cs:Status>");
        assertThat(CODEC.encode(CODEC.decode(xml).envelope())).isEqualTo(xml);
    }

    @Test
    void encodeRefusesAnEnvelopeThatBreaksTheSchemaWithEveryPath() {
        // given
        Envelope envelope = caseStatusEnvelope();
        envelope.getHeader().setTo("fr");
        envelope.getHeader().setMessageId(null);

        // when
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class, () -> CODEC.encode(envelope));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_SCHEMA_INVALID);
        assertThat(refusal.violations()).extracting(Violation::path)
                .contains("/Envelope/Header/ConversationId", "/Envelope/Header/To");
    }

    @Test
    void encodeRefusesAHeaderThatDoesNotNameItsBody() {
        // given
        Envelope envelope = caseStatusEnvelope();
        envelope.getHeader().setMessageType(MessageType.FAULT);

        // when
        ContractViolationException refusal = catchThrowableOfType(ContractViolationException.class, () -> CODEC.encode(envelope));

        // then
        assertThat(refusal.code()).isEqualTo(ContractErrorCode.XML_SCHEMA_INVALID);
        assertThat(refusal.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/Envelope/Header/MessageType");
            assertThat(v.line()).isPositive();
        });
    }

    @Test
    void oneSharedCodecDecodesAndEncodesFromManyThreads() throws Exception {
        // given
        byte[] request = SampleMessages.load("/samples/valid/BiometricSearchRequest.xml");
        byte[] status = SampleMessages.load(CASE_STATUS);
        ExecutorService pool = Executors.newFixedThreadPool(8);

        // when
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 24; i++) {
                byte[] xml = i % 12 == 0 ? request : status;
                results.add(pool.submit(() -> java.util.Arrays.equals(CODEC.encode(CODEC.decode(xml).envelope()), xml)));
            }
            // then
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Envelope caseStatusEnvelope() {
        Header header = new Header();
        header.setMessageId("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
        header.setConversationId("7a2b3c4d-5e6f-4a70-8b9c-0d1e2f3a4b5c");
        header.setFrom("GB");
        header.setTo("FR");
        header.setCreatedAt(OffsetDateTime.of(2026, 3, 2, 9, 15, 0, 0, ZoneOffset.UTC));
        header.setExpiresAt(OffsetDateTime.of(2026, 3, 9, 9, 15, 0, 0, ZoneOffset.UTC));
        header.setMessageType(MessageType.CASE_STATUS_UPDATE);
        header.setSchemaVersion("1.0");
        header.setTestIndicator(true);
        CaseStatusUpdate update = new CaseStatusUpdate();
        update.setCaseReference("GB-RA-2026-000123");
        update.setStatus(CaseStatus.CLOSED);
        update.setStatusAt(OffsetDateTime.of(2026, 3, 20, 17, 0, 0, 0, ZoneOffset.ofHours(1)));
        Body body = new Body();
        body.setCaseStatusUpdate(update);
        Envelope envelope = new Envelope();
        envelope.setHeader(header);
        envelope.setBody(body);
        return envelope;
    }
}
