package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.NewMessage;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.messagelog.OutboxTarget;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MvcResult;

/** People, sample messages and checks shared by the console's records and search page tests. */
final class ConsoleRecordsSupport {


    private ConsoleRecordsSupport() {
    }

    static Path folder(String name) {
        try {
            Path dir = Files.createTempDirectory(name);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String body(MvcResult result, int status) throws Exception {
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(body).isEqualTo(status);
        return body;
    }

    static Map<String, Object> lastAudit(AuditTrail audit, JdbcClient jdbc, Caller caller) {
        audit.latest(1); // seals what is staged
        return jdbc.sql("select * from audit_event where actor = :actor order by id desc fetch first 1 rows only")
                .param("actor", caller.name()).query().singleRow();
    }

    /** The body holds neither the transaction (base64, hex or raw) nor any 48-byte stretch of it. */
    static void assertNoBiometricBytes(String body, byte[] transaction) {
        String base64 = Base64.getEncoder().encodeToString(transaction);
        assertThat(body).doesNotContain(base64.substring(0, 64));
        for (int offset = 0; offset + 48 <= transaction.length; offset += transaction.length / 16) {
            byte[] stretch = Arrays.copyOfRange(transaction, offset, offset + 48);
            assertThat(body).doesNotContain(Base64.getEncoder().encodeToString(stretch))
                    .doesNotContain(HexFormat.of().formatHex(stretch))
                    .doesNotContain(new String(stretch, StandardCharsets.ISO_8859_1));
        }
    }

    static String storeDirectly(MessageStore store, JdbcClient jdbc, byte[] xml, Direction direction, String from,
                                String to, String caseReference) {
        String id = header(xml, "MessageId");
        Instant now = Instant.now();
        store.accept(new NewMessage(id, direction, header(xml, "MessageType"), header(xml, "ConversationId"),
                        null, from, to, now, now.plus(7, ChronoUnit.DAYS), Digests.sha256Hex(xml), xml.length, false),
                xml, List.of(MessageStatus.RECEIVED, MessageStatus.VALIDATED),
                direction == Direction.OUTBOUND ? List.of(new OutboxTarget(OutboxKind.SEND, to)) : List.of());
        jdbc.sql("insert into message_case (message_id, case_reference) values (:id, :ref)")
                .param("id", id).param("ref", caseReference).update();
        return id;
    }

    /** Opens a readmission case directly (team general): what an officer states must exist with their partner. */
    static void readmissionCaseOf(JdbcClient jdbc, String caseReference, String partner, String state) {
        Instant now = Instant.now();
        jdbc.sql("""
                insert into readmission_case (case_reference, partner, role, state, conversation_id, request_message_id,
                  arrived_at, requested_at, process_due, created_at, updated_at, team)
                values (:ref, :partner, 'REQUESTING', :state, :conversation, :request, :now, :now, :due, :now, :now,
                  'general')""").param("ref", caseReference).param("partner", partner).param("state", state)
                .param("conversation", UUID.randomUUID().toString()).param("request", UUID.randomUUID().toString())
                .param("now", now.atOffset(ZoneOffset.UTC))
                .param("due", now.plus(90, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC)).update();
    }

    /** The envelope with its business body's case reference replaced ({@code prefix} is the body's namespace). */
    static byte[] withCaseReference(byte[] xml, String prefix, String caseReference) {
        return replace(new String(xml, StandardCharsets.UTF_8), prefix + ":CaseReference", caseReference)
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] envelope(String sample, String from, String to) {
        String xml = new String(SampleMessages.load("/samples/valid/" + sample + ".xml"), StandardCharsets.UTF_8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        xml = replace(xml, "cmn:MessageId", UUID.randomUUID().toString());
        xml = replace(xml, "cmn:ConversationId", UUID.randomUUID().toString());
        xml = replace(xml, "cmn:From", from);
        xml = replace(xml, "cmn:To", to);
        xml = replace(xml, "cmn:CreatedAt", now.toString());
        xml = replace(xml, "cmn:ExpiresAt", now.plus(7, ChronoUnit.DAYS).toString());
        xml = replace(xml, "cmn:TestIndicator", "false");   // live traffic (the samples are marked as tests)
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] readmissionRequest(String caseReference) {
        String xml = new String(envelope("ReadmissionRequest", "GB", "FR"), StandardCharsets.UTF_8);
        Instant arrived = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        LocalDate arrival = LocalDate.ofInstant(arrived, ZoneOffset.UTC);
        xml = replace(xml, "ra:CaseReference", caseReference);
        xml = replace(xml, "ra:ArrivedAt", arrived.toString());
        xml = replace(xml, "ra:ScreenedOn", arrival.toString());
        xml = replace(xml, "ra:ProposedTransferDate", arrival.plusDays(20).toString());
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    static String header(byte[] xml, String name) {
        Matcher m = Pattern.compile("<cmn:" + name + ">([^<]*)</cmn:" + name + ">")
                .matcher(new String(xml, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalArgumentException("No " + name);
        }
        return m.group(1);
    }

    static String replace(String xml, String element, String value) {
        Matcher m = Pattern.compile("<" + element + ">[^<]*</" + element + ">").matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("No " + element + " in the sample");
        }
        return xml.substring(0, m.start()) + "<" + element + ">" + value + "</" + element + ">" + xml.substring(m.end());
    }
}
