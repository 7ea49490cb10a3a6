package org.passerelle.tests.nap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.ContractErrorCode;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.biometric.v1.BiometricSearchRequest;
import org.passerelle.contracts.biometric.v1.BiometricSearchResponse;
import org.passerelle.contracts.biometric.v1.Hit;
import org.passerelle.contracts.biometric.v1.SearchOutcome;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.contracts.biometrics.NistTransactionCheck;
import org.passerelle.contracts.common.v1.BiometricSet;
import org.passerelle.contracts.common.v1.Fingerprint;
import org.passerelle.contracts.common.v1.Header;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.envelope.v1.Envelope;

/**
 * A partner's national access point as its gateway node sees it: takes inbound envelopes on {@code POST /inbound},
 * answers each biometric search by matching its prints with a {@link FingerprintMatcher}, and submits the answer to its
 * own node's back-end API, recording every request and answer for tests to inspect.
 *
 * <p>The answer to a search is, in this order: {@code QUALITY_REJECTED} when any fingerprint the body declares states
 * a quality below the configured minimum (the requester resubmits under the same case reference); {@code ERROR} when
 * the transaction cannot be read or holds no fingerprint image the matcher can use; otherwise {@code HIT} with at most
 * the configured number of candidates, or {@code NO_HIT}. An inbound message is acknowledged with 202 before it is
 * matched; a redelivery of a message already received is acknowledged and not answered again. Other message types are
 * only recorded.
 *
 * <p>Logs name message ids, types, parties and outcomes only: never a case reference, an operator, a registration fact
 * or a biometric byte.
 */
public final class SimulatedAccessPoint implements AutoCloseable {

    /** The path on which the node delivers inbound envelopes. */
    public static final String INBOUND_PATH = "/inbound";
    /** The answer's {@code ErrorCode} when a declared quality is under the minimum. */
    public static final String QUALITY_BELOW_MINIMUM = "BIO_QUALITY_BELOW_MINIMUM";
    /** The answer's {@code ErrorCode} when the transaction cannot be read. */
    public static final String TRANSACTION_UNREADABLE = "BIO_TRANSACTION_UNREADABLE";
    /** The answer's {@code ErrorCode} when the transaction holds no WSQ or uncompressed fingerprint. */
    public static final String NO_MATCHABLE_FINGERPRINT = "BIO_NO_MATCHABLE_FINGERPRINT";
    /** The answer's {@code ErrorCode} when the matcher failed on images it was given. */
    public static final String MATCHER_FAILED = "BIO_MATCHER_FAILED";
    /** A response lists at most this many hits (the contract's {@code CandidateCount}). */
    public static final int CONTRACT_MAX_CANDIDATES = 10;

    private static final System.Logger LOG = System.getLogger(SimulatedAccessPoint.class.getName());
    private static final Pattern MESSAGE_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

    private final FingerprintMatcher matcher;
    private final Settings settings;
    private final Clock clock;
    private final MessageCodec codec = new MessageCodec();
    private final NistTransactionCheck transactions = new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker;
    private final HttpServer server;

