package org.passerelle.tests.nap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.contracts.biometric.v1.BiometricSearchResponse;
import org.passerelle.contracts.biometric.v1.Hit;
import org.passerelle.contracts.biometric.v1.SearchOutcome;
import org.passerelle.contracts.common.v1.Header;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.tests.nap.SimulatedAccessPoint.Answer;
import org.passerelle.tests.nap.SimulatedAccessPoint.Settings;
import org.passerelle.tests.nap.SimulatedAccessPoint.Submission;
import org.passerelle.tests.support.Envelopes;

/**
 * The simulated access point between a node's delivery and its back-end API: envelopes in on {@code /inbound}, answers
 * out to a stub API that captures what it is sent.
 */
class SimulatedAccessPointTest {

    private static final String TOKEN = "nap-test-token";
    private static final Duration MATCHING = Duration.ofSeconds(120);
    private static final MessageCodec CODEC = new MessageCodec();

    private static FingerprintMatcher cardOfSubjectA;
    private static HttpServer nodeApi;
    private static final List<Submitted> submitted = new CopyOnWriteArrayList<>();
    private static final Queue<Integer> plannedStatuses = new ConcurrentLinkedQueue<>();

    private final HttpClient http = HttpClient.newHttpClient();
    private SimulatedAccessPoint nap;

