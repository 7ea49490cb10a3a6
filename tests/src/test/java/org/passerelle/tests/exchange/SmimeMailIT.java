package org.passerelle.tests.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.ByteArrayDataSource;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.StatusChange;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.pki.DevPki;
import org.passerelle.tests.conformance.ConformanceKit;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * GB and FR exchanging as DubliNet-style S/MIME mail ({@code transport: smime-mail}) through a real mail server that
 * the test starts (GreenMail: SMTPS, IMAPS for GB's mailbox, POP3S for FR's, its certificate from a PKI of its own that
 * the nodes are told to trust); GB submits its mail with STARTTLS, to a relay (SubEthaSMTP) in front of it. Every business type travels both ways with a receipt mail; a mailbox holding foreign,
 * unsigned, tampered and forged mail has each refused with its code, audited and deleted; a resent mail is answered
 * with the same receipt and taken once; a mail server down for a while, and a partner that does not answer, delay
 * messages without losing them.
 */
class SmimeMailIT {

    static final String GB_MAILBOX = "gb@passerelle.test";
    static final String FR_MAILBOX = "fr@passerelle.test";
    static final String PASSWORD = "mailbox-secret";

    @TempDir
    static Path dir;
    static Exchange exchange;
    static GreenMail mailServer;
    static ServerSetup[] setups;
    static DevPki mailPki;
    static SMTPServer startTlsRelay;

    @BeforeAll
    static void start() throws Exception {
        // The mail server's TLS certificate, from a PKI of its own (its "GB" gateway certificate names localhost).
        mailPki = DevPki.generate(dir.resolve("mail-pki"), List.of("GB"));
        System.setProperty("greenmail.tls.keystore.file", mailPki.gateway("GB").pkcs12().toString());
        System.setProperty("greenmail.tls.keystore.password", DevPki.PASSWORD);
        System.setProperty("greenmail.tls.key.password", DevPki.PASSWORD);
        setups = new ServerSetup[] {
                new ServerSetup(Exchange.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTPS),
                new ServerSetup(Exchange.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_IMAPS),
                new ServerSetup(Exchange.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_POP3S)};
        startMailServer();
        startTlsRelay = startTlsRelay(Exchange.freePort());

        Map<String, Object> settings = new LinkedHashMap<>();
        // The transport is under test, not the data-sharing policy nor casework (as in EveryMessageTypeIT).
        settings.put("GB:passerelle.data-sharing.FR.inbound.forbidden", "");
        settings.put("FR:passerelle.data-sharing.GB.outbound.forbidden", "");
        settings.put("passerelle.admission.enforce-transitions", "false");
        settings.put("passerelle.mail.trust-anchors[0]", mailPki.rootCa("GB").certificatePem().toString());
        settings.put("passerelle.mail.smtp.host", "localhost");
        settings.put("passerelle.mail.smtp.port", setups[0].getPort());
        settings.put("passerelle.mail.smtp.security", "tls");
        settings.put("passerelle.mail.store.host", "localhost");
        settings.put("passerelle.mail.store.password", PASSWORD);
        settings.put("passerelle.mail.smtp.password", PASSWORD);
        settings.put("passerelle.mail.poll-interval", "200ms");
        // Long enough for the whole burst of the every-type test to be answered; a silent partner is mailed again after it.
        settings.put("passerelle.mail.receipt-timeout", "10s");
        settings.put("passerelle.mail.timeout", "5s");
        mailbox(settings, "GB", GB_MAILBOX, "imap", setups[1].getPort(), "FR", FR_MAILBOX);
        // GB submits its mail with STARTTLS (required), through a relay in front of the mail server; FR over SMTPS.
        settings.put("GB:passerelle.mail.smtp.port", startTlsRelay.getPort());
        settings.put("GB:passerelle.mail.smtp.security", "starttls");
        mailbox(settings, "FR", FR_MAILBOX, "pop3", setups[2].getPort(), "GB", GB_MAILBOX);
        exchange = Exchange.start(dir, settings);
    }

