package org.passerelle.tests.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLParameters;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.CmsVerifier;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTls;
import org.passerelle.security.VerifiedMessage;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.WireForgeries;

/**
 * The conformance kit: runs against any partner inbox the checks Passerelle's own inbox passes, acting as a partner
 * gateway (its key for mutual TLS and signing), and prints one line per check: PASS or FAIL, what was expected and
 * what the inbox answered (HTTP status and the fault's code). A partner building its own gateway runs it against
 * itself; the project runs it against its own node ({@code ConformanceIT}). Exit status: 0 all passed, 1 a check
 * failed, 2 the kit could not run.
 *
 * <p>The checks: a valid message answered with the inbox's signed receipt naming its id and digest; a retransmission
 * answered with the same receipt; a valid message of every business type ({@link #TYPES}) answered with its receipt
 * (the partner accepts them all from the kit's party: for a Passerelle node, no data-sharing refusal between the two
 * and casework transitions not enforced, as {@code ConformanceIT} sets); then each refusal with its stable code, as the contract's faults name them: a
 * message id reused for other content, content changed after signing, a message encrypted for another recipient, a
 * header naming another sender than the signer, a message addressed to another party, an expired one, bytes that are
 * no CMS, a body that is not CMS at all, malformed and schema-invalid XML inside a valid signature, each construct
 * outside the wire's XML profile, a body over the size limit, and a client certificate past its validity (refused at
 * the handshake). Business rules after the inbox (agreements, casework states, data-sharing) are not checked: they
 * depend on the partners' own cases and agreements.
 */
public final class ConformanceKit {

    static final String PATH = "/exchange/v1/messages";
    /** The business message types a partner gateway exchanges, each sent once as the contract's valid sample. */
    public static final List<String> TYPES = List.of("BiometricSearchRequest", "BiometricSearchResponse",
            "ReadmissionRequest", "ReadmissionDecision", "TransferStatus", "AdmissionReferral", "EligibilityResult",
            "AdmissionDecision", "ArrivalConfirmation", "CaseStatusUpdate", "EquivalenceStatement", "Fault");
    static final String CMS = "application/pkcs7-mime; smime-type=enveloped-data";

    /** One check's outcome. */
    public record Result(String check, boolean passed, String expected, String answered) {

        String line() {
            return (passed ? "PASS " : "FAIL ") + check + ": expected " + expected + ", answered " + answered;
        }
    }

    /** What an inbox answered: its status, its fault code (if any) and its body. */
    record Answer(int status, String code, byte[] body) {

        @Override
        public String toString() {
            return status + (code == null ? "" : " " + code);
        }
    }

    private final URI inbox;
    private final String targetParty;
    private final X509Certificate targetCertificate;
    private final String ownParty;
    private final KeyMaterial own;
    private final KeyMaterial expired;
    private final CertificateValidator trust;
    private final long maxBodyBytes;

