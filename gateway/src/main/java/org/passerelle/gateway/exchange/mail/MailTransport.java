package org.passerelle.gateway.exchange.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.contracts.DecodedMessage;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.Faults;
import org.passerelle.gateway.exchange.Outcome;
import org.passerelle.gateway.exchange.outbound.CircuitCall;
import org.passerelle.gateway.exchange.outbound.PartnerSender;
import org.passerelle.gateway.exchange.outbound.PartnerTransport;
import org.passerelle.gateway.exchange.outbound.ReceiptVerifier;
import org.passerelle.gateway.exchange.outbound.Sealing;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.security.SecurityCheckException;
import org.passerelle.security.SecurityErrorCode;
import org.passerelle.security.VerifiedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * DubliNet-style S/MIME mail ({@code transport: smime-mail}). The message is sealed as for the native exchange (signed
 * by the gateway key, then encrypted to the partner's certificates) and mailed to the partner's mailbox over SMTP with
 * TLS; the attempt then waits ({@link Outcome.Awaiting}) for the partner's signed receipt mail. When one arrives
 * ({@link #answer}), it is checked and held, and the message's entry is made due: the attempt takes it and hands it to
 * the {@code receipts} route, which verifies it as it verifies a native receipt. A signed fault parks the message. No
 * answer within {@code passerelle.mail.receipt-timeout} is a failed attempt: the message is mailed again (the partner
 * answers a resent message with the receipt it gave the first time), and parked once the attempts are spent.
 */
@Component
public class MailTransport implements PartnerTransport {

    private static final Logger log = LoggerFactory.getLogger(MailTransport.class);

    /** Faults that say "not now": not held, so that the message is simply mailed again after the receipt timeout. */
    private static final Set<String> PASSING_FAULTS = Set.of(GatewayErrorCode.NODE_BUSY.name(),
            GatewayErrorCode.NODE_NOT_READY.name(), GatewayErrorCode.RATE_LIMITED.name(),
            GatewayErrorCode.PARTNER_SUSPENDED.name(), GatewayErrorCode.INTERNAL_ERROR.name());

    private static final java.util.regex.Pattern FAULT_CODE = java.util.regex.Pattern.compile("[A-Z_]{1,64}");

    private final MailSessions mail;
    private final Sealing sealing;
    private final MailAnswers answers;
    private final ReceiptVerifier verifier;
    private final MessageCodec codec;
    private final MessageStore store;
    private final AuditTrail audit;
    private final DeliveryProperties delivery;
    private final NodeProperties node;
    private final TransactionTemplate transaction;
    private final Clock clock;

    MailTransport(MailSessions mail, Sealing sealing, MailAnswers answers, ReceiptVerifier verifier, MessageCodec codec,
                  MessageStore store, AuditTrail audit, DeliveryProperties delivery, NodeProperties node,
                  TransactionTemplate transaction, Clock clock) {
        this.mail = mail;
        this.sealing = sealing;
        this.answers = answers;
        this.verifier = verifier;
        this.codec = codec;
        this.store = store;
        this.audit = audit;
        this.delivery = delivery;
        this.node = node;
        this.transaction = transaction;
        this.clock = clock;
    }

    @Override
    public org.passerelle.gateway.partner.Transport transport() {
        return org.passerelle.gateway.partner.Transport.SMIME_MAIL;
    }

    @Override
    public Object held(PartnerSender.Attempt attempt, Partner partner) {
        MessageRecord message = attempt.message();
        return answers.take(message.messageId(), partner.party()).<Object>map(answer -> switch (answer.kind()) {
            case RECEIPT -> new PartnerSender.SignedReceipt(partner, message, answer.signed());
            case FAULT -> new Outcome.Park(GatewayErrorCode.PARTNER_REFUSED.name(),
                    "partner refused it by mail (" + answer.code() + ")");
        }).orElse(null);
    }

    @Override
    public Sent send(PartnerSender.Attempt attempt, Partner partner, List<X509Certificate> recipients, CircuitCall call) {
        MessageRecord message = attempt.message();
        int mailed = attempt.entry().attempts();
        if (mailed >= delivery.maxAttempts()) {
            return new Sent(new Outcome.Park(GatewayErrorCode.RETRIES_EXHAUSTED.name(),
                    "no receipt after " + mailed + " attempts by mail"), false, false);
        }
        byte[] cms = sealing.sealed(message, recipients);
        if (cms == null) {
            return new Sent(new Outcome.Park(GatewayErrorCode.INTERNAL_ERROR.name(), "payload purged before delivery"), false, false);
        }
        MailProperties settings = mail.properties();
        try {
            MimeMessage mime = SmimeMail.compose(mail.session(), settings.address(), partner.mailAddress(),
                    SmimeMail.Kind.MESSAGE, message.messageId(), cms);
            sealing.recordSent(attempt.entry(), message, partner, "by mail");
            call.begin();
            submit(mime);
        } catch (MessagingException e) {
            call.failed(e);
            return new Sent(new Outcome.Retry(GatewayErrorCode.PARTNER_UNAVAILABLE.name(),
                    "mail server: " + e.getClass().getSimpleName()), false, true);
        }
        call.succeeded();
        // An answer that arrived while this attempt held the entry could not make it due: it is taken at once.
        java.time.Instant until = answers.held(message.messageId(), partner.party())
                ? clock.instant() : clock.instant().plus(settings.receiptTimeout());
        return new Sent(new Outcome.Awaiting(until,
                "mailed to " + partner.party() + ", attempt " + (mailed + 1) + "; its receipt awaited"), false, false);
    }

    /**
     * Mails a signed answer (this node's receipt or fault) to the partner, about the message it names (null when the
     * partner's mail named none).
     */
    public void mailAnswer(Partner partner, String messageId, byte[] signed) throws MessagingException {
        submit(SmimeMail.compose(mail.session(), mail.properties().address(), partner.mailAddress(),
                SmimeMail.Kind.ANSWER, messageId, signed));
    }

    /** Hands the mail to the submission server, over TLS, authenticated when an account is set. */
    private void submit(MimeMessage mime) throws MessagingException {
        MailProperties.Server smtp = mail.properties().smtp();
        String protocol = smtp.security() == MailProperties.Security.TLS ? "smtps" : "smtp";
        try (Transport transport = mail.session().getTransport(protocol)) {
            transport.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
            transport.sendMessage(mime, mime.getAllRecipients());
        }
    }

    /**
     * A partner's signed answer, from a mail of that partner: verified (the partner's gateway signed it, from the
     * partner to this node), then held for the message it answers, whose entry is made due at once. A receipt is
     * verified in full (digest, message) when the entry takes it. An answer that does not verify is refused and
     * audited; one about no message awaiting an answer from that partner (a second receipt) is dropped.
     */
    public void answer(Partner partner, byte[] signed) {
        String party = partner.party();
        String messageId = null;
        try {
            VerifiedMessage verified = verifier.verify(signed, party);
            DecodedMessage decoded = codec.decode(verified.content());
            var header = decoded.envelope().getHeader();
            if (!party.equals(header.getFrom()) || !node.party().equals(header.getTo())) {
                throw new GatewayException(GatewayErrorCode.SENDER_MISMATCH, "The answer is not from " + party + " to this node");
            }
            Body body = decoded.envelope().getBody();
            MailAnswers.Kind kind;
            String code = null;
            if (body.getReceipt() != null) {
                kind = MailAnswers.Kind.RECEIPT;
                messageId = body.getReceipt().getReceivedMessageId();
            } else if (body.getFault() != null && body.getFault().getFaultyMessageId() == null) {
                log.info("Partner {} refused a mail naming no message ({})", party, body.getFault().getCode());
                return;
            } else if (body.getFault() != null) {
                kind = MailAnswers.Kind.FAULT;
                messageId = body.getFault().getFaultyMessageId();
                code = body.getFault().getCode();
                if (code == null || !FAULT_CODE.matcher(code).matches()) {
                    throw new GatewayException(GatewayErrorCode.RECEIPT_INVALID, "A fault's code must be a stable code");
                }
                if (PASSING_FAULTS.contains(code)) {
                    log.info("Partner {} cannot take message {} now ({}): it is mailed again later", party, messageId, code);
                    return;
                }
            } else {
                throw new GatewayException(GatewayErrorCode.RECEIPT_INVALID, "A signed answer must be a receipt or a fault about a message");
            }
            String id = messageId;
            String faultCode = code;
            boolean held = Boolean.TRUE.equals(transaction.execute(tx -> {
                if (!store.sendPending(id, party) || !answers.hold(id, party, kind, faultCode, signed)) {
                    return false;
                }
                store.answerArrived(id, party);
                return true;
            }));
            if (!held) {
                log.info("Answer from {} about message {}, which awaits none: dropped", party, id);
            }
        } catch (SecurityCheckException | ContractViolationException | GatewayException e) {
            GatewayException refusal = Faults.from(e);
            if (e instanceof SecurityCheckException s && s.code() == SecurityErrorCode.REVOCATION_UNAVAILABLE) {
                throw refusal; // this node cannot check now: the answer stays in the mailbox for a later poll
            }
            audit.refused(AuditTrail.Entry.of(party, AuditChannel.DELIVERY, AuditAction.MESSAGE_REFUSED, AuditOutcome.REFUSED)
                    .partner(party).code(GatewayErrorCode.RECEIPT_INVALID, "answer by mail: " + refusal.code()
                            + (messageId == null ? "" : " about " + messageId)));
            log.info("Refused an answer by mail from {}: {}", party, refusal.code());
        }
    }
}
