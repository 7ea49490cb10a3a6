package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.StatusChange;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/** Every business message type travels GB → FR and FR → GB through two real nodes and arrives byte-identical. */
class EveryMessageTypeIT {

    static final List<String> TYPES = org.passerelle.tests.conformance.ConformanceKit.TYPES;

    @TempDir
    static Path dir;
    static Exchange exchange;

    @BeforeAll
    static void startNodes() {
        // The transport is under test here, not the data-sharing policy (DataSharingIT) nor casework: the FR → GB
        // samples of the request types carry personal data, which the shipped policy refuses, so this exchange lifts
        // it; and admission cases follow the unrelated samples without refusing out-of-sequence ones.
        exchange = Exchange.start(dir, Map.of(
                "GB:passerelle.data-sharing.FR.inbound.forbidden", "",
                "FR:passerelle.data-sharing.GB.outbound.forbidden", "",
                "passerelle.admission.enforce-transitions", "false"));
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    static Stream<Arguments> typesBothWays() {
        return TYPES.stream().flatMap(t -> Stream.of(Arguments.of(t, "GB", "FR"), Arguments.of(t, "FR", "GB")));
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @MethodSource("typesBothWays")
    void arrivesAtTheReceivingBackEndByteIdentical(String type, String from, String to) {
        // given an envelope our back-end submits
        byte[] xml = Envelopes.sample(type, from, to);
        String id = Envelopes.header(xml, "MessageId");
        Node sender = exchange.node(from);
        Node receiver = exchange.node(to);

        // when
        HttpResponse<String> accepted = sender.submit(xml);

        // then it is accepted, delivered with a verified receipt, and handed to the partner's back-end unchanged
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.body()).contains(id);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(exchange.backendOf(to).findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))
                        .withHeader("X-Passerelle-Message-Id", equalTo(id)))).hasSize(1));
        LoggedRequest delivered = exchange.backendOf(to).findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))
                .withHeader("X-Passerelle-Message-Id", equalTo(id))).get(0);
        assertThat(delivered.getBody()).isEqualTo(xml);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(sender.bean(MessageStore.class).find(id).orElseThrow().status())
                        .isEqualTo(MessageStatus.RECEIPT_VERIFIED));
        assertThat(sender.bean(MessageStore.class).history(id)).extracting(StatusChange::status)
                .containsSubsequence(MessageStatus.RECEIVED, MessageStatus.VALIDATED, MessageStatus.SIGNED,
                        MessageStatus.SENT, MessageStatus.RECEIPT_VERIFIED);
        assertThat(sender.bean(MessageStore.class).outboundReceipt(id)).isPresent();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(receiver.bean(MessageStore.class).find(id).orElseThrow().status())
                        .isEqualTo(MessageStatus.DELIVERED));
        String sha256 = sender.bean(MessageStore.class).find(id).orElseThrow().payloadSha256();
        assertThat(receiver.bean(MessageStore.class).find(id).orElseThrow().payloadSha256()).isEqualTo(sha256);

        // and each node's audit log holds every event of the message, each with the payload's digest only
        assertThat(sender.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::action)
                .containsSubsequence("MESSAGE_ACCEPTED", "MESSAGE_SENT", "RECEIPT_VERIFIED");
        assertThat(receiver.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::action)
                .containsSubsequence("MESSAGE_RECEIVED", "RECEIPT_ISSUED", "DELIVERED");
        // and each keeps its record of the disclosure (DPA 2018 s.62): the purpose, the categories named, the basis
        assertThat(sender.bean(AuditTrail.class).forMessage(id)).filteredOn(e -> e.action().equals("DATA_DISCLOSED"))
                .singleElement().satisfies(e -> {
                    assertThat(e.purpose()).isNotBlank();
                    assertThat(e.detail()).startsWith("categories: ").contains("; basis: ")
                            .containsPattern("; responsible: operator (caseworker-0042|lo-fr-0007) of ")
                            .doesNotContain("basis: none");
                    if (type.equals("ReadmissionRequest")) {
                        assertThat(e.purpose()).isEqualTo("READMISSION");
                        assertThat(e.detail()).contains("FINGERPRINTS", "NAMES", "VULNERABILITY_SCREENING");
                    }
                });
        assertThat(receiver.bean(AuditTrail.class).forMessage(id)).filteredOn(e -> e.action().equals("DATA_RECEIVED"))
                .singleElement().satisfies(e -> assertThat(e.purpose()).isNotBlank());
        assertThat(sender.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::payloadSha256).containsOnly(sha256);
        assertThat(receiver.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::payloadSha256).containsOnly(sha256);
    }
}
