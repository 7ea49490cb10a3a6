package org.passerelle.gateway.exchange.mail;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;

/**
 * S/MIME mails as partners exchange them (RFC 8551 media types): one {@code application/pkcs7-mime} entity per mail,
 * base64, named {@code smime.p7m}. A message travels as {@code smime-type=enveloped-data} (the native wire's CMS,
 * signed then encrypted); a receipt or a fault as {@code smime-type=signed-data} (signed, as the native exchange
 * answers). Headers carry ids only: the subject and {@code X-Passerelle-Message-Id} name the message, nothing else.
 */
public final class SmimeMail {

    /** What a mail carries, by its S/MIME type. */
    public enum Kind {
        /** A message: CMS enveloped-data around the sender's signed envelope. */
        MESSAGE("enveloped-data"),
        /** An answer (receipt or fault): CMS signed-data. */
        ANSWER("signed-data");

        final String smimeType;

        Kind(String smimeType) {
            this.smimeType = smimeType;
        }
    }

    /** The header naming the message a mail carries or answers. */
    public static final String MESSAGE_ID_HEADER = "X-Passerelle-Message-Id";

    private static final Pattern MESSAGE_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String PKCS7 = "application/pkcs7-mime";
    private static final String PKCS7_LEGACY = "application/x-pkcs7-mime";

    private SmimeMail() {
    }

    /** A mail from {@code from} to {@code to} carrying the CMS bytes, about the message {@code messageId}. */
    public static MimeMessage compose(Session session, String from, String to, Kind kind, String messageId, byte[] cms)
            throws MessagingException {
        MimeMessage mail = new IdentifiedMessage(session, messageId, from);
        mail.setFrom(new InternetAddress(from, true));
        mail.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(to, true));
        mail.setSubject((kind == Kind.MESSAGE ? "Passerelle message" : "Passerelle answer")
                + (messageId == null ? "" : " " + messageId), "US-ASCII");
        if (messageId != null) {
            mail.setHeader(MESSAGE_ID_HEADER, messageId);
        }
        mail.setSentDate(new Date());
        String type = PKCS7 + "; smime-type=" + kind.smimeType + "; name=smime.p7m";
        mail.setDataHandler(new DataHandler(new ByteArrayDataSource(cms, type)));
        mail.setHeader("Content-Type", type);
        mail.setHeader("Content-Transfer-Encoding", "base64");
        mail.setDisposition("attachment; filename=smime.p7m");
        mail.saveChanges();
        return mail;
    }

    /** A received mail's S/MIME content. */
    public record Content(Kind kind, byte[] cms) {
    }

    /**
     * The mail's S/MIME entity: its kind and CMS bytes, read up to {@code maxBytes}. Anything else (a plain or
     * multipart mail, a clear-signed one, another S/MIME type) is {@code UNSUPPORTED_MEDIA_TYPE}; a larger entity is
     * {@code BODY_TOO_LARGE}.
     */
    public static Content read(MimeMessage mail, long maxBytes) throws MessagingException, IOException {
        ContentType type;
        try {
            type = new ContentType(mail.getContentType());
        } catch (jakarta.mail.internet.ParseException e) {
            throw unsupported();
        }
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        if (!PKCS7.equals(base) && !PKCS7_LEGACY.equals(base)) {
            throw unsupported();
        }
        String smimeType = Optional.ofNullable(type.getParameter("smime-type")).orElse("").toLowerCase(Locale.ROOT);
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.smimeType.equals(smimeType)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw unsupported();
        }
        try (InputStream in = mail.getInputStream()) {
            byte[] cms = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (cms.length > maxBytes) {
                throw new GatewayException(GatewayErrorCode.BODY_TOO_LARGE, "The mail's content is larger than this node takes");
            }
            return new Content(kind, cms);
        }
    }

    /** The message id a mail names in its header, if it is one; nothing else from the header is used. */
    public static Optional<String> messageId(MimeMessage mail) throws MessagingException {
        String[] values = mail.getHeader(MESSAGE_ID_HEADER);
        if (values == null || values.length != 1) {
            return Optional.empty();
        }
        String id = values[0].trim().toLowerCase(Locale.ROOT);
        return MESSAGE_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** The mail's single sender address, lower case; empty when it has none or several. */
    public static Optional<String> sender(MimeMessage mail) throws MessagingException {
        var from = mail.getFrom();
        if (from == null || from.length != 1 || !(from[0] instanceof InternetAddress address)) {
            return Optional.empty();
        }
        return Optional.ofNullable(address.getAddress()).map(a -> a.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether reading a mail failed because the connection to the mailbox was lost (the mail is then read again at the
     * next poll), rather than because of what the mail holds.
     */
    public static boolean connectionLost(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof jakarta.mail.FolderClosedException || t instanceof jakarta.mail.StoreClosedException
                    || t instanceof jakarta.mail.MessageRemovedException || t instanceof java.net.SocketException
                    || t instanceof java.net.SocketTimeoutException || t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private static GatewayException unsupported() {
        return new GatewayException(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "Partners' mail must be one S/MIME entity: application/pkcs7-mime, enveloped-data or signed-data");
    }

    /** A mail whose Message-ID names the message and a fresh token (a resend is another mail, the same message). */
    private static final class IdentifiedMessage extends MimeMessage {

        private final String messageId;
        private final String domain;

        IdentifiedMessage(Session session, String messageId, String from) {
            super(session);
            this.messageId = messageId == null ? "answer" : messageId;
            this.domain = from.substring(from.indexOf('@') + 1);
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + messageId + "." + UUID.randomUUID() + "@" + domain + ">");
        }
    }
}
