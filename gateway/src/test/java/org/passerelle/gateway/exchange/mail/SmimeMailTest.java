package org.passerelle.gateway.exchange.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.passerelle.gateway.error.GatewayException;

class SmimeMailTest {

    static final Session SESSION = Session.getInstance(new Properties());
    static final String ID = "0b8f6a3e-2c4d-4e5f-8a9b-1c2d3e4f5a6b";

    @Test
    void aMailedMessageIsOneSmimeEntityWhoseHeadersNameOnlyTheMessage() throws Exception {
        byte[] cms = {0x30, (byte) 0x80, 1, 2, 3, 4, 5};

        MimeMessage received = roundTrip(SmimeMail.compose(SESSION, "gb@passerelle.test", "fr@passerelle.test",
                SmimeMail.Kind.MESSAGE, ID, cms));

        assertThat(received.getContentType()).startsWith("application/pkcs7-mime").contains("smime-type=enveloped-data");
        assertThat(received.getSubject()).isEqualTo("Passerelle message " + ID);
        assertThat(received.getHeader("Content-Transfer-Encoding", null)).isEqualTo("base64");
        assertThat(received.getHeader("Message-ID", null)).startsWith("<" + ID + ".").endsWith("@passerelle.test>");
        assertThat(SmimeMail.messageId(received)).hasValue(ID);
        assertThat(SmimeMail.sender(received)).hasValue("gb@passerelle.test");
        SmimeMail.Content content = SmimeMail.read(received, 1024);
        assertThat(content.kind()).isEqualTo(SmimeMail.Kind.MESSAGE);
        assertThat(content.cms()).isEqualTo(cms);
        // every header is an address, an id, a date or the MIME type: nothing of the message's content
        List<String> names = Collections.list(received.getAllHeaders()).stream().map(h -> h.getName()).toList();
        assertThat(names).containsOnly("Date", "From", "To", "Message-ID", "Subject", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding", "Content-Disposition", SmimeMail.MESSAGE_ID_HEADER);
    }

    @Test
    void anAnswerIsSignedDataAndAHeaderThatIsNoMessageIdIsIgnored() throws Exception {
        MimeMessage received = roundTrip(SmimeMail.compose(SESSION, "fr@passerelle.test", "gb@passerelle.test",
                SmimeMail.Kind.ANSWER, null, new byte[] {0x30, 0}));
        received.setHeader(SmimeMail.MESSAGE_ID_HEADER, "<script>");

        assertThat(SmimeMail.read(received, 1024).kind()).isEqualTo(SmimeMail.Kind.ANSWER);
        assertThat(received.getSubject()).isEqualTo("Passerelle answer");
        assertThat(SmimeMail.messageId(received)).isEmpty();
    }

    @Test
    void aPlainOrClearSignedMailIsUnsupportedAndALargeOneTooLarge() throws Exception {
        MimeMessage plain = new MimeMessage(SESSION);
        plain.setText("hello");
        plain.saveChanges();
        MimeMessage large = roundTrip(SmimeMail.compose(SESSION, "gb@passerelle.test", "fr@passerelle.test",
                SmimeMail.Kind.MESSAGE, ID, new byte[2048]));

        assertThatThrownBy(() -> SmimeMail.read(roundTrip(plain), 1024)).isInstanceOf(GatewayException.class)
                .hasFieldOrPropertyWithValue("code", org.passerelle.gateway.error.GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE);
        assertThatThrownBy(() -> SmimeMail.read(large, 1024)).isInstanceOf(GatewayException.class)
                .hasFieldOrPropertyWithValue("code", org.passerelle.gateway.error.GatewayErrorCode.BODY_TOO_LARGE);
    }

    private static MimeMessage roundTrip(MimeMessage mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.writeTo(out);
        return new MimeMessage(SESSION, new ByteArrayInputStream(out.toByteArray()));
    }
}
