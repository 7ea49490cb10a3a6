package org.passerelle.tests.crash;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;

/**
 * A back-end that takes inbound messages (WireMock) and remembers, in the order it took them, every message it
 * accepted with a 2xx: the id in {@code X-Passerelle-Message-Id} and the exact bytes. A request answered otherwise
 * is not a delivery. WireMock tells its listener before the answer is written, so a message counts as taken even
 * when the node that sent it dies before reading the answer — as a real back-end would have processed it.
 */
final class RecordingBackend implements AutoCloseable {

    static final String MESSAGE_ID = "X-Passerelle-Message-Id";

    private final WireMockServer server = new WireMockServer(options().dynamicPort());
    private final List<Arrival> arrivals = new ArrayList<>();

    /** One message the back-end accepted. */
    record Arrival(String messageId, String conversationId, byte[] body, long atNanos) {
    }

    RecordingBackend() {
        server.start();
        server.addMockServiceRequestListener((request, response) -> {
            if (request.getUrl().startsWith(Exchange.INBOUND_PATH) && response.getStatus() / 100 == 2) {
                byte[] body = request.getBody();
                synchronized (arrivals) {
                    arrivals.add(new Arrival(request.getHeader(MESSAGE_ID), Envelopes.header(body, "ConversationId"), body,
                            System.nanoTime()));
                }
            }
        });
        answer(aResponse().withStatus(202));
    }

    int port() {
        return server.port();
    }

    /** From now on the back-end answers inbound messages with this. */
    void answer(ResponseDefinitionBuilder response) {
        server.resetMappings();
        server.stubFor(post(urlPathEqualTo(Exchange.INBOUND_PATH)).willReturn(response));
    }

    /** Every message accepted so far, in arrival order, duplicates included. */
    List<Arrival> arrivals() {
        synchronized (arrivals) {
            return List.copyOf(arrivals);
        }
    }

    /** How many times each message id was accepted. */
    Map<String, Integer> countsById() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        arrivals().forEach(a -> counts.merge(a.messageId(), 1, Integer::sum));
        return counts;
    }

    /** The message ids of one conversation in the order they first arrived. */
    List<String> firstArrivalOrder(String conversationId) {
        return List.copyOf(arrivals().stream().filter(a -> a.conversationId().equals(conversationId))
                .map(Arrival::messageId).collect(Collectors.toCollection(LinkedHashSet::new)));
    }

    @Override
    public void close() {
        server.stop();
    }
}
