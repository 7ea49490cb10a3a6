package org.passerelle.gateway.exchange.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.inbound.InboxService;
import org.passerelle.gateway.partner.Partner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One mail from the node's mailbox (the {@code mail-inbox} route's step). Its sender must be the mailbox of a partner
 * on S/MIME mail, and it must be one S/MIME entity. A message (enveloped-data) goes to the inbox, which checks it
 * exactly as the partner port does (decrypted, signed by that partner's gateway, header, replay, schema), stores it and
 * signs a receipt; the receipt, or a signed fault for a refusal, is mailed back to the partner's registered mailbox,
 * never to an address the mail names. A fault names a message only when its envelope verified as the partner's
 * (nothing from the mail's headers, which anyone can write). An answer (signed-data) goes to
 * {@link MailTransport#answer}.
 *
 * <p>Every refusal is audited with its code. A mail from no partner's mailbox gets no answer (nothing is mailed to an
 * address a stranger chose). A mail whose content cannot be read as S/MIME is refused like any other bad input. The
 * mail is deleted once handled; this node's own failures (its database, its mail server), a suspended partner and a
 * partner over its rate throw instead, which leaves the mail in the mailbox for a later poll: a message already taken
 * is then answered with the same receipt, so nothing is lost and nothing counted twice.
 */
@Component
public class MailInbox {

    private static final Logger log = LoggerFactory.getLogger(MailInbox.class);

    private final InboxService inbox;
    private final MailTransport transport;

    MailInbox(InboxService inbox, MailTransport transport) {
        this.inbox = inbox;
        this.transport = transport;
    }

    /** Handles one mail; returns normally when it may be deleted. */
    public void process(MimeMessage mail) throws MessagingException, IOException {
        Partner partner;
        try {
            partner = inbox.admitMail(SmimeMail.sender(mail).orElse(null));
        } catch (GatewayException refused) {
            keepIfLater(refused);
            return; // audited; a stranger is not answered
        }
        SmimeMail.Content content;
        try {
            content = SmimeMail.read(mail, inbox.maxBody(partner));
        } catch (GatewayException refused) {
            transport.mailAnswer(partner, null, inbox.signedFault(inbox.refusedMail(refused, partner), partner, null));
            return;
        } catch (MessagingException | IOException unreadable) {
            if (SmimeMail.connectionLost(unreadable)) {
                throw unreadable; // the mailbox went away while reading: the mail stays for the next poll
            }
            GatewayException refused = new GatewayException(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The mail's content cannot be read as S/MIME");
            transport.mailAnswer(partner, null, inbox.signedFault(inbox.refusedMail(refused, partner), partner, null));
            return;
        }
        if (content.kind() == SmimeMail.Kind.ANSWER) {
            transport.answer(partner, content.cms());
            return;
        }
        InboxService.MailAnswer answer = inbox.receiveMail(partner, content.cms());
        transport.mailAnswer(partner, answer.messageId(), answer.answer());
        log.info("Mailed the {} for message {} to {}", answer.accepted() ? "receipt" : "fault",
                answer.messageId() == null ? "(not verified)" : answer.messageId(), partner.party());
    }

    private static void keepIfLater(GatewayException refusal) {
        if (InboxService.LATER.contains(refusal.code())) {
            throw refusal;
        }
    }
}
