package org.passerelle.tests.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.contracts.SampleMessages;

/** Readdresses the contract's valid samples for a live exchange: fresh ids, parties, and times around now. */
public final class Envelopes {

    private Envelopes() {
    }

    /**
     * The valid sample of this type, from {@code from} to {@code to}, with a fresh message and conversation id, as live
     * traffic (the samples are marked as test traffic, which counts in no ledger, cap or quota; {@link #asTestTraffic}
     * marks one again).
     */
    public static byte[] sample(String type, String from, String to) {
        return sample(type, from, to, UUID.randomUUID().toString());
    }

    public static byte[] sample(String type, String from, String to, String conversationId) {
        String xml = new String(SampleMessages.load("/samples/valid/" + type + ".xml"), StandardCharsets.UTF_8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        xml = replace(xml, "MessageId", UUID.randomUUID().toString());
        xml = replace(xml, "ConversationId", conversationId);
        xml = replace(xml, "From", from);
        xml = replace(xml, "To", to);
        xml = replace(xml, "CreatedAt", now.toString());
        xml = replace(xml, "ExpiresAt", now.plus(7, ChronoUnit.DAYS).toString());
        xml = replace(xml, "TestIndicator", "false");
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /** The envelope marked as test traffic ({@code testIndicator} true). */
    public static byte[] asTestTraffic(byte[] xml) {
        return withHeader(xml, "TestIndicator", "true");
    }

    /** The text of the first {@code cmn:NAME} element. */
    public static String header(byte[] xml, String name) {
        Matcher m = element(name).matcher(new String(xml, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalArgumentException("No " + name + " in the envelope");
        }
        return m.group(2);
    }

    public static byte[] withHeader(byte[] xml, String name, String value) {
        return replace(new String(xml, StandardCharsets.UTF_8), name, value).getBytes(StandardCharsets.UTF_8);
    }

    private static String replace(String xml, String name, String value) {
        Matcher m = element(name).matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("No " + name + " in the envelope");
        }
        return xml.substring(0, m.start(2)) + value + xml.substring(m.end(2));
    }

    private static Pattern element(String name) {
        return Pattern.compile("(<cmn:" + name + ">)([^<]*)(</cmn:" + name + ">)");
    }
}
