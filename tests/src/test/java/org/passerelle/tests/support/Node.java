package org.passerelle.tests.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passerelle.gateway.PasserelleApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** One gateway node started in this JVM with its own ports, data folder and keys; can be stopped and started again. */
public final class Node implements AutoCloseable {

    public static final String SYSTEM_TOKEN = "system-token-for-tests";
    public static final String ADMIN_TOKEN = "admin-token-for-tests";

    private final String party;
    private final int apiPort;
    private final int exchangePort;
    private final Map<String, Object> properties;
    private final PostgresSchema database;
    private final HttpClient http = HttpClient.newHttpClient();
    private ConfigurableApplicationContext context;

    Node(String party, int apiPort, int exchangePort, PostgresSchema database, Map<String, Object> properties) {
        this.party = party;
        this.apiPort = apiPort;
        this.exchangePort = exchangePort;
        this.database = database;
        this.properties = new LinkedHashMap<>(properties);
    }

    public synchronized Node start() {
        if (context == null) {
            // Command-line arguments outrank application.yml; default properties would not.
            String[] args = NodeSettings.asArguments(properties);
            context = new SpringApplicationBuilder(PasserelleApplication.class).run(args);
        }
        return this;
    }

    public synchronized void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /**
     * Changes one setting for the node's next start (a null value removes it): with {@link #restart()}, how a test
     * changes a node's configuration, as an operator would edit it and restart the node.
     */
    public synchronized Node configure(String key, Object value) {
        if (value == null) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
        return this;
    }

    /** The setting the node starts with, or null. */
    public synchronized Object setting(String key) {
        return properties.get(key);
    }

    /** Stops the node if it runs and starts it again with its settings as they are now. */
    public synchronized Node restart() {
        stop();
        return start();
    }

    public boolean running() {
        return context != null;
    }

    public String party() {
        return party;
    }

    public int apiPort() {
        return apiPort;
    }

    public int exchangePort() {
        return exchangePort;
    }

    /** The node's PostgreSQL schema and roles, or null when it runs on H2. */
    public PostgresSchema database() {
        return database;
    }

    public Path dataDir() {
        return Path.of(String.valueOf(properties.get("passerelle.node.data-dir")));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public URI api(String path) {
        return URI.create("http://localhost:" + apiPort + path);
    }

    /** POSTs an envelope to the back-end API with the system token. */
    public HttpResponse<String> submit(byte[] xml) {
        return submit(xml, SYSTEM_TOKEN);
    }

    public HttpResponse<String> submit(byte[] xml, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api("/api/v1/messages"))
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(xml));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    public HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    public HttpResponse<String> post(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** GETs a path with the given {@code Authorization} header value (none if null). */
    public HttpResponse<String> getAuthorized(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api(path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    /** POSTs an XML body to a path with the given {@code Authorization} header value. */
    public HttpResponse<String> postAuthorized(String path, byte[] xml, String authorization) {
        return send(HttpRequest.newBuilder(api(path)).header("Content-Type", "application/xml")
                .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build());
    }

    /** The {@code Authorization} value of HTTP Basic for a user of the embedded store. */
    public static String basic(String username, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Sends only the head of a submission announcing {@code contentLength} bytes and returns the response head and
     * body as text: shows the node answers from the declared length before reading the body.
     */
    public String announceSubmission(long contentLength) {
        try (java.net.Socket socket = new java.net.Socket("localhost", apiPort)) {
            socket.setSoTimeout(10_000);
            String head = "POST /api/v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\n"
                    + "Authorization: Bearer " + SYSTEM_TOKEN + "\r\nContent-Length: " + contentLength
                    + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("Call to node " + party + " failed", e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
