package org.passerelle.tests.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.helger.base.state.ETriState;
import com.helger.collection.commons.CommonsArrayList;
import com.helger.collection.commons.ICommonsList;
import com.helger.http.header.HttpHeaderMap;
import com.helger.httpclient.HttpClientSettings;
import com.helger.mime.EMimeContentType;
import com.helger.phase4.CAS4;
import com.helger.phase4.attachment.AS4OutgoingAttachment;
import com.helger.phase4.attachment.IAS4IncomingAttachmentFactory;
import com.helger.phase4.attachment.WSS4JAttachment;
import com.helger.phase4.crypto.AS4CryptoFactoryInMemoryKeyStore;
import com.helger.phase4.crypto.ECryptoAlgorithmCrypt;
import com.helger.phase4.crypto.ECryptoAlgorithmSign;
import com.helger.phase4.crypto.ECryptoAlgorithmSignDigest;
import com.helger.phase4.crypto.IAS4CryptoFactory;
import com.helger.phase4.ebms3header.Ebms3Error;
import com.helger.phase4.ebms3header.Ebms3SignalMessage;
import com.helger.phase4.ebms3header.Ebms3UserMessage;
import com.helger.phase4.incoming.AS4IncomingMessageMetadata;
import com.helger.phase4.incoming.AS4IncomingProfileSelectorConstant;
import com.helger.phase4.incoming.AS4IncomingReceiverConfiguration;
import com.helger.phase4.incoming.AS4RequestHandler;
import com.helger.phase4.incoming.IAS4IncomingMessageMetadata;
import com.helger.phase4.incoming.IAS4IncomingMessageState;
import com.helger.phase4.incoming.IAS4ResponseAbstraction;
import com.helger.phase4.incoming.crypto.AS4IncomingSecurityConfiguration;
import com.helger.phase4.incoming.spi.AS4MessageProcessorResult;
import com.helger.phase4.incoming.spi.AS4SignalMessageProcessorResult;
import com.helger.phase4.incoming.spi.IAS4IncomingMessageProcessorSPI;
import com.helger.phase4.messaging.http.HttpRetrySettings;
import com.helger.phase4.model.EMEP;
import com.helger.phase4.model.EMEPBinding;
import com.helger.phase4.mgr.MetaAS4Manager;
import com.helger.phase4.model.pmode.IPMode;
import com.helger.phase4.model.pmode.IPModeIDProvider;
import com.helger.phase4.model.pmode.PMode;
import com.helger.phase4.model.pmode.PModeParty;
import com.helger.phase4.model.pmode.PModeReceptionAwareness;
import com.helger.phase4.model.pmode.leg.EPModeSendReceiptReplyPattern;
import com.helger.phase4.model.pmode.leg.PModeLeg;
import com.helger.phase4.model.pmode.leg.PModeLegBusinessInformation;
import com.helger.phase4.model.pmode.leg.PModeLegErrorHandling;
import com.helger.phase4.model.pmode.leg.PModeLegProtocol;
import com.helger.phase4.model.pmode.leg.PModeLegSecurity;
import com.helger.phase4.profile.AS4Profile;
import com.helger.phase4.profile.IAS4ProfileValidator;
import com.helger.phase4.sender.AS4Sender;
import com.helger.phase4.sender.EAS4UserMessageSendResult;
import com.helger.phase4.wss.EWSSVersion;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.security.CmsDecryptor;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.conformance.ConformanceKit;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * A GB node whose partner FR travels by eDelivery AS4, against FR's access point played by plain phase4 (its request
 * handler behind a JDK HTTP server, and its sender), not by a Passerelle node: every business type each way with an
 * AS4 receipt, a duplicate user message, a refused inner envelope, and the access point down for a while.
 */
class As4IT {

    static final List<String> TYPES = ConformanceKit.TYPES;

