package org.passerelle.tests.casework;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Node;

/** Casework messages built from the contract's samples for one case, and JSON calls to a node's API. */
public final class CaseworkMessages {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CaseworkMessages() {
    }

    /** A fresh case reference of this party and family (AD or RA), this year. */
    public static String caseReference(String party, String family) {
        return party + "-" + family + "-2026-" + String.format("%06d", ThreadLocalRandom.current().nextInt(100_000, 999_999));
    }

    public static byte[] referral(String from, String to, String caseReference) {
        return withCase(Envelopes.sample("AdmissionReferral", from, to), "adm", caseReference);
    }

    /** A readmission request GB → FR for a person who arrived at {@code arrivedAt}, screened that day. */
    public static byte[] readmissionRequest(String caseReference, String conversation, Instant arrivedAt) {
        return readmissionRequest("FR", caseReference, conversation, arrivedAt);
    }

    /** A readmission request GB → {@code to} for a person who arrived at {@code arrivedAt}, screened that day. */
    public static byte[] readmissionRequest(String to, String caseReference, String conversation, Instant arrivedAt) {
        String xml = text(withCase(Envelopes.sample("ReadmissionRequest", "GB", to, conversation), "ra", caseReference));
        xml = set(xml, "ra:ArrivedAt", arrivedAt.truncatedTo(ChronoUnit.SECONDS).toString());
        LocalDate arrival = LocalDate.ofInstant(arrivedAt, ZoneOffset.UTC);
        xml = set(xml, "ra:ScreenedOn", arrival.toString());
        xml = set(xml, "ra:ProposedTransferDate", arrival.plusDays(20).toString());
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] eligibility(String from, String to, String caseReference, boolean eligible, String reason) {
        String xml = text(withCase(Envelopes.sample("EligibilityResult", from, to), "adm", caseReference));
        xml = xml.replaceAll("\\s*<adm:ReasonCode>[A-Z_]+</adm:ReasonCode>", "");
        xml = xml.replace("<adm:Result>INELIGIBLE</adm:Result>", eligible ? "<adm:Result>ELIGIBLE</adm:Result>"
                : "<adm:Result>INELIGIBLE</adm:Result>\n            <adm:ReasonCode>" + reason + "</adm:ReasonCode>");
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] decision(String from, String to, String caseReference) {
        return withCase(Envelopes.sample("AdmissionDecision", from, to), "adm", caseReference);
    }

    /** An arrival confirmed now (so it counts in the current ISO week). */
    public static byte[] arrival(String from, String to, String caseReference) {
        String xml = text(withCase(Envelopes.sample("ArrivalConfirmation", from, to), "adm", caseReference));
        xml = set(xml, "adm:ArrivedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /** A transfer completed today. */
    public static byte[] transferCompleted(String from, String to, String caseReference) {
        String xml = text(withCase(Envelopes.sample("TransferStatus", from, to), "ra", caseReference));
        xml = set(xml, "ra:Status", "COMPLETED");
        xml = xml.replaceAll("\\s*<ra:ReasonCode>[A-Z_]+</ra:ReasonCode>", "");
        xml = set(xml, "ra:TransferDate", LocalDate.now(ZoneOffset.UTC).toString());
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    /** The biometric reference of the samples' ANSI/NIST-ITL transaction: the SHA-256 of its bytes. */
    public static String sampleBiometricReference() {
        Matcher m = Pattern.compile("<cmn:Transaction>([^<]+)</cmn:Transaction>")
                .matcher(text(Envelopes.sample("AdmissionReferral", "FR", "GB")));
        if (!m.find()) {
            throw new IllegalStateException("no transaction in the sample");
        }
        try {
            byte[] transaction = Base64.getMimeDecoder().decode(m.group(1));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(transaction));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> post(Node node, String path, String token, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.api(path)).header("Authorization", "Bearer " + token);
        request = json == null ? request.POST(HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        return send(request.build());
    }

    public static HttpResponse<String> put(Node node, String path, String token, String json) {
        return send(HttpRequest.newBuilder(node.api(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public static HttpResponse<String> patch(Node node, String path, String token, String json) {
        return send(HttpRequest.newBuilder(node.api(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public static HttpResponse<String> delete(Node node, String path, String token) {
        return send(HttpRequest.newBuilder(node.api(path)).header("Authorization", "Bearer " + token).DELETE().build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] withCase(byte[] xml, String prefix, String caseReference) {
        return set(text(xml), prefix + ":CaseReference", caseReference).getBytes(StandardCharsets.UTF_8);
    }

    private static String set(String xml, String element, String value) {
        return xml.replaceFirst("<" + element + ">[^<]*</" + element + ">",
                Matcher.quoteReplacement("<" + element + ">" + value + "</" + element + ">"));
    }

    private static String text(byte[] xml) {
        return new String(xml, StandardCharsets.UTF_8);
    }
}