    @BeforeAll
    static void enrolAndStartTheNodeApi() throws IOException {
        cardOfSubjectA = new FingerprintMatcher();
        cardOfSubjectA.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"),
                FingerprintMatcherTest.LAMPEDUSA);
        nodeApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        nodeApi.createContext("/api/v1/messages", exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                submitted.add(new Submitted(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body.readAllBytes()));
                Integer planned = plannedStatuses.poll();
                exchange.sendResponseHeaders(planned == null ? 202 : planned, -1);
            }
        });
        nodeApi.start();
    }

    @AfterAll
    static void stopTheNodeApi() {
        nodeApi.stop(0);
    }

    @BeforeEach
    void startTheAccessPoint() throws IOException {
        submitted.clear();
        plannedStatuses.clear();
        nap = SimulatedAccessPoint.start(0, cardOfSubjectA, settings());
    }

    @AfterEach
    void stopTheAccessPoint() {
        nap.close();
    }

    @Test
    void answersASearchOfTheSamePersonWithAHitThroughItsNodeApi() throws Exception {
        byte[] request = Envelopes.sample("BiometricSearchRequest", "GB", "FR");
        String requestId = Envelopes.header(request, "MessageId");

        assertThat(deliver(request).statusCode()).isEqualTo(202);

        Answer answer = awaitAnswer(requestId);
        assertThat(answer.outcome()).isEqualTo(SearchOutcome.HIT);
        assertThat(answer.submission()).isEqualTo(Submission.ACCEPTED);
        assertThat(submitted).singleElement().satisfies(post -> {
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.path()).isEqualTo("/api/v1/messages");
            assertThat(post.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(post.contentType()).isEqualTo("application/xml");
        });
        Envelope response = CODEC.decode(submitted.getFirst().body()).envelope();
        Header header = response.getHeader();
        assertThat(header.getMessageId()).isEqualTo(answer.responseMessageId()).isNotEqualTo(requestId);
        assertThat(header.getRefToMessageId()).isEqualTo(requestId);
        assertThat(header.getConversationId()).isEqualTo(Envelopes.header(request, "ConversationId"));
        assertThat(header.getFrom()).isEqualTo("FR");
        assertThat(header.getTo()).isEqualTo("GB");
        assertThat(header.getMessageType()).isEqualTo(MessageType.BIOMETRIC_SEARCH_RESPONSE);
        assertThat(header.getSchemaVersion()).isEqualTo("1");
        assertThat(Duration.between(header.getCreatedAt(), header.getExpiresAt())).isEqualTo(Duration.ofDays(1));
        BiometricSearchResponse body = response.getBody().getBiometricSearchResponse();
        assertThat(body.getCaseReference()).isEqualTo("GB-BS-2026-000042");
        assertThat(body.getOutcome()).isEqualTo(SearchOutcome.HIT);
        assertThat(body.getCandidateCount()).isEqualTo(1);
        Hit hit = body.getHit().getFirst();
        System.out.printf("hit through the access point: score %d%n", hit.getScore());
        assertThat(hit.getScore()).isGreaterThanOrEqualTo(40);
        assertThat(hit.getMemberStateOfOrigin()).isEqualTo("IT");
        assertThat(hit.getCategory()).isEqualTo(FingerprintMatcherTest.LAMPEDUSA.category());
        assertThat(hit.getRegisteredOn()).isEqualTo(FingerprintMatcherTest.LAMPEDUSA.registeredOn());
        assertThat(hit.getPlaceOfRegistration()).isEqualTo("Lampedusa");
        assertThat(hit.getReferenceNumber()).isEqualTo("IT20250914003317");
        assertThat(nap.received()).singleElement().satisfies(r -> {
            assertThat(r.messageId()).isEqualTo(requestId);
            assertThat(r.messageType()).isEqualTo("BiometricSearchRequest");
            assertThat(r.from()).isEqualTo("GB");
        });
    }

    @Test
    void answersNoHitWhenNoEnrolledSubjectMatches() {
        FingerprintMatcher anotherPerson = new FingerprintMatcher();
        anotherPerson.enrolImages("subject-B", List.of(FingerprintMatcherTest.sampleWsq()), FingerprintMatcherTest.CALAIS);
        try (SimulatedAccessPoint other = startWith(anotherPerson)) {
            Envelope response = other.answer(decoded(Envelopes.sample("BiometricSearchRequest", "GB", "FR")));

            BiometricSearchResponse body = schemaValid(response).getBody().getBiometricSearchResponse();
            assertThat(body.getOutcome()).isEqualTo(SearchOutcome.NO_HIT);
            assertThat(body.getCandidateCount()).isZero();
            assertThat(body.getHit()).isEmpty();
        }
    }

    @Test
    void rejectsASearchDeclaringAQualityUnderTheMinimum() {
        byte[] poor = withDeclaredQuality(Envelopes.sample("BiometricSearchRequest", "GB", "FR"), 39);

        Envelope response = nap.answer(decoded(poor));

        BiometricSearchResponse body = schemaValid(response).getBody().getBiometricSearchResponse();
        assertThat(body.getOutcome()).isEqualTo(SearchOutcome.QUALITY_REJECTED);
        assertThat(body.getErrorCode()).isEqualTo(SimulatedAccessPoint.QUALITY_BELOW_MINIMUM);
        assertThat(body.getCaseReference()).isEqualTo("GB-BS-2026-000042");
        assertThat(body.getCandidateCount()).isZero();
    }

    @Test
    void searchesADeclaredQualityAtTheMinimum() {
        byte[] fair = withDeclaredQuality(Envelopes.sample("BiometricSearchRequest", "GB", "FR"), 40);

        Envelope response = nap.answer(decoded(fair));

        assertThat(response.getBody().getBiometricSearchResponse().getOutcome()).isEqualTo(SearchOutcome.HIT);
    }

    @Test
    void answersErrorWhenTheTransactionCannotBeRead() throws Exception {
        byte[] request = withTransaction(Envelopes.sample("BiometricSearchRequest", "GB", "FR"),
                "not an ANSI/NIST-ITL transaction".getBytes(StandardCharsets.US_ASCII));
        String requestId = Envelopes.header(request, "MessageId");

        assertThat(deliver(request).statusCode()).isEqualTo(202);

        Answer answer = awaitAnswer(requestId);
        assertThat(answer.outcome()).isEqualTo(SearchOutcome.ERROR);
        assertThat(answer.errorCode()).isEqualTo(SimulatedAccessPoint.TRANSACTION_UNREADABLE);
        Envelope response = CODEC.decode(submitted.getFirst().body()).envelope();
        assertThat(response.getHeader().getRefToMessageId()).isEqualTo(requestId);
        assertThat(response.getBody().getBiometricSearchResponse().getOutcome()).isEqualTo(SearchOutcome.ERROR);
    }

    @Test
    void retriesWhileItsNodeIsUnavailable() throws Exception {
        plannedStatuses.add(503);
        plannedStatuses.add(503);
        byte[] request = Envelopes.sample("BiometricSearchRequest", "GB", "FR");

        deliver(request);

        Answer answer = awaitAnswer(Envelopes.header(request, "MessageId"));
        assertThat(answer.submission()).isEqualTo(Submission.ACCEPTED);
        assertThat(answer.attempts()).isEqualTo(3);
        assertThat(submitted).hasSize(3);
    }

    @Test
    void doesNotRetryAnAnswerItsNodeRefuses() throws Exception {
        plannedStatuses.add(400);
        byte[] request = Envelopes.sample("BiometricSearchRequest", "GB", "FR");

        deliver(request);

        Answer answer = awaitAnswer(Envelopes.header(request, "MessageId"));
        assertThat(answer.submission()).isEqualTo(Submission.REFUSED);
        assertThat(answer.attempts()).isEqualTo(1);
        assertThat(answer.lastStatus()).isEqualTo(400);
    }

    @Test
    void recordsOtherMessagesWithoutAnsweringThem() throws Exception {
        byte[] update = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
        byte[] search = Envelopes.sample("BiometricSearchRequest", "GB", "FR");

        assertThat(deliver(update).statusCode()).isEqualTo(202);
        deliver(search);

        awaitAnswer(Envelopes.header(search, "MessageId"));
        assertThat(nap.received()).extracting(SimulatedAccessPoint.Received::messageType)
                .containsExactly("CaseStatusUpdate", "BiometricSearchRequest");
        assertThat(nap.answers()).extracting(Answer::requestMessageId)
                .containsExactly(Envelopes.header(search, "MessageId"));
        assertThat(submitted).hasSize(1);
    }

    @Test
    void answersARedeliveredSearchOnlyOnce() throws Exception {
        byte[] search = Envelopes.sample("BiometricSearchRequest", "GB", "FR");
        byte[] next = Envelopes.sample("BiometricSearchRequest", "GB", "FR");

        assertThat(deliver(search).statusCode()).isEqualTo(202);
        assertThat(deliver(search).statusCode()).isEqualTo(202);
        deliver(next);

        awaitAnswer(Envelopes.header(next, "MessageId"));
        assertThat(nap.received()).hasSize(3);
        assertThat(nap.answers()).extracting(Answer::requestMessageId)
                .containsExactly(Envelopes.header(search, "MessageId"), Envelopes.header(next, "MessageId"));
        assertThat(submitted).hasSize(2);
    }

    @Test
    void refusesWhatIsNotAnEnvelopeAndWhatIsNotAPost() throws Exception {
        HttpResponse<Void> notXml = http.send(HttpRequest.newBuilder(nap.inboundUri())
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("not xml")).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> get = http.send(HttpRequest.newBuilder(nap.inboundUri()).GET().build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(notXml.statusCode()).isEqualTo(400);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(nap.answers()).isEmpty();
    }

    private HttpResponse<Void> deliver(byte[] envelope) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(nap.inboundUri())
                .header("Content-Type", "application/xml")
                .header("X-Passerelle-Message-Id", Envelopes.header(envelope, "MessageId"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build(), HttpResponse.BodyHandlers.discarding());
    }

    private Answer awaitAnswer(String requestId) {
        return await().atMost(MATCHING).until(() -> nap.answerTo(requestId).orElse(null), a -> a != null);
    }

    private static Settings settings() {
        return Settings.of("FR", URI.create("http://localhost:" + nodeApi.getAddress().getPort()), TOKEN)
                .withRetries(3, Duration.ofMillis(20));
    }

    private static SimulatedAccessPoint startWith(FingerprintMatcher matcher) {
        try {
            return SimulatedAccessPoint.start(0, matcher, settings());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Envelope decoded(byte[] xml) {
        return CODEC.decode(xml).envelope();
    }

    /** The envelope after a round through the codec, which refuses anything that breaks the contract. */
    private static Envelope schemaValid(Envelope envelope) {
        return CODEC.decode(CODEC.encode(envelope)).envelope();
    }

    /** The request with a quality declared on its first fingerprint (Type-4, whose records state none to contradict it). */
    private static byte[] withDeclaredQuality(byte[] request, int quality) {
        String xml = new String(request, StandardCharsets.UTF_8);
        String ppi = "<cmn:ResolutionPpi>500</cmn:ResolutionPpi>";
        int at = xml.indexOf(ppi) + ppi.length();
        return (xml.substring(0, at) + "<cmn:Quality>" + quality + "</cmn:Quality>" + xml.substring(at))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withTransaction(byte[] request, byte[] transaction) {
        return new String(request, StandardCharsets.UTF_8)
                .replaceFirst("(<cmn:Transaction>)[^<]*(</cmn:Transaction>)",
                        "$1" + Base64.getEncoder().encodeToString(transaction) + "$2")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** One request the stub node API received. */
    private record Submitted(String method, String path, String authorization, String contentType, byte[] body) {
    }
}