    @TempDir
    static Path dir;
    static Exchange exchange;
    static DevPki pki;
    static AccessPoint fr;
    static int frPort;

    @BeforeAll
    static void start() {
        frPort = Exchange.freePort();
        exchange = Exchange.startGbOnly(dir, p -> {
            Map<String, Object> s = new HashMap<>();
            s.put("GB:passerelle.partners.FR.transport", "as4");
            s.put("GB:passerelle.partners.FR.as4.endpoint", "http://localhost:" + frPort + "/as4");
            s.put("GB:passerelle.partners.FR.as4.allow-plain-http", true);
            s.put("GB:passerelle.partners.FR.as4.certificate", p.gatewayRsa("FR").certificatePem().toString());
            s.put("GB:passerelle.as4.keystore", p.gatewayRsa("GB").pkcs12().toString());
            s.put("GB:passerelle.data-sharing.FR.inbound.forbidden", "");
            s.put("passerelle.admission.enforce-transitions", "false");
            return s;
        });
        pki = exchange.pki;
        fr = new AccessPoint(frPort).start();
    }

    @AfterAll
    static void stop() {
        if (fr != null) {
            fr.stop();
        }
        if (exchange != null) {
            exchange.close();
        }
    }

    @Test
    void everyTypeGoesToThePartnersAccessPointAndIsDeliveredOnItsAs4Receipt() {
        // given one envelope of each type submitted to GB for FR
        Map<String, String> ids = new HashMap<>();
        for (String type : TYPES) {
            byte[] xml = Envelopes.sample(type, "GB", "FR");
            assertThat(exchange.gb.submit(xml).statusCode()).isEqualTo(202);
            ids.put(Envelopes.header(xml, "MessageId"), type);
        }

        // then each reaches FR's access point as a user message under its type's action, and is delivered on the
        // AS4 receipt, which GB keeps
        MessageStore store = exchange.gb.bean(MessageStore.class);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> ids.keySet().forEach(id ->
                assertThat(store.find(id).orElseThrow().status()).as(id).isEqualTo(MessageStatus.RECEIPT_VERIFIED)));
        CmsDecryptor frGateway = new CmsDecryptor(KeyMaterial.load(pki.gateway("FR").pkcs12(), DevPki.PASSWORD.toCharArray()));
        ids.forEach((id, type) -> {
            assertThat(fr.received).containsKey(id + "@passerelle");
            assertThat(fr.received.get(id + "@passerelle").action()).isEqualTo(type);
            // the payload part is the CMS that only FR's gateway opens: GB's signed envelope
            assertThat(new String(frGateway.decrypt(fr.received.get(id + "@passerelle").payload()),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).contains(id);
            assertThat(store.outboundReceipt(id)).hasValueSatisfying(receipt ->
                    assertThat(new String(receipt, java.nio.charset.StandardCharsets.UTF_8)).contains("Receipt"));
            assertThat(exchange.gb.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::action)
                    .containsSubsequence("MESSAGE_SENT", "RECEIPT_VERIFIED");
        });
    }