    private static void mailbox(Map<String, Object> settings, String party, String address, String protocol, int port,
                                String partner, String partnerAddress) {
        settings.put(party + ":passerelle.mail.address", address);
        settings.put(party + ":passerelle.mail.smtp.username", address);
        settings.put(party + ":passerelle.mail.store.protocol", protocol);
        settings.put(party + ":passerelle.mail.store.port", port);
        settings.put(party + ":passerelle.mail.store.username", address);
        settings.put(party + ":passerelle.partners." + partner + ".transport", "smime-mail");
        settings.put(party + ":passerelle.partners." + partner + ".mail.address", partnerAddress);
    }

    /**
     * A submission server that only takes mail after STARTTLS (its certificate from the mail server's PKI) and hands
     * each mail on to the mail server over SMTPS; while the mail server is down it refuses the mail (451), as a real
     * relay would.
     */
    static SMTPServer startTlsRelay(int port) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(mailPki.gateway("GB").pkcs12())) {
            keys.load(in, DevPki.PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, DevPki.PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        SMTPServer relay = SMTPServer.port(port).hostName("localhost").enableTLS().requireTLS()
                .startTlsSocketFactory(tls)
                .messageHandler((context, from, to, data) -> {
                    try {
                        MimeMessage mail = new MimeMessage(testSession(), new java.io.ByteArrayInputStream(data));
                        jakarta.mail.Transport.send(mail, new jakarta.mail.Address[] {new InternetAddress(to)});
                    } catch (Exception e) {
                        throw new RejectException(451, "the mail server is not reachable");
                    }
                })
                .build();
        relay.start();
        return relay;
    }

    static void startMailServer() {
        mailServer = new GreenMail(setups);
        mailServer.setUser(GB_MAILBOX, GB_MAILBOX, PASSWORD);
        mailServer.setUser(FR_MAILBOX, FR_MAILBOX, PASSWORD);
        mailServer.start();
    }

    @AfterAll
    static void stop() {
        if (exchange != null) {
            exchange.close();
        }
        mailServer.stop();
        startTlsRelay.stop();
    }

    @Test
    void everyBusinessTypeTravelsByMailBothWaysAndIsReceipted() {
        // given a message of every business type each way, submitted by the back-ends
        List<String[]> sent = new ArrayList<>();
        for (String type : ConformanceKit.TYPES) {
            for (String[] way : List.of(new String[] {"GB", "FR"}, new String[] {"FR", "GB"})) {
                byte[] xml = Envelopes.sample(type, way[0], way[1]);
                HttpResponse<String> accepted = exchange.node(way[0]).submit(xml);
                assertThat(accepted.statusCode()).as(type + " " + accepted.body()).isEqualTo(202);
                sent.add(new String[] {Envelopes.header(xml, "MessageId"), way[0], way[1], type});
            }
        }

        // then each is proven delivered by the partner's signed receipt mail, and handed to its back-end
        for (String[] m : sent) {
            Node sender = exchange.node(m[1]);
            Node receiver = exchange.node(m[2]);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    sender.bean(MessageStore.class).find(m[0]).orElseThrow().status()).as(m[3] + " " + m[1] + " → " + m[2])
                    .isEqualTo(MessageStatus.RECEIPT_VERIFIED));
            assertThat(sender.bean(MessageStore.class).outboundReceipt(m[0])).isPresent();
            assertThat(sender.bean(AuditTrail.class).forMessage(m[0])).extracting(AuditEvent::action)
                    .containsSubsequence("MESSAGE_ACCEPTED", "MESSAGE_SENT", "RECEIPT_VERIFIED");
            assertThat(sender.bean(AuditTrail.class).forMessage(m[0])).filteredOn(e -> e.action().equals("MESSAGE_SENT"))
                    .first().satisfies(e -> assertThat(e.detail()).contains("by mail"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    receiver.bean(MessageStore.class).find(m[0]).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED));
            assertThat(receiver.bean(AuditTrail.class).forMessage(m[0])).extracting(AuditEvent::action)
                    .containsSubsequence("MESSAGE_RECEIVED", "RECEIPT_ISSUED", "DELIVERED");
        }
    }

    @Test
    void foreignUnsignedTamperedAndForgedMailIsRefusedWithItsCodeAuditedAndDeleted() throws Exception {
        KeyMaterial fr = exchange.pki.gateway("FR").load();
        KeyMaterial be = exchange.pki.gateway("BE").load();
        var gbCertificate = exchange.pki.gateway("GB").load().certificate();
        byte[] sealedByFr = new CmsEncryptor().encrypt(new CmsSigner(fr).sign(
                Envelopes.sample("CaseStatusUpdate", "FR", "GB")), gbCertificate);
        byte[] tampered = sealedByFr.clone();
        tampered[tampered.length / 2] ^= 0x5a;
        byte[] signedByBe = new CmsEncryptor().encrypt(new CmsSigner(be).sign(
                Envelopes.sample("CaseStatusUpdate", "FR", "GB")), gbCertificate);
        long mark = exchange.gb.bean(AuditTrail.class).latest(1).get(0).seq();

        deliverToGb("stranger@elsewhere.test", smime("enveloped-data", sealedByFr));
        deliverToGb(FR_MAILBOX, plain("hello, no S/MIME here"));
        deliverToGb(FR_MAILBOX, smime("enveloped-data", tampered));
        deliverToGb(FR_MAILBOX, smime("enveloped-data", signedByBe));
        deliverToGb(FR_MAILBOX, smime("signed-data", new CmsSigner(be).sign(Envelopes.sample("CaseStatusUpdate", "FR", "GB"))));
        deliverToGb(FR_MAILBOX, garbled());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(refusalsSince(mark)).hasSize(6));
        List<AuditEvent> refused = refusalsSince(mark);
        assertThat(refused).extracting(AuditEvent::code).containsExactlyInAnyOrder(
                "UNKNOWN_PARTNER", "UNSUPPORTED_MEDIA_TYPE", "DECRYPTION_FAILED", "PARTY_MISMATCH", "RECEIPT_INVALID",
                "UNSUPPORTED_MEDIA_TYPE");
        assertThat(refused).filteredOn(e -> e.code().equals("RECEIPT_INVALID")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("PARTY_MISMATCH"));
        assertThat(refused).filteredOn(e -> e.code().equals("UNKNOWN_PARTNER")).singleElement()
                .satisfies(e -> assertThat(e.partner()).isNull());
        assertThat(refused).filteredOn(e -> !e.code().equals("UNKNOWN_PARTNER")).extracting(AuditEvent::partner).containsOnly("FR");
        // and every one of them is gone from the mailbox, none taken as a message
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(mailServer.getUserManager().getUser(GB_MAILBOX) == null ? 0 : inboxSize(GB_MAILBOX)).isZero());
    }

    @Test
    void aMessageMailedTwiceIsTakenOnceAndAnsweredWithTheSameReceipt() throws Exception {
        KeyMaterial fr = exchange.pki.gateway("FR").load();
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "FR", "GB");
        String id = Envelopes.header(xml, "MessageId");
        byte[] sealed = new CmsEncryptor().encrypt(new CmsSigner(fr).sign(xml), exchange.pki.gateway("GB").load().certificate());

        deliverToGb(FR_MAILBOX, smime("enveloped-data", sealed));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(exchange.gb.bean(MessageStore.class).inboundReceipt(id)).isPresent());
        byte[] receipt = exchange.gb.bean(MessageStore.class).inboundReceipt(id).orElseThrow().receipt();
        deliverToGb(FR_MAILBOX, smime("enveloped-data", sealed));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                exchange.gb.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::action)
                .containsOnlyOnce("MESSAGE_RECEIVED", "RECEIPT_ISSUED").contains("MESSAGE_RETRANSMITTED"));
        assertThat(exchange.gb.bean(MessageStore.class).inboundReceipt(id).orElseThrow().receipt()).isEqualTo(receipt);
    }

    @Test
    void aMailServerDownForAWhileDelaysMessagesAndLosesNone() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
        String id = Envelopes.header(xml, "MessageId");
        mailServer.stop();
        try {
            assertThat(exchange.gb.submit(xml).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    exchange.gb.bean(MessageStore.class).history(id)).extracting(StatusChange::status).contains(MessageStatus.FAILED));
        } finally {
            startMailServer();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                exchange.gb.bean(MessageStore.class).find(id).orElseThrow().status()).isEqualTo(MessageStatus.RECEIPT_VERIFIED));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                exchange.fr.bean(MessageStore.class).find(id).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED));
    }

    @Test
    void aPartnerThatDoesNotAnswerIsMailedAgainAndTheMessageDeliveredOnce() {
        byte[] xml = Envelopes.sample("CaseStatusUpdate", "GB", "FR");
        String id = Envelopes.header(xml, "MessageId");
        exchange.fr.stop();
        try {
            assertThat(exchange.gb.submit(xml).statusCode()).isEqualTo(202);
            // no receipt within the receipt timeout: mailed again
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    exchange.gb.bean(AuditTrail.class).forMessage(id)).filteredOn(e -> e.action().equals("MESSAGE_SENT")).hasSizeGreaterThanOrEqualTo(2));
        } finally {
            exchange.fr.start();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                exchange.gb.bean(MessageStore.class).find(id).orElseThrow().status()).isEqualTo(MessageStatus.RECEIPT_VERIFIED));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                exchange.fr.bean(AuditTrail.class).forMessage(id)).extracting(AuditEvent::action)
                .containsOnlyOnce("MESSAGE_RECEIVED", "DELIVERED").contains("MESSAGE_RETRANSMITTED"));
    }

    /** GB's refusals audited after the event {@code mark}. */
    private static List<AuditEvent> refusalsSince(long mark) {
        return exchange.gb.bean(AuditTrail.class).latest(5000).stream()
                .filter(e -> e.seq() > mark && e.action().equals("MESSAGE_REFUSED")).toList();
    }

    private static int inboxSize(String mailbox) throws Exception {
        return mailServer.getManagers().getImapHostManager()
                .getInbox(mailServer.getUserManager().getUser(mailbox)).getMessageCount();
    }

    /** Mails GB's mailbox through the mail server, as {@code from}. */
    private static void deliverToGb(String from, MimeMessage mail) throws Exception {
        mail.setFrom(new InternetAddress(from));
        mail.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(GB_MAILBOX));
        mail.saveChanges();
        jakarta.mail.Transport.send(mail);
    }

    /** A session for the test's own mail, over the mail server's SMTPS port. */
    private static Session testSession() {
        return GreenMailUtil.getSession(setups[0]);
    }

    private static MimeMessage smime(String smimeType, byte[] cms) throws Exception {
        MimeMessage mail = new MimeMessage(testSession());
        mail.setSubject("Passerelle message");
        String type = "application/pkcs7-mime; smime-type=" + smimeType + "; name=smime.p7m";
        mail.setDataHandler(new DataHandler(new ByteArrayDataSource(cms, type)));
        mail.setHeader("Content-Type", type);
        mail.setHeader("Content-Transfer-Encoding", "base64");
        return mail;
    }

    /** An S/MIME message whose base64 content is not base64: it must not stay in the mailbox for ever. */
    private static MimeMessage garbled() throws Exception {
        String raw = "Subject: Passerelle message\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nA\r\n";
        return new MimeMessage(testSession(), new java.io.ByteArrayInputStream(raw.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    private static MimeMessage plain(String text) throws Exception {
        MimeMessage mail = new MimeMessage(testSession());
        mail.setSubject("not S/MIME");
        mail.setText(text);
        return mail;
    }
}