    private SimulatedAccessPoint(int port, FingerprintMatcher matcher, Settings settings, Clock clock) throws IOException {
        this.matcher = Objects.requireNonNull(matcher, "matcher");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        // One matching thread: matching is CPU-bound, and answering in arrival order keeps tests predictable.
        this.worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "nap-" + settings.party() + "-matcher");
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext(INBOUND_PATH, this::inbound);
    }

    /** Starts a simulated access point on {@code port} of the loopback interface (0 picks a free port). */
    public static SimulatedAccessPoint start(int port, FingerprintMatcher matcher, Settings settings) throws IOException {
        return start(port, matcher, settings, Clock.systemUTC());
    }

    /** As {@link #start(int, FingerprintMatcher, Settings)}, stamping answers with the given clock. */
    public static SimulatedAccessPoint start(int port, FingerprintMatcher matcher, Settings settings, Clock clock)
            throws IOException {
        SimulatedAccessPoint nap = new SimulatedAccessPoint(port, matcher, settings, clock);
        nap.server.start();
        LOG.log(Level.INFO, "Simulated access point of {0} listening on port {1}", settings.party(),
                String.valueOf(nap.port()));
        return nap;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where the node should deliver inbound envelopes: {@code http://localhost:PORT/inbound}. */
    public URI inboundUri() {
        return URI.create("http://localhost:" + port() + INBOUND_PATH);
    }

    /** Every inbound message received so far, redeliveries included, in arrival order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Every answer computed so far, with how its submission ended, in the order the submissions ended. */
    public List<Answer> answers() {
        return List.copyOf(answers);
    }

    /** The answer to one search request, once its submission has ended. */
    public Optional<Answer> answerTo(String requestMessageId) {
        return answers.stream().filter(a -> a.requestMessageId().equals(requestMessageId)).findFirst();
    }

    /** The matcher it searches. */
    public FingerprintMatcher matcher() {
        return matcher;
    }

    /**
     * The response envelope this access point gives to a biometric search request envelope (nothing is sent or
     * recorded): from its own party to the requester, in the same conversation, referring to the request.
     *
     * @throws IllegalArgumentException when the envelope holds no biometric search request
     */
    public Envelope answer(Envelope request) {
        BiometricSearchRequest search = request.getBody() == null ? null : request.getBody().getBiometricSearchRequest();
        if (search == null) {
            throw new IllegalArgumentException("the envelope holds no BiometricSearchRequest");
        }
        BiometricSearchResponse response = respond(search);
        Header in = request.getHeader();
        Header out = new Header();
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        out.setMessageId(UUID.randomUUID().toString());
        out.setConversationId(in.getConversationId());
        out.setRefToMessageId(in.getMessageId());
        out.setFrom(settings.party());
        out.setTo(in.getFrom());
        out.setCreatedAt(now);
        out.setExpiresAt(now.plusDays(1));
        out.setMessageType(MessageType.BIOMETRIC_SEARCH_RESPONSE);
        out.setSchemaVersion("1");
        out.setTestIndicator(in.isTestIndicator());
        // The access point's own service answers: it is the unit responsible for the response.
        out.setOperator("nap-" + settings.party().toLowerCase(java.util.Locale.ROOT));
        Body body = new Body();
        body.setBiometricSearchResponse(response);
        Envelope envelope = new Envelope();
        envelope.setHeader(out);
        envelope.setBody(body);
        return envelope;
    }

    private BiometricSearchResponse respond(BiometricSearchRequest search) {
        BiometricSearchResponse response = new BiometricSearchResponse();
        response.setCaseReference(search.getCaseReference());
        BiometricSet set = search.getBiometricSet();
        boolean poor = set.getFingerprint().stream()
                .map(Fingerprint::getQuality)
                .anyMatch(quality -> quality != null && quality < settings.minimumQuality());
        if (poor) {
            return refused(response, SearchOutcome.QUALITY_REJECTED, QUALITY_BELOW_MINIMUM);
        }
        List<FingerprintImage> images;
        try {
            images = transactions.images(set.getTransaction());
        } catch (ContractViolationException e) {
            return refused(response, SearchOutcome.ERROR, TRANSACTION_UNREADABLE);
        }
        if (images.isEmpty()) {
            return refused(response, SearchOutcome.ERROR, NO_MATCHABLE_FINGERPRINT);
        }
        List<FingerprintMatcher.Candidate> candidates;
        try {
            candidates = matcher.searchImages(images, Math.min(settings.maxCandidates(), CONTRACT_MAX_CANDIDATES));
        } catch (RuntimeException e) {
            // SourceAFIS rejects some images (too small, degenerate); the requester gets a defined ERROR, not silence.
            LOG.log(Level.WARNING, "Matcher failed ({0})", e.getClass().getSimpleName());
            return refused(response, SearchOutcome.ERROR, MATCHER_FAILED);
        }
        for (FingerprintMatcher.Candidate candidate : candidates) {
            Hit hit = new Hit();
            hit.setMemberStateOfOrigin(candidate.facts().memberStateOfOrigin());
            hit.setCategory(candidate.facts().category());
            hit.setRegisteredOn(candidate.facts().registeredOn());
            hit.setPlaceOfRegistration(candidate.facts().placeOfRegistration());
            hit.setReferenceNumber(candidate.facts().referenceNumber());
            hit.setScore((int) Math.min(100_000, Math.round(candidate.score())));
            response.getHit().add(hit);
        }
        response.setOutcome(candidates.isEmpty() ? SearchOutcome.NO_HIT : SearchOutcome.HIT);
        response.setCandidateCount(candidates.size());
        return response;
    }

    private static BiometricSearchResponse refused(BiometricSearchResponse response, SearchOutcome outcome, String code) {
        response.setOutcome(outcome);
        response.setCandidateCount(0);
        response.setErrorCode(code);
        return response;
    }

    private void inbound(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!INBOUND_PATH.equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "POST");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String headerId = exchange.getRequestHeaders().getFirst("X-Passerelle-Message-Id");
            byte[] xml;
            try (InputStream body = exchange.getRequestBody()) {
                xml = body.readNBytes(CodecLimits.DEFAULT_MAX_DOCUMENT_BYTES + 1);
            }
            if (xml.length > CodecLimits.DEFAULT_MAX_DOCUMENT_BYTES) {
                record(new Received(safeId(headerId), null, null, null, clock.instant()));
                exchange.sendResponseHeaders(413, -1);
                return;
            }
            Envelope envelope = read(xml);
            if (envelope == null) {
                record(new Received(safeId(headerId), null, null, null, clock.instant()));
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            Header header = envelope.getHeader();
            String type = header.getMessageType() == null ? null : header.getMessageType().value();
            record(new Received(header.getMessageId(), type, header.getFrom(), header.getConversationId(), clock.instant()));
            boolean first = seen.add(header.getMessageId());
            exchange.sendResponseHeaders(202, -1);
            if (!first) {
                LOG.log(Level.INFO, "Redelivery of {0} acknowledged, not answered again", header.getMessageId());
            } else if (envelope.getBody().getBiometricSearchRequest() != null) {
                worker.execute(() -> answerAndSubmit(envelope));
            }
        }
    }

    /**
     * The envelope, read through every contract check; an envelope refused only because its transaction cannot be parsed
     * is read without them, so that the search can still be answered with {@code ERROR}. Null when it cannot be read.
     */
    private Envelope read(byte[] xml) {
        try {
            return codec.decode(xml).envelope();
        } catch (ContractViolationException e) {
            if (e.code() == ContractErrorCode.BIO_TRANSACTION_MALFORMED) {
                Envelope unchecked = Lenient.read(xml);
                if (unchecked != null && unchecked.getHeader() != null && unchecked.getBody() != null) {
                    LOG.log(Level.INFO, "Inbound envelope with a refused transaction ({0}): answering ERROR", e.code());
                    return unchecked;
                }
            }
            LOG.log(Level.WARNING, "Inbound message refused ({0})", e.code());
            return null;
        }
    }

    private void record(Received message) {
        received.add(message);
        if (message.messageType() == null) {
            LOG.log(Level.INFO, "Received an unreadable message (delivery id {0})", message.messageId());
        } else {
            LOG.log(Level.INFO, "Received {0} {1} from {2}", message.messageId(), message.messageType(), message.from());
        }
    }

    private void answerAndSubmit(Envelope request) {
        String requestId = request.getHeader().getMessageId();
        Envelope response = answer(request);
        BiometricSearchResponse body = response.getBody().getBiometricSearchResponse();
        String responseId = response.getHeader().getMessageId();
        LOG.log(Level.INFO, "Answering {0} with {1}: {2}, {3} candidate(s)", requestId, responseId, body.getOutcome(),
                body.getCandidateCount());
        byte[] xml;
        try {
            xml = codec.encode(response);
        } catch (ContractViolationException e) {
            LOG.log(Level.ERROR, "Answer {0} to {1} breaks the contract ({2})", responseId, requestId, e.code());
            answers.add(new Answer(requestId, responseId, response.getHeader().getConversationId(), body.getOutcome(),
                    body.getCandidateCount(), body.getErrorCode(), Submission.FAILED, 0, -1));
            return;
        }
        Submitted submitted = submit(responseId, xml);
        answers.add(new Answer(requestId, responseId, response.getHeader().getConversationId(), body.getOutcome(),
                body.getCandidateCount(), body.getErrorCode(), submitted.submission(), submitted.attempts(),
                submitted.lastStatus()));
    }

    private Submitted submit(String responseId, byte[] xml) {
        URI messages = URI.create(settings.nodeApi().toString().replaceAll("/+$", "") + "/api/v1/messages");
        HttpRequest request = HttpRequest.newBuilder(messages)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/xml")
                .header("Authorization", "Bearer " + settings.token())
                .POST(HttpRequest.BodyPublishers.ofByteArray(xml))
                .build();
        Duration delay = settings.retryDelay();
        int status = -1;
        for (int attempt = 1; attempt <= settings.submitAttempts(); attempt++) {
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    LOG.log(Level.INFO, "Submitted {0} to the node (HTTP {1}, attempt {2})", responseId,
                            String.valueOf(status), attempt);
                    return new Submitted(Submission.ACCEPTED, attempt, status);
                }
                if (status / 100 == 4 && status != 408 && status != 429) {
                    LOG.log(Level.WARNING, "The node refused {0} (HTTP {1}); not retried", responseId,
                            String.valueOf(status));
                    return new Submitted(Submission.REFUSED, attempt, status);
                }
                LOG.log(Level.WARNING, "The node answered HTTP {0} to {1} (attempt {2})", String.valueOf(status),
                        responseId, attempt);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "The node is unreachable for {0} ({1}, attempt {2})", responseId,
                        e.getClass().getSimpleName(), attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Submitted(Submission.FAILED, attempt, status);
            }
            if (attempt < settings.submitAttempts()) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Submitted(Submission.FAILED, attempt, status);
                }
                delay = delay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay.multipliedBy(2);
            }
        }
        LOG.log(Level.ERROR, "Gave up submitting {0} after {1} attempts", responseId, settings.submitAttempts());
        return new Submitted(Submission.FAILED, settings.submitAttempts(), status);
    }

    /** The header's message id if it is one, so that nothing a caller sent unchecked is recorded or logged as it stands. */
    private static String safeId(String headerId) {
        return headerId != null && MESSAGE_ID.matcher(headerId).matches() ? headerId : null;
    }

    /** Stops listening at once and abandons answers not yet submitted. */
    @Override
    public void close() {
        server.stop(0);
        worker.shutdownNow();
    }

    /**
     * How the access point is set up.
     *
     * @param party          its own party code (ISO 3166-1 alpha-2): the {@code From} of every answer
     * @param nodeApi        the base URL of its own node's back-end API, e.g. {@code http://localhost:8081}
     * @param token          the bearer token of a SYSTEM user of that API
     * @param minimumQuality the lowest declared quality (0–100) searched; below it the answer is QUALITY_REJECTED
     * @param maxCandidates  the most hits an answer lists (1–10)
     * @param submitAttempts how many times an answer is submitted before giving up
     * @param retryDelay     the wait before the second attempt, doubled before each further one (at most 30 s)
     */
    public record Settings(String party, URI nodeApi, String token, int minimumQuality, int maxCandidates,
                           int submitAttempts, Duration retryDelay) {

        /** The default minimum quality: NFIQ 5 (mapped to 20) is refused, NFIQ 4 (40) searched. */
        public static final int DEFAULT_MINIMUM_QUALITY = 40;

        public Settings {
            if (party == null || !party.matches("[A-Z]{2}")) {
                throw new IllegalArgumentException("party must be an ISO 3166-1 alpha-2 code");
            }
            Objects.requireNonNull(nodeApi, "nodeApi");
            Objects.requireNonNull(token, "token");
            if (minimumQuality < 0 || minimumQuality > 100) {
                throw new IllegalArgumentException("minimumQuality must be 0–100");
            }
            if (maxCandidates < 1 || maxCandidates > CONTRACT_MAX_CANDIDATES) {
                throw new IllegalArgumentException("maxCandidates must be 1–" + CONTRACT_MAX_CANDIDATES);
            }
            if (submitAttempts < 1) {
                throw new IllegalArgumentException("submitAttempts must be at least 1");
            }
            Objects.requireNonNull(retryDelay, "retryDelay");
        }

        /** Minimum quality 40, at most 10 candidates, 5 submission attempts starting 1 s apart. */
        public static Settings of(String party, URI nodeApi, String token) {
            return new Settings(party, nodeApi, token, DEFAULT_MINIMUM_QUALITY, CONTRACT_MAX_CANDIDATES, 5,
                    Duration.ofSeconds(1));
        }

        public Settings withMinimumQuality(int quality) {
            return new Settings(party, nodeApi, token, quality, maxCandidates, submitAttempts, retryDelay);
        }

        public Settings withMaxCandidates(int candidates) {
            return new Settings(party, nodeApi, token, minimumQuality, candidates, submitAttempts, retryDelay);
        }

        public Settings withRetries(int attempts, Duration delay) {
            return new Settings(party, nodeApi, token, minimumQuality, maxCandidates, attempts, delay);
        }
    }

    /**
     * An inbound message as received; the fields other than the time are null when the message could not be read.
     *
     * @param messageId      the envelope's message id (or the delivery header's, when the envelope is unreadable)
     * @param messageType    the envelope's message type
     * @param from           the sending party
     * @param conversationId the envelope's conversation
     * @param receivedAt     when it arrived
     */
    public record Received(String messageId, String messageType, String from, String conversationId, Instant receivedAt) {
    }

    /** How the submission of an answer to the node ended. */
    public enum Submission {
        /** The node's API accepted it (2xx). */
        ACCEPTED,
        /** The node's API refused it (4xx other than 408 and 429); not retried. */
        REFUSED,
        /** Every attempt failed, or the answer could not be written. */
        FAILED
    }

    /**
     * The answer to one search request and how its submission ended.
     *
     * @param requestMessageId  the search request's message id
     * @param responseMessageId the response's own message id
     * @param conversationId    the conversation both belong to
     * @param outcome           HIT, NO_HIT, QUALITY_REJECTED or ERROR
     * @param candidateCount    how many hits it lists
     * @param errorCode         why a search was not made (QUALITY_REJECTED, ERROR), else null
     * @param submission        how the submission to the node ended
     * @param attempts          how many submissions were tried
     * @param lastStatus        the node's last HTTP status, or -1 when it never answered
     */
    public record Answer(String requestMessageId, String responseMessageId, String conversationId, SearchOutcome outcome,
                         int candidateCount, String errorCode, Submission submission, int attempts, int lastStatus) {
    }

    private record Submitted(Submission submission, int attempts, int lastStatus) {
    }

    /** Reads an envelope by its bindings alone, without schema or transaction checks, and without DTDs or entities. */
    private static final class Lenient {

        private static final JAXBContext CONTEXT = context();

        static Envelope read(byte[] xml) {
            XMLInputFactory factory = XMLInputFactory.newFactory();
            factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
            try {
                XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
                try {
                    return CONTEXT.createUnmarshaller().unmarshal(reader, Envelope.class).getValue();
                } finally {
                    reader.close();
                }
            } catch (JAXBException | XMLStreamException | RuntimeException e) {
                return null;
            }
        }

        private static JAXBContext context() {
            try {
                return JAXBContext.newInstance(Envelope.class);
            } catch (JAXBException e) {
                throw new IllegalStateException("the envelope bindings cannot be loaded", e);
            }
        }
    }
}
