package org.passerelle.tests.casework;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jnbis.api.Jnbis;
import org.jnbis.api.model.Bitmap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.contracts.biometric.v1.BiometricSearchResponse;
import org.passerelle.contracts.biometric.v1.EurodacCategory;
import org.passerelle.contracts.biometric.v1.SearchOutcome;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.tests.nap.EnrolmentFacts;
import org.passerelle.tests.nap.FingerprintMatcher;
import org.passerelle.tests.nap.SimulatedAccessPoint;
import org.passerelle.tests.nap.SimulatedAccessPoint.Answer;
import org.passerelle.tests.nap.SimulatedAccessPoint.Settings;
import org.passerelle.tests.nap.SimulatedAccessPoint.Submission;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * Biometric liaison through two real nodes and the real matcher: GB's back-end searches, FR's node delivers the search
 * to its national access point (a {@link SimulatedAccessPoint} matching with SourceAFIS), whose answer travels back
 * through FR's node — across FR's data-sharing policy, which lets Eurodac hits reach the UK — to GB's back-end. Casework
 * (readmission, admission) is on with its defaults: biometric messages are not casework and pass untouched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BiometricLiaisonIT {

    static final EnrolmentFacts LAMPEDUSA = new EnrolmentFacts(
            "IT", EurodacCategory.CATEGORY_2, LocalDate.of(2025, 9, 14), "Lampedusa", "IT20250914003317");
    static final EnrolmentFacts CALAIS = new EnrolmentFacts(
            "FR", EurodacCategory.CATEGORY_1, LocalDate.of(2025, 11, 3), "Calais", "FR20251103000958");
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(90);
    static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    static Path dir;
    static Exchange exchange;
    static FingerprintMatcher matcher;
    static SimulatedAccessPoint nap;

    @BeforeAll
    static void startNodesAndAccessPoint() throws Exception {
        matcher = new FingerprintMatcher();
        assertThat(matcher.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"), LAMPEDUSA)).isPositive();
        int napPort = Exchange.freePort();
        exchange = Exchange.start(dir, Map.of(
                "passerelle.readmission.enabled", true,
                "FR:passerelle.backend.default-endpoints[0]", "http://localhost:" + napPort + SimulatedAccessPoint.INBOUND_PATH));
        // FR's dispatcher retries until its back-end (the access point) listens.
        nap = SimulatedAccessPoint.start(napPort, matcher,
                Settings.of("FR", URI.create("http://localhost:" + exchange.fr.apiPort()), Node.SYSTEM_TOKEN));
    }

    @AfterAll
    static void stop() {
        if (nap != null) {
            nap.close();
        }
        if (exchange != null) {
            exchange.close();
        }
    }

    @Test
    @Order(1)
    void aSearchOfAnEnrolledPersonComesBackToGbAsAHit() {
        // given GB's back-end searches the slaps of the person FR's access point holds the tenprint card of
        byte[] request = Envelopes.sample("BiometricSearchRequest", "GB", "FR");

        // when it is submitted to GB's node
        BiometricSearchResponse response = searchAndAwaitAnswer(request, SearchOutcome.HIT);

        // then GB's back-end receives FR's hit, with the Eurodac facts of the registration
        assertThat(response.getCandidateCount()).isEqualTo(1);
        assertThat(response.getHit()).singleElement().satisfies(hit -> {
            assertThat(hit.getReferenceNumber()).isEqualTo("IT20250914003317");
            assertThat(hit.getMemberStateOfOrigin()).isEqualTo("IT");
            assertThat(hit.getCategory()).isEqualTo(EurodacCategory.CATEGORY_2);
            assertThat(hit.getScore()).isGreaterThanOrEqualTo((int) FingerprintMatcher.DEFAULT_THRESHOLD);
        });
        assertThat(response.getCaseReference()).isEqualTo(body(request, "bio:CaseReference"));
    }

    @Test
    @Order(2)
    void aSearchOfAPersonNotEnrolledComesBackAsNoHit() {
        // given FR's access point holds only another person's print
        matcher.remove("subject-A");
        matcher.enrolImages("subject-B", List.of(sampleWsq()), CALAIS);
        try {
            // when GB searches the slaps
            BiometricSearchResponse response = searchAndAwaitAnswer(
                    Envelopes.sample("BiometricSearchRequest", "GB", "FR"), SearchOutcome.NO_HIT);

            // then the answer is NO_HIT, with no candidate
            assertThat(response.getCandidateCount()).isZero();
            assertThat(response.getHit()).isEmpty();
        } finally {
            matcher.remove("subject-B");
            matcher.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"), LAMPEDUSA);
        }
    }

    @Test
    @Order(3)
    void aSearchDeclaringAQualityUnderTheMinimumIsRejected() {
        // given a search declaring a quality under the access point's minimum on one fingerprint
        byte[] poor = withDeclaredQuality(Envelopes.sample("BiometricSearchRequest", "GB", "FR"),
                Settings.DEFAULT_MINIMUM_QUALITY - 1);

        // when it is searched, then FR answers QUALITY_REJECTED with the reason, and no hit
        BiometricSearchResponse response = searchAndAwaitAnswer(poor, SearchOutcome.QUALITY_REJECTED);
        assertThat(response.getErrorCode()).isEqualTo(SimulatedAccessPoint.QUALITY_BELOW_MINIMUM);
        assertThat(response.getCandidateCount()).isZero();
        assertThat(response.getHit()).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** Submits the search to GB, and returns the answer GB's back-end receives, after checking its outcome. */
    private static BiometricSearchResponse searchAndAwaitAnswer(byte[] request, SearchOutcome expected) {
        String requestId = Envelopes.header(request, "MessageId");
        HttpResponse<String> accepted = exchange.gb.submit(request);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        // FR's access point answers, and FR's node accepts its answer
        await().atMost(ANSWER_WITHIN).until(() -> nap.answerTo(requestId).isPresent());
        Answer answer = nap.answerTo(requestId).orElseThrow();
        assertThat(answer.submission()).as("FR node took the answer (status %d)", answer.lastStatus())
                .isEqualTo(Submission.ACCEPTED);
        assertThat(answer.outcome()).isEqualTo(expected);

        // and GB's back-end receives it, referring to the request
        Envelope delivered = await().atMost(Duration.ofSeconds(60)).until(() -> deliveredToGb(requestId), Optional::isPresent)
                .orElseThrow();
        assertThat(delivered.getHeader().getFrom()).isEqualTo("FR");
        assertThat(delivered.getHeader().getMessageId()).isEqualTo(answer.responseMessageId());
        BiometricSearchResponse response = delivered.getBody().getBiometricSearchResponse();
        assertThat(response).isNotNull();
        assertThat(response.getOutcome()).isEqualTo(expected);
        return response;
    }

    /** The envelope GB's back-end received whose RefToMessageId is the request's id. */
    private static Optional<Envelope> deliveredToGb(String requestId) {
        for (LoggedRequest logged : exchange.gbBackend.findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH)))) {
            String xml = logged.getBodyAsString();
            if (xml.contains("<cmn:RefToMessageId>" + requestId + "</cmn:RefToMessageId>")) {
                return Optional.of(CODEC.decode(logged.getBody()).envelope());
            }
        }
        return Optional.empty();
    }

    /** The request with a quality declared on its first fingerprint (a Type-4 record, which states none itself). */
    private static byte[] withDeclaredQuality(byte[] request, int quality) {
        String xml = new String(request, StandardCharsets.UTF_8);
        String ppi = "<cmn:ResolutionPpi>500</cmn:ResolutionPpi>";
        int at = xml.indexOf(ppi) + ppi.length();
        return (xml.substring(0, at) + "<cmn:Quality>" + quality + "</cmn:Quality>" + xml.substring(at))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String body(byte[] xml, String element) {
        String text = new String(xml, StandardCharsets.UTF_8);
        int start = text.indexOf("<" + element + ">") + element.length() + 2;
        return text.substring(start, text.indexOf("</" + element + ">", start));
    }

    /** {@code sample.wsq}, a bare WSQ image of another person, decoded as the matcher takes it. */
    private static FingerprintImage sampleWsq() {
        Bitmap bitmap = Jnbis.wsq().decode(SampleMessages.biometricSample("sample.wsq")).asBitmap();
        int ppi = bitmap.getPpi() > 0 ? bitmap.getPpi() : 500;
        return new FingerprintImage(14, 0, bitmap.getWidth(), bitmap.getHeight(), ppi, bitmap.getPixels());
    }
}
