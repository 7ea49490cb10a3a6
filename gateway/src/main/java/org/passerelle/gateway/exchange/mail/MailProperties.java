package org.passerelle.gateway.exchange.mail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The node's mailbox, for partners on S/MIME mail ({@code passerelle.mail}); unused (and unset) while no partner is.
 * Mail servers are only ever spoken to over TLS: {@code starttls} (required, never opportunistic) or {@code tls}
 * (implicit), with the server's certificate checked against {@code trustAnchors} and its name against the host.
 *
 * @param address        this node's mailbox: the sender of what it mails, and where partners mail it
 * @param smtp           the submission server that takes this node's mail
 * @param store          the server holding this node's mailbox, polled for partners' mail
 * @param trustAnchors   PEM files of the roots that may certify the mail servers; the JVM's when empty
 * @param receiptTimeout how long a mailed message waits for the partner's receipt before it is mailed again (a
 *                       missing receipt is a failed attempt: after the delivery's attempts it is parked)
 * @param pollInterval   how often the mailbox is read
 * @param timeout        connection and read timeout with the mail servers
 */
@ConfigurationProperties("passerelle.mail")
public record MailProperties(
        String address,
        @DefaultValue Server smtp,
        @DefaultValue Store store,
        @DefaultValue List<Path> trustAnchors,
        @DefaultValue("15m") Duration receiptTimeout,
        @DefaultValue("5s") Duration pollInterval,
        @DefaultValue("30s") Duration timeout) {

    /** Whether this node has a mailbox at all. */
    public boolean configured() {
        return address != null && !address.isBlank();
    }

    /** How a mail server is reached: always TLS. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS, which the server must offer (no fall-back to clear text). */
        STARTTLS,
        /** TLS from the first byte (SMTPS, IMAPS, POP3S). */
        TLS
    }

    /**
     * A submission server.
     *
     * @param host     its host name, which its certificate must name
     * @param port     its port (587 for STARTTLS, 465 for implicit TLS)
     * @param security STARTTLS (the default) or implicit TLS
     * @param username the account, when the server wants one
     * @param password its password
     */
    public record Server(String host, @DefaultValue("587") int port, @DefaultValue("starttls") Security security,
                         String username, String password) {

        @Override
        public String toString() {
            return "Server[" + host + ":" + port + ", " + security + "]"; // never the password
        }
    }

    /**
     * The server holding this node's mailbox.
     *
     * @param protocol {@code imap} (the default) or {@code pop3}
     * @param host     its host name, which its certificate must name
     * @param port     its port (993 for IMAPS, 995 for POP3S; 143 or 110 with STARTTLS)
     * @param security implicit TLS (the default) or STARTTLS
     * @param username the mailbox's account
     * @param password its password
     * @param folder   the folder partners' mail arrives in (IMAP)
     */
    public record Store(@DefaultValue("imap") String protocol, String host, @DefaultValue("993") int port,
                        @DefaultValue("tls") Security security, String username, String password,
                        @DefaultValue("INBOX") String folder) {

        @Override
        public String toString() {
            return "Store[" + scheme() + "://" + host + ":" + port + "/" + folder + "]"; // never the password
        }

        /** The Jakarta Mail protocol name: {@code imaps}, {@code imap}, {@code pop3s} or {@code pop3}. */
        public String scheme() {
            return protocol + (security == Security.TLS ? "s" : "");
        }
    }
}
