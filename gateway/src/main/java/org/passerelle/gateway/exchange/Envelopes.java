package org.passerelle.gateway.exchange;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.common.v1.Header;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.contracts.envelope.v1.Fault;
import org.passerelle.contracts.envelope.v1.Receipt;

/** Builds the envelopes the node itself writes: receipts and faults, validated by the codec on the way out. */
public final class Envelopes {

    private static final Duration RECEIPT_LIFETIME = Duration.ofDays(30);
    private static final Duration OWN_LIFETIME = Duration.ofDays(7);
    private static final int MAX_DETAILS = 50;
    private static final int MAX_TEXT = 1000;

    private final MessageCodec codec;

    public Envelopes(MessageCodec codec) {
        this.codec = codec;
    }

    /** A receipt from this node for the message received, stating the SHA-256 of its exact bytes. */
    public byte[] receipt(EnvelopeFacts received, Instant at) {
        Receipt receipt = new Receipt();
        receipt.setReceivedMessageId(received.messageId());
        receipt.setDigest(received.sha256());
        receipt.setReceivedAt(at.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC));
        Body body = new Body();
        body.setReceipt(receipt);
        return codec.encode(envelope(header(received.to(), received.from(), received.conversationId(),
                received.messageId(), MessageType.RECEIPT, received.testIndicator(), at), body));
    }

    /** A fault from this node (party {@code from}) to {@code to}, with a stable code and safe details. */
    public byte[] fault(String from, String to, String faultyMessageId, String code, String message, List<String> details,
                        Instant at) {
        Fault fault = new Fault();
        fault.setCode(code);
        fault.setMessage(cut(message));
        details.stream().filter(d -> d != null && !d.isBlank()).limit(MAX_DETAILS).map(Envelopes::cut).forEach(fault.getDetail()::add);
        if (faultyMessageId != null && faultyMessageId.matches("[0-9a-f-]{36}")) {
            fault.setFaultyMessageId(faultyMessageId);
        }
        Body body = new Body();
        body.setFault(fault);
        String conversation = UUID.randomUUID().toString();
        return codec.encode(envelope(header(from, to, conversation, fault.getFaultyMessageId(), MessageType.FAULT, false, at),
                body));
    }

    /**
     * An envelope the node itself submits through intake as a message of its own (a weekly equivalence statement, an
     * audit checkpoint to witness): a conversation of its own, valid for seven days; not a test message.
     */
    public static Envelope own(String messageId, String from, String to, MessageType type, Instant at, Body body) {
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        Header h = new Header();
        h.setMessageId(messageId);
        h.setConversationId(UUID.randomUUID().toString());
        h.setFrom(from);
        h.setTo(to);
        h.setCreatedAt(now.atOffset(ZoneOffset.UTC));
        h.setExpiresAt(now.plus(OWN_LIFETIME).atOffset(ZoneOffset.UTC));
        h.setMessageType(type);
        h.setSchemaVersion("1.0");
        h.setTestIndicator(false);
        return envelope(h, body);
    }

    private static Header header(String from, String to, String conversationId, String refTo, MessageType type,
                                 boolean test, Instant at) {
        Header h = new Header();
        h.setMessageId(UUID.randomUUID().toString());
        h.setConversationId(conversationId);
        h.setRefToMessageId(refTo);
        h.setFrom(from);
        h.setTo(to);
        Instant created = at.truncatedTo(ChronoUnit.MILLIS);
        h.setCreatedAt(created.atOffset(ZoneOffset.UTC));
        h.setExpiresAt(created.plus(RECEIPT_LIFETIME).atOffset(ZoneOffset.UTC));
        h.setMessageType(type);
        h.setSchemaVersion("1");
        h.setTestIndicator(test);
        return h;
    }

    private static Envelope envelope(Header header, Body body) {
        Envelope e = new Envelope();
        e.setHeader(header);
        e.setBody(body);
        return e;
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }
}
