package org.passerelle.gateway.exchange.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.inbound.InboxService;
import org.passerelle.gateway.exchange.outbound.MailTransport;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.security.CmsSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One mail from the node's mailbox (the {@code mail-inbox} route's step). Its sender must be the mailbox of a partner
 * on S/MIME mail, and it must be one S/MIME entity. A message (enveloped-data) goes to the inbox, which checks it
 * exactly as the partner port does (decrypted, signed by that partner's gateway, header, replay, schema), stores it and
 * signs a receipt; the receipt, or a signed fault for a refusal, is mailed back to the partner's registered mailbox,
 * never to an address the mail names. An answer (signed-data) goes to {@link MailTransport#answer}.
 *
 * <p>Every refusal is audited with its code. A mail from no partner's mailbox gets no answer (nothing is mailed to an
 * address a stranger chose). The mail is deleted once handled; a failure of this node (its database, its mail server)
 * throws, which leaves the mail in the mailbox for the next poll: a message already taken is then answered with the
 * same receipt, so nothing is lost and nothing counted twice.
 */
@Component
public class MailInbox {

    private static final Logger log = LoggerFactory.getLogger(MailInbox.class);

    /** This node's own failures: the mail stays for the next poll rather than being refused. */
    private static final Set<GatewayErrorCode> OWN_FAILURES = Set.of(GatewayErrorCode.INTERNAL_ERROR,
            GatewayErrorCode.NODE_BUSY, GatewayErrorCode.NODE_NOT_READY);

    private final InboxService inbox;
    private final MailTransport transport;
    private final CmsSigner signer;

    MailInbox(InboxService inbox, MailTransport transport, CmsSigner signer) {
        this.inbox = inbox;
        this.transport = transport;
        this.signer = signer;
    }

    /** Handles one mail; returns normally when it may be deleted. */
    public void process(MimeMessage mail) throws MessagingException, IOException {
        Optional<String> named = SmimeMail.messageId(mail);
        Partner partner;
        try {
            partner = inbox.admitMail(SmimeMail.sender(mail).orElse(null), 0);
        } catch (GatewayException refused) {
            keepIfOwnFailure(refused);
            return; // audited; a stranger is not answered
        }
        SmimeMail.Content content;
        try {
            content = SmimeMail.read(mail, inbox.maxBody(partner));
        } catch (GatewayException refused) {
            answerFault(partner, named, inbox.refusedMail(refused, partner));
            return;
        }
        if (content.kind() == SmimeMail.Kind.ANSWER) {
            transport.answer(partner, content.cms());
            return;
        }
        byte[] receipt;
        try {
            receipt = inbox.receive(partner, content.cms());
        } catch (GatewayException refused) {
            keepIfOwnFailure(refused);
            answerFault(partner, named, refused);
            return;
        }
        transport.mailAnswer(partner, named.orElse(null), receipt);
        log.info("Mailed the receipt for message {} to {}", named.orElse("(unnamed)"), partner.party());
    }

    /** Mails the partner a fault for its mail, signed by this node, naming the message the mail named. */
    private void answerFault(Partner partner, Optional<String> named, GatewayException refusal) throws MessagingException {
        byte[] fault = signer.sign(inbox.faultFor(refusal, partner.party(), named.orElse(null)));
        transport.mailAnswer(partner, named.orElse(null), fault);
    }

    private static void keepIfOwnFailure(GatewayException refusal) {
        if (OWN_FAILURES.contains(refusal.code())) {
            throw refusal;
        }
    }
}
