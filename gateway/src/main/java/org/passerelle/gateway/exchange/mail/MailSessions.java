package org.passerelle.gateway.exchange.mail;

import jakarta.mail.Session;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.passerelle.gateway.node.Certificates;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.gateway.partner.Transport;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The node's Jakarta Mail session for partners on S/MIME mail: every protocol over TLS 1.2 or 1.3 only, the server's
 * certificate validated against the configured anchors and its host name checked, STARTTLS required where it is used,
 * bounded timeouts. A node with a partner on {@code smime-mail} and no mailbox refuses to start.
 */
@Component
@EnableConfigurationProperties(MailProperties.class)
public class MailSessions {

    /** The name the mailbox route's endpoint finds the session's settings by. */
    public static final String SESSION_BEAN = "passerelleMailSettings";

    private static final List<String> PROTOCOLS = List.of("smtp", "smtps", "imap", "imaps", "pop3", "pop3s");

    private final MailProperties properties;
    private final Session session;

    MailSessions(MailProperties properties, PartnerRegistry partners) {
        this.properties = properties;
        List<String> onMail = partners.all().stream().filter(p -> p.transport() == Transport.SMIME_MAIL)
                .map(Partner::party).toList();
        if (!onMail.isEmpty() && !complete(properties)) {
            throw new IllegalStateException("Partners " + onMail + " travel by smime-mail: passerelle.mail.address, "
                    + "passerelle.mail.smtp.host and passerelle.mail.store.host are needed");
        }
        this.session = properties.configured() ? Session.getInstance(settings(properties)) : null;
    }

    /** Whether this node has a mailbox. */
    public boolean configured() {
        return session != null;
    }

    /** The session every mail of this node is sent and read with. */
    public Session session() {
        if (session == null) {
            throw new IllegalStateException("passerelle.mail is not configured");
        }
        return session;
    }

    public MailProperties properties() {
        return properties;
    }

    private static boolean complete(MailProperties p) {
        return p.configured() && p.smtp().host() != null && p.store().host() != null;
    }

    private static Properties settings(MailProperties p) {
        SSLSocketFactory tls = socketFactory(p);
        String millis = String.valueOf(p.timeout().toMillis());
        Properties s = new Properties();
        for (String protocol : PROTOCOLS) {
            String prefix = "mail." + protocol + ".";
            s.put(prefix + "ssl.socketFactory", tls);
            s.put(prefix + "ssl.checkserveridentity", "true");
            s.put(prefix + "ssl.protocols", "TLSv1.3 TLSv1.2");
            s.put(prefix + "connectiontimeout", millis);
            s.put(prefix + "timeout", millis);
            s.put(prefix + "writetimeout", millis);
            if (protocol.endsWith("s")) {
                s.put(prefix + "ssl.enable", "true");
            } else {
                // Without TLS nothing is said: the plain protocols are only used to start TLS, which is required.
                s.put(prefix + "starttls.enable", "true");
                s.put(prefix + "starttls.required", "true");
            }
        }
        s.put("mail.smtp.auth", String.valueOf(p.smtp().username() != null));
        s.put("mail.smtps.auth", String.valueOf(p.smtp().username() != null));
        s.put("mail.from", p.address() == null ? "" : p.address());
        return s;
    }

    private static SSLSocketFactory socketFactory(MailProperties p) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (p.trustAnchors().isEmpty()) {
                trust.init((KeyStore) null);
            } else {
                KeyStore anchors = KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                int i = 0;
                for (var file : p.trustAnchors()) {
                    for (X509Certificate anchor : Certificates.read(file)) {
                        anchors.setCertificateEntry("anchor-" + i++, anchor);
                    }
                }
                trust.init(anchors);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("The mail servers' trust anchors could not be loaded", e);
        }
    }
}