    @Test
    void everyTypeFromThePartnersAccessPointIsAcceptedWithAnAs4Receipt() throws Exception {
        for (String type : TYPES) {
            // given an envelope signed by FR's gateway and encrypted to GB, as the payload of FR's user message
            byte[] xml = Envelopes.sample(type, "FR", "GB");
            String id = Envelopes.header(xml, "MessageId");

            // when FR's access point sends it
            Sent sent = fr.send(type, UUID.randomUUID() + "@fr-ap", sealedByFr(xml, "FR"));

            // then GB answers with its AS4 receipt, and the envelope reaches GB's back-end unchanged
            assertThat(sent.result()).as(type).isEqualTo(EAS4UserMessageSendResult.SUCCESS);
            assertThat(sent.signal().getReceipt()).isNotNull();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(exchange.gbBackend.findAll(postRequestedFor(urlPathEqualTo(Exchange.INBOUND_PATH))
                            .withHeader("X-Passerelle-Message-Id", equalTo(id)))).hasSize(1));
            assertThat(exchange.gb.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::action)
                    .contains("MESSAGE_RECEIVED", "RECEIPT_ISSUED");
        }
    }

    @Test
    void aResentUserMessageIsAnsweredWithTheSameReceipt() throws Exception {
        // given a user message GB has taken
        byte[] xml = Envelopes.sample("ReadmissionRequest", "FR", "GB");
        String id = Envelopes.header(xml, "MessageId");
        String userMessageId = UUID.randomUUID() + "@fr-ap";
        byte[] payload = sealedByFr(xml, "FR");
        Sent first = fr.send("ReadmissionRequest", userMessageId, payload);
        assertThat(first.result()).isEqualTo(EAS4UserMessageSendResult.SUCCESS);
        byte[] issued = exchange.gb.bean(MessageStore.class).inboundReceipt(id).orElseThrow().receipt();

        // when FR sends it again, as after a lost answer
        Sent again = fr.send("ReadmissionRequest", userMessageId, payload);

        // then GB answers with a receipt for the same user message again, keeps the message once and its receipt
        assertThat(again.result()).isEqualTo(EAS4UserMessageSendResult.SUCCESS);
        assertThat(again.signal().getMessageInfo().getRefToMessageId())
                .isEqualTo(first.signal().getMessageInfo().getRefToMessageId()).isEqualTo(userMessageId);
        assertThat(exchange.gb.bean(MessageStore.class).inboundReceipt(id).orElseThrow().receipt()).isEqualTo(issued);
        assertThat(exchange.gb.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::action)
                .containsOnlyOnce("MESSAGE_RECEIVED").contains("MESSAGE_RETRANSMITTED");
    }

    @Test
    void anInnerEnvelopeSignedByAnotherPartyIsRefusedWithAnEbmsErrorAndAudited() throws Exception {
        // given FR's user message whose envelope is signed by BE's gateway
        byte[] xml = Envelopes.sample("ReadmissionRequest", "FR", "GB");
        String id = Envelopes.header(xml, "MessageId");

        long before = latestAuditId();

        // when FR's access point sends it
        Sent sent = fr.send("ReadmissionRequest", UUID.randomUUID() + "@fr-ap", sealedByFr(xml, "BE"));

        // then GB answers with an ebMS error, stores nothing and audits the refusal
        assertThat(sent.result()).isEqualTo(EAS4UserMessageSendResult.AS4_ERROR_MESSAGE_RECEIVED);
        assertThat(exchange.gb.bean(MessageStore.class).find(id)).isEmpty();
        AuditEvent refused = exchange.gb.bean(AuditTrail.class).latest(50).stream()
                .filter(e -> e.id() > before && e.action().equals("MESSAGE_REFUSED")).findFirst().orElseThrow();
        assertThat(refused.partner()).isEqualTo("FR");
        assertThat(refused.code()).isNotBlank();
        // and the ebMS error names the same stable code, nothing more
        assertThat(sent.signal().getError()).extracting(Ebms3Error::getErrorDetail).containsExactly(refused.code());
    }

    static long latestAuditId() {
        return exchange.gb.bean(AuditTrail.class).latest(1).stream().mapToLong(AuditEvent::id).max().orElse(0);
    }

    @Test
    void aUserMessageNotSignedByThePartnersAs4CertificateIsRefusedByTheAs4LayerAndAudited() throws Exception {
        // given FR's user message, AS4-signed with BE's key although its From party is FR
        byte[] xml = Envelopes.sample("ReadmissionRequest", "FR", "GB");
        String id = Envelopes.header(xml, "MessageId");
        long before = latestAuditId();
        AccessPoint forger = new AccessPoint(Exchange.freePort(), "BE");

        // when it is sent
        Sent sent = forger.send("ReadmissionRequest", UUID.randomUUID() + "@fr-ap", sealedByFr(xml, "FR"));

        // then GB answers with an ebMS error, takes nothing and audits the refusal
        assertThat(sent.result()).isEqualTo(EAS4UserMessageSendResult.AS4_ERROR_MESSAGE_RECEIVED);
        assertThat(exchange.gb.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(exchange.gb.bean(AuditTrail.class).latest(50)).filteredOn(e -> e.id() > before
                && e.action().equals("MESSAGE_REFUSED")).extracting(AuditEvent::code).contains("UNAUTHENTICATED");
    }

    @Test
    void aUserMessageNeitherSignedNorEncryptedAtTheAs4LayerIsRefusedAndAudited() {
        // given FR's user message with a valid inner envelope, but without WS-Security
        byte[] xml = Envelopes.sample("ReadmissionRequest", "FR", "GB");
        String id = Envelopes.header(xml, "MessageId");
        long before = latestAuditId();

        // when it is sent
        Sent sent = fr.send("ReadmissionRequest", UUID.randomUUID() + "@fr-ap", sealedByFr(xml, "FR"), false);

        // then GB refuses it with an ebMS error, takes nothing and audits the refusal
        assertThat(sent.result()).isEqualTo(EAS4UserMessageSendResult.AS4_ERROR_MESSAGE_RECEIVED);
        assertThat(exchange.gb.bean(MessageStore.class).find(id)).isEmpty();
        assertThat(exchange.gb.bean(AuditTrail.class).latest(50)).filteredOn(e -> e.id() > before
                && e.action().equals("MESSAGE_REFUSED")).extracting(AuditEvent::code).contains("UNAUTHENTICATED");
    }

    @Test
    void aReceiptSignedByAnotherKeyDeliversNothingAndTheMessageIsRetried() {
        // given FR's access point replaced by one whose receipts are signed with BE's key
        fr.stop();
        AccessPoint forger = new AccessPoint(frPort, "BE").start();
        try {
            byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
            String id = Envelopes.header(xml, "MessageId");

            // when GB sends a message
            assertThat(exchange.gb.submit(xml).statusCode()).isEqualTo(202);

            // then it reaches the access point again and again, and is never taken as delivered
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(exchange.gb.bean(AuditTrail.class).forMessage(id))
                            .filteredOn(e -> e.action().equals("MESSAGE_SENT")).hasSizeGreaterThanOrEqualTo(2));
            assertThat(forger.received).containsKey(id + "@passerelle");
            MessageStore store = exchange.gb.bean(MessageStore.class);
            assertThat(store.find(id).orElseThrow().status()).isNotEqualTo(MessageStatus.RECEIPT_VERIFIED);
            assertThat(store.outboundReceipt(id)).isEmpty();
            assertThat(store.history(id)).filteredOn(c -> c.status() == MessageStatus.FAILED).first().satisfies(c -> {
                assertThat(c.reason()).isEqualTo("RECEIPT_INVALID");
                assertThat(c.detail()).contains("the AS4 answer does not verify");
            });
        } finally {
            forger.stop();
            fr.start();
        }
    }

    @Test
    void messagesWaitWhileThePartnersAccessPointIsDownAndAreDeliveredOnceItIsBack() {
        // given FR's access point down
        fr.stop();
        try {
            byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
            String id = Envelopes.header(xml, "MessageId");
            assertThat(exchange.gb.submit(xml).statusCode()).isEqualTo(202);
            MessageStore store = exchange.gb.bean(MessageStore.class);

            // then the message is attempted and waits
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(exchange.gb.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::action)
                            .contains("MESSAGE_SENT"));
            assertThat(store.find(id).orElseThrow().status()).isNotEqualTo(MessageStatus.RECEIPT_VERIFIED);

            // when the access point is back, it is delivered
            fr = new AccessPoint(frPort).start();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(store.find(id).orElseThrow().status()).isEqualTo(MessageStatus.RECEIPT_VERIFIED));
        } finally {
            fr.start();
        }
    }

    /** The envelope signed by the given party's gateway and encrypted to GB's, as FR's system would send it. */
    static byte[] sealedByFr(byte[] xml, String signingParty) {
        KeyMaterial key = KeyMaterial.load(pki.gateway(signingParty).pkcs12(), DevPki.PASSWORD.toCharArray());
        return new CmsEncryptor().encrypt(new CmsSigner(key).sign(xml), certificate(pki.gateway("GB").certificatePem()));
    }

    static X509Certificate certificate(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Received(String action, byte[] payload) {
    }

    record Sent(EAS4UserMessageSendResult result, Ebms3SignalMessage signal) {
    }

    /**
     * FR's AS4 access point: phase4's request handler behind a JDK HTTP server, FR's RSA key, GB's RSA certificate
     * trusted, phase4's own duplicate detection, and phase4's sender for FR → GB.
     */
    static final class AccessPoint implements IAS4IncomingMessageProcessorSPI {

        final int port;
        final Map<String, Received> received = new ConcurrentHashMap<>();
        private final IAS4CryptoFactory crypto;
        private final IAS4CryptoFactory receiptSigner;
        private HttpServer server;

        AccessPoint(int port) {
            this(port, "FR");
        }

        /** FR's access point whose AS4 receipts (and user messages) are signed with this party's RSA key. */
        AccessPoint(int port, String signingParty) {
            this.port = port;
            this.crypto = crypto("FR");
            this.receiptSigner = crypto(signingParty);
            if (MetaAS4Manager.getProfileMgr().getProfileOfID(PROFILE) == null) {
                MetaAS4Manager.getProfileMgr().registerProfile(new AS4Profile(PROFILE, "FR access point",
                        () -> new IAS4ProfileValidator() { }, (i, r, a) -> null, IPModeIDProvider.DEFAULT_DYNAMIC,
                        false, false));
            }
        }

        synchronized AccessPoint start() {
            if (server != null) {
                return this;
            }
            try {
                server = HttpServer.create(new InetSocketAddress("localhost", port), 16);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/as4", this::handle);
            server.start();
            if (fr != null && fr != this) {
                received.putAll(fr.received);
            }
            return this;
        }

        synchronized void stop() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }

        private void handle(HttpExchange http) throws IOException {
            HttpHeaderMap headers = new HttpHeaderMap();
            http.getRequestHeaders().forEach((name, values) -> values.forEach(v -> headers.addHeader(name, v)));
            Answer answer = new Answer();
            try (AS4RequestHandler handler = new AS4RequestHandler(AS4IncomingMessageMetadata.createForRequest()
                    .setHttpHeaders(headers))) {
                handler.setCryptoFactoryCrypt(crypto);
                handler.setCryptoFactorySign(receiptSigner);
                handler.setPModeResolver((id, service, action, initiator, responder, agreement, address) ->
                        "GB".equals(initiator) && "FR".equals(responder) ? pmode("GB", "FR", null) : null);
                handler.setIncomingProfileSelector(new AS4IncomingProfileSelectorConstant(PROFILE, true));
                handler.setIncomingAttachmentFactory(IAS4IncomingAttachmentFactory.DEFAULT_INSTANCE);
                handler.setIncomingSecurityConfiguration(AS4IncomingSecurityConfiguration.createDefaultInstance());
                handler.setIncomingReceiverConfiguration(new AS4IncomingReceiverConfiguration());
                handler.setProcessorSupplier(() -> new CommonsArrayList<>(this));
                handler.handleRequest(http.getRequestBody(), headers, answer);
            } catch (Exception e) {
                answer.status = 500;
                answer.body = new byte[0];
            }
            answer.headers.forEach((name, value) -> http.getResponseHeaders().add(name, value));
            if (answer.mimeType != null && !http.getResponseHeaders().containsKey("Content-Type")) {
                http.getResponseHeaders().add("Content-Type", answer.mimeType);
            }
            byte[] body = answer.body == null ? new byte[0] : answer.body;
            http.sendResponseHeaders(answer.status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = http.getResponseBody()) {
                    out.write(body);
                }
            }
            http.close();
        }

        Sent send(String type, String userMessageId, byte[] payload) {
            return send(type, userMessageId, payload, true);
        }

        /** As {@link #send(String, String, byte[])}, unsigned and unencrypted at the AS4 layer unless secured. */
        Sent send(String type, String userMessageId, byte[] payload, boolean secured) {
            AtomicReference<Ebms3SignalMessage> signal = new AtomicReference<>();
            PMode pmode = pmode("FR", "GB", "http://localhost:" + exchange.gb.apiPort() + "/as4");
            if (!secured) {
                pmode.getLeg1().setSecurity(new PModeLegSecurity());
            }
            EAS4UserMessageSendResult result = AS4Sender.builderUserMessage()
                    .httpClientFactory(new HttpClientSettings().setConnectTimeout(Timeout.ofSeconds(5))
                            .setResponseTimeout(Timeout.ofSeconds(20)).setRetryCount(0))
                    .httpRetrySettings(new HttpRetrySettings().setMaxRetries(0))
                    .as4ProfileID(PROFILE)
                    .cryptoFactorySign(receiptSigner)
                    .cryptoFactoryCrypt(crypto)
                    .pmode(pmode)
                    .fromPartyIDType(PARTY_ID_TYPE).fromPartyID("FR").fromRole(CAS4.DEFAULT_INITIATOR_URL)
                    .toPartyIDType(PARTY_ID_TYPE).toPartyID("GB").toRole(CAS4.DEFAULT_RESPONDER_URL)
                    .service("urn:passerelle:exchange:v1").action(type).agreementRef(AGREEMENT)
                    .messageID(userMessageId)
                    .endpointURL("http://localhost:" + exchange.gb.apiPort() + "/as4")
                    .receiverCertificate(secured ? certificate(pki.gatewayRsa("GB").certificatePem()) : null)
                    .payload(AS4OutgoingAttachment.builder().data(payload)
                            .mimeType(EMimeContentType.APPLICATION.buildMimeType("pkcs7-mime")
                                    .addParameter("smime-type", "enveloped-data")))
                    .signalMsgConsumer((s, metadata, state) -> signal.set(s))
                    .sendMessageAndCheckForReceipt();
            return new Sent(result, signal.get());
        }

        @Override
        public AS4MessageProcessorResult processAS4UserMessage(IAS4IncomingMessageMetadata metadata, HttpHeaderMap headers,
                                                               Ebms3UserMessage userMessage, IPMode pmode,
                                                               org.w3c.dom.Node payload,
                                                               ICommonsList<WSS4JAttachment> attachments,
                                                               IAS4IncomingMessageState state,
                                                               ICommonsList<Ebms3Error> errors) {
            try (InputStream in = attachments.get(0).getSourceStream()) {
                received.put(userMessage.getMessageInfo().getMessageId(), new Received(
                        userMessage.getCollaborationInfo().getAction(), in.readAllBytes()));
            } catch (IOException e) {
                return AS4MessageProcessorResult.createFailure();
            }
            return AS4MessageProcessorResult.createSuccess();
        }

        @Override
        public AS4SignalMessageProcessorResult processAS4SignalMessage(IAS4IncomingMessageMetadata metadata,
                                                                       HttpHeaderMap headers, Ebms3SignalMessage signal,
                                                                       IPMode pmode, IAS4IncomingMessageState state,
                                                                       ICommonsList<Ebms3Error> errors) {
            return AS4SignalMessageProcessorResult.createSuccess();
        }

        @Override
        public void processAS4ResponseMessage(IAS4IncomingMessageMetadata metadata, IAS4IncomingMessageState state,
                                              String responseMessageId, byte[] responseBytes, boolean available) {
        }

        /** The party's RSA AS4 key, and GB's RSA AS4 certificate as the one trusted. */
        private static IAS4CryptoFactory crypto(String party) {
            try {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(pki.gatewayRsa(party).pkcs12())) {
                    keys.load(in, DevPki.PASSWORD.toCharArray());
                }
                String alias = Collections.list(keys.aliases()).stream().filter(a -> {
                    try {
                        return keys.isKeyEntry(a);
                    } catch (Exception e) {
                        return false;
                    }
                }).findFirst().orElseThrow();
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("gb", certificate(pki.gatewayRsa("GB").certificatePem()));
                return new AS4CryptoFactoryInMemoryKeyStore(keys, alias, DevPki.PASSWORD.toCharArray(), trust);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final String PARTY_ID_TYPE = "urn:oasis:names:tc:ebcore:partyid-type:unregistered";
    static final String AGREEMENT = "urn:as4:agreement";
    static final String PROFILE = "fr-access-point";

    /** The eDelivery AS4 profile's one-way push leg, as phase4's CEF profile sets it up. */
    static PMode pmode(String initiator, String responder, String address) {
        PModeLegSecurity security = new PModeLegSecurity();
        security.setWSSVersion(EWSSVersion.WSS_111);
        security.setX509SignatureAlgorithm(ECryptoAlgorithmSign.RSA_SHA_256);
        security.setX509SignatureHashFunction(ECryptoAlgorithmSignDigest.DIGEST_SHA_256);
        security.setX509EncryptionAlgorithm(ECryptoAlgorithmCrypt.AES_128_GCM);
        security.setX509EncryptionMinimumStrength(128);
        security.setPModeAuthorize(false);
        security.setSendReceipt(true);
        security.setSendReceiptNonRepudiation(true);
        security.setSendReceiptReplyPattern(EPModeSendReceiptReplyPattern.RESPONSE);
        PModeLeg leg = new PModeLeg(PModeLegProtocol.createForDefaultSoapVersion(address),
                PModeLegBusinessInformation.create("urn:passerelle:exchange:v1", CAS4.DEFAULT_ACTION_URL, null,
                        CAS4.DEFAULT_MPC_ID),
                new PModeLegErrorHandling(null, null, ETriState.TRUE, ETriState.TRUE, ETriState.TRUE, ETriState.TRUE),
                null, security);
        return new PMode("fr-ap-" + initiator + "-" + responder,
                new PModeParty(PARTY_ID_TYPE, initiator, CAS4.DEFAULT_INITIATOR_URL, null, null),
                new PModeParty(PARTY_ID_TYPE, responder, CAS4.DEFAULT_RESPONDER_URL, null, null),
                AGREEMENT, EMEP.ONE_WAY, EMEPBinding.PUSH, leg, null, null,
                new PModeReceptionAwareness(ETriState.TRUE, ETriState.FALSE, 0, 0, ETriState.TRUE));
    }

    /** What phase4 answers, written out once it is done. */
    static final class Answer implements IAS4ResponseAbstraction {

        int status = 200;
        String mimeType;
        final Map<String, String> headers = new HashMap<>();
        byte[] body;

        @Override
        public void setContent(byte[] bytes, Charset charset) {
            body = bytes;
        }

        @Override
        public void setContent(HttpHeaderMap headerMap, com.helger.base.io.iface.IHasInputStream content) {
            headerMap.forEachSingleHeader((name, value) -> headers.put(name, value), true);
            try (InputStream in = content.getInputStream(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
                in.transferTo(out);
                body = out.toByteArray();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void setMimeType(com.helger.mime.IMimeType type) {
            mimeType = type.getAsString();
        }

        @Override
        public void setStatus(int statusCode) {
            status = statusCode;
        }
    }
}