    /**
     * @param url            the partner's exchange port, e.g. {@code https://partner.example:8443}
     * @param targetParty    its party code
     * @param targetCertificate its gateway certificate (the messages are encrypted for it; its receipts verify with it)
     * @param ownParty       the party the kit speaks for (the partner must know it)
     * @param own            that party's gateway key and certificate
     * @param expired        a gateway key of the same party whose certificate has expired (null: that check is skipped)
     * @param trust          the anchors both sides' certificates chain to
     * @param maxBodyBytes   the largest body the partner takes
     */
    public ConformanceKit(URI url, String targetParty, X509Certificate targetCertificate, String ownParty,
                          KeyMaterial own, KeyMaterial expired, CertificateValidator trust, long maxBodyBytes) {
        this.inbox = url.resolve(PATH);
        this.targetParty = targetParty;
        this.targetCertificate = targetCertificate;
        this.ownParty = ownParty;
        this.own = own;
        this.expired = expired;
        this.trust = trust;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Runs every check, in order; each result as it was. */
    public List<Result> run() {
        List<Result> results = new ArrayList<>();
        byte[] valid = sample();
        Answer first = post(own, CMS, sealed(valid));
        results.add(receipt("a valid message is answered with the inbox's signed receipt", valid, first));
        Answer again = post(own, CMS, sealed(valid));
        results.add(new Result("a retransmission is answered with the same receipt",
                again.status() == 200 && java.util.Arrays.equals(again.body(), first.body()),
                "200 and the first receipt's bytes", again.status() != 200 ? again.toString()
                        : java.util.Arrays.equals(again.body(), first.body()) ? "200 and the same receipt"
                        : "200 and another receipt"));
        for (String type : TYPES) {
            byte[] message = Envelopes.sample(type, ownParty, targetParty);
            results.add(receipt("a valid " + type + " is answered with its signed receipt", message,
                    post(own, CMS, sealed(message))));
        }

        Map<String, Supplier<Answer>> refusals = new LinkedHashMap<>();
        Map<String, String> codes = new LinkedHashMap<>();
        refusal(refusals, codes, "a message id reused for other content", "409 REPLAYED_MESSAGE",
                () -> post(own, CMS, sealed(Envelopes.withHeader(Envelopes.sample("TransferStatus", ownParty,
                        targetParty), "MessageId", Envelopes.header(valid, "MessageId")))));
        refusal(refusals, codes, "content changed after signing", "403 SIGNATURE_INVALID",
                () -> post(own, CMS, new CmsEncryptor().encrypt(tampered(sample()), targetCertificate)));
        refusal(refusals, codes, "a message encrypted for another recipient", "400 RECIPIENT_MISMATCH",
                () -> post(own, CMS, new CmsEncryptor().encrypt(new CmsSigner(own).sign(sample()), own.certificate())));
        refusal(refusals, codes, "a header naming another sender than the signer", "403 SENDER_MISMATCH",
                () -> post(own, CMS, sealed(Envelopes.sample("CaseStatusUpdate", otherParty(), targetParty))));
        refusal(refusals, codes, "a message addressed to another party", "400 WRONG_NODE",
                () -> post(own, CMS, sealed(Envelopes.sample("CaseStatusUpdate", ownParty, otherParty()))));
        refusal(refusals, codes, "an expired message", "400 MESSAGE_EXPIRED", () -> {
            Instant past = Instant.now().minus(Duration.ofDays(2));
            return post(own, CMS, sealed(Envelopes.withHeader(Envelopes.withHeader(sample(), "CreatedAt",
                    past.minusSeconds(60).toString()), "ExpiresAt", past.toString())));
        });
        refusal(refusals, codes, "bytes that are no CMS", "400 CMS_MALFORMED",
                () -> post(own, CMS, UUID.randomUUID().toString().repeat(20).getBytes(StandardCharsets.US_ASCII)));
        refusal(refusals, codes, "a body that is not CMS", "415 UNSUPPORTED_MEDIA_TYPE",
                () -> post(own, "application/xml", sample()));
        refusal(refusals, codes, "malformed XML inside a valid signature", "400 XML_MALFORMED",
                () -> post(own, CMS, sealed("<env:Envelope xmlns:env=\"urn:passerelle:envelope:1\"><unclosed>"
                        .getBytes(StandardCharsets.UTF_8))));
        refusal(refusals, codes, "a schema-invalid envelope inside a valid signature", "400 XML_SCHEMA_INVALID",
                () -> post(own, CMS, sealed(new String(sample(), StandardCharsets.UTF_8)
                        .replaceFirst("<cmn:ExpiresAt>[^<]*</cmn:ExpiresAt>", "").getBytes(StandardCharsets.UTF_8))));
        WireForgeries.outsideTheXmlProfile().forEach((name, forge) -> refusal(refusals, codes,
                "outside the XML profile: " + name, "400 XML_FORBIDDEN_CONSTRUCT",
                () -> post(own, CMS, sealed(forge.apply(sample())))));
        refusal(refusals, codes, "a body announced over the size limit, refused before it is read",
                "413 BODY_TOO_LARGE", () -> announce(maxBodyBytes + 1));
        refusals.forEach((check, call) -> {
            Answer a = call.get();
            String expected = codes.get(check);
            results.add(new Result(check, expected.equals(a.toString()), expected, a.toString()));
        });

        if (expired != null) {
            Answer a = post(expired, CMS, sealed(sample()));
            results.add(new Result("a client certificate past its validity is refused at the handshake",
                    a.status() == 0, "no TLS session", a.status() == 0 ? "no TLS session" : a.toString()));
        }
        return results;
    }

    private static void refusal(Map<String, Supplier<Answer>> refusals, Map<String, String> codes, String check,
                                String expected, Supplier<Answer> call) {
        refusals.put(check, call);
        codes.put(check, expected);
    }

    private Result receipt(String check, byte[] sent, Answer answer) {
        String expected = "200 and a receipt signed by " + targetParty + " naming the message and its SHA-256";
        if (answer.status() != 200) {
            return new Result(check, false, expected, answer.toString());
        }
        try {
            VerifiedMessage receipt = new CmsVerifier(trust).verify(answer.body(), targetParty);
            String xml = new String(receipt.content(), StandardCharsets.UTF_8);
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sent));
            boolean names = Envelopes.header(sent, "MessageId").equals(element(xml, "ReceivedMessageId"))
                    && digest.equalsIgnoreCase(element(xml, "Digest"));
            return new Result(check, names, expected, names ? "200 and such a receipt"
                    : "200 and a receipt naming another message or digest");
        } catch (RuntimeException | java.security.NoSuchAlgorithmException e) {
            return new Result(check, false, expected, "200 and a receipt that does not verify: " + e.getMessage());
        }
    }

    private byte[] sample() {
        return Envelopes.sample("CaseStatusUpdate", ownParty, targetParty);
    }

    private byte[] sealed(byte[] xml) {
        return new CmsEncryptor().encrypt(new CmsSigner(own).sign(xml), targetCertificate);
    }

    /** The signed bytes with one character of the signed content changed (the conversation id's first). */
    private byte[] tampered(byte[] xml) {
        byte[] signed = new CmsSigner(own).sign(xml);
        byte[] needle = Envelopes.header(xml, "ConversationId").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i <= signed.length - needle.length; i++) {
            if (java.util.Arrays.equals(signed, i, i + needle.length, needle, 0, needle.length)) {
                signed[i] = (byte) (signed[i] == 'a' ? 'b' : 'a');
                return signed;
            }
        }
        throw new IllegalStateException("the signed content does not hold its conversation id");
    }

    /** A party code that is neither side's. */
    private String otherParty() {
        for (String p : List.of("ZZ", "ZY", "ZX")) {
            if (!p.equals(ownParty) && !p.equals(targetParty)) {
                return p;
            }
        }
        throw new IllegalStateException("no other party code");
    }

    /** POSTs over mutual TLS as {@code key}; status 0 when no TLS session could be had. */
    private Answer post(KeyMaterial key, String contentType, byte[] body) {
        SSLParameters tls = new SSLParameters();
        tls.setProtocols(new String[] {"TLSv1.3"});
        HttpClient client = HttpClient.newBuilder()
                .sslContext(PartyTls.clientContext(key, trust, targetParty))
                .sslParameters(tls)
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpRequest request = HttpRequest.newBuilder(inbox).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(60)).build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            String code = response.headers().firstValue("X-Passerelle-Fault")
                    .orElseGet(() -> element(new String(response.body(), StandardCharsets.UTF_8), "Code"));
            return new Answer(response.statusCode(), response.statusCode() == 200 ? null : code, response.body());
        } catch (IOException e) {
            return new Answer(0, null, new byte[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Sends only the head of a POST announcing {@code length} bytes and reads the answer's head: an inbox answers from
     * the declared length, before reading a body it would not take.
     */
    private Answer announce(long length) {
        javax.net.ssl.SSLContext context = PartyTls.clientContext(own, trust, targetParty);
        int port = inbox.getPort() < 0 ? 443 : inbox.getPort();
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket(inbox.getHost(), port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.setSoTimeout(30_000);
            String head = "POST " + PATH + " HTTP/1.1\r\nHost: " + inbox.getHost() + "\r\nContent-Type: " + CMS
                    + "\r\nContent-Length: " + length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            String status = in.readLine();
            String code = null;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.regionMatches(true, 0, "X-Passerelle-Fault:", 0, 19)) {
                    code = line.substring(19).strip();
                }
            }
            int s = status == null || status.length() < 12 ? 0 : Integer.parseInt(status.substring(9, 12));
            return new Answer(s, code, new byte[0]);
        } catch (IOException | NumberFormatException e) {
            return new Answer(0, null, new byte[0]);
        }
    }

    private static String element(String xml, String local) {
        Matcher m = Pattern.compile("<(?:[A-Za-z0-9]+:)?" + local + ">([^<]*)</").matcher(xml);
        return m.find() ? m.group(1).strip() : null;
    }

    /** Prints the report and returns the exit status: 0 all passed, 1 a check failed. */
    public static int report(List<Result> results, PrintStream out) {
        results.forEach(r -> out.println(r.line()));
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.println((failed == 0 ? "OK " : "FAILED ") + (results.size() - failed) + " of " + results.size()
                + " checks passed");
        return failed == 0 ? 0 : 1;
    }

    /**
     * {@code --url https://host:port --to GB --as FR --pki DIR [--max-body BYTES]}: the development PKI's folder holds
     * both parties' certificates, the kit's key ({@code --as}) and the anchors.
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.keySet().containsAll(List.of("--url", "--to", "--as", "--pki")) || args.length % 2 != 0) {
            err.println("usage: ./passerelle conformance --url https://host:port --to PARTY --as PARTY --pki DIR"
                    + " [--max-body BYTES]");
            return 2;
        }
        try {
            DevPki pki = DevPki.open(Path.of(options.get("--pki")));
            String as = options.get("--as");
            String to = options.get("--to");
            ConformanceKit kit = new ConformanceKit(URI.create(options.get("--url")), to,
                    pki.gateway(to).load().certificate(), as, pki.gateway(as).load(), pki.expired(as).load(),
                    new CertificateValidator(pki.partyTrust()),
                    Long.parseLong(options.getOrDefault("--max-body", String.valueOf(16L * 1024 * 1024))));
            return report(kit.run(), out);
        } catch (RuntimeException e) {
            err.println("The kit could not run: " + e);
            return 2;
        }
    }
}
