package org.passerelle.tests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.PartyTls;
import org.passerelle.security.pki.DevPki;

/** Calls a node's partner inbox directly, as some party, with a body the test crafted (for forgery tests). */
public final class PartnerCall {

    private PartnerCall() {
    }

    /**
     * Sends only the request head of a POST announcing {@code contentLength} bytes, and reads the answer: shows that
     * the node answers from the declared length, before any of the body is read. Returns the raw response head.
     */
    public static String announce(DevPki pki, Node node, KeyMaterial tlsKey, long contentLength) {
        SSLContext context = PartyTls.clientContext(tlsKey, new CertificateValidator(pki.partyTrust()), node.party());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", node.exchangePort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.setSoTimeout(10_000);
            String head = "POST /exchange/v1/messages HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n"
                    + "Content-Length: " + contentLength + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder response = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                response.append(line).append('\n');
            }
            return response.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a raw request (its head, then {@code body}) to the node's exchange port over mutual TLS presenting
     * {@code tlsKey}, and returns the raw response: head, a blank line, then as much body as its Content-Length says.
     */
    public static String raw(DevPki pki, Node node, KeyMaterial tlsKey, String head, byte[] body) {
        SSLContext context = PartyTls.clientContext(tlsKey, new CertificateValidator(pki.partyTrust()), node.party());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", node.exchangePort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            long length = 0;
            for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                response.append(line).append('\n');
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(line.substring(15).trim());
                }
            }
            response.append('\n').append(new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
            return response.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readLine(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                return line.toString().stripTrailing();
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    /** POSTs {@code body} to the node's exchange port over mutual TLS presenting {@code tlsKey}. */
    public static HttpResponse<byte[]> post(DevPki pki, Node node, KeyMaterial tlsKey, String contentType, byte[] body) {
        SSLParameters tls = new SSLParameters();
        tls.setProtocols(new String[] {"TLSv1.3"});
        HttpClient client = HttpClient.newBuilder()
                .sslContext(PartyTls.clientContext(tlsKey, new CertificateValidator(pki.partyTrust()), node.party()))
                .sslParameters(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + node.exchangePort() + "/exchange/v1/messages"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(30))
                .build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException("Call to the inbox of " + node.party() + " failed", e);
        }
    }
}
