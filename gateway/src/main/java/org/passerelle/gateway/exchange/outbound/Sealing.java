package org.passerelle.gateway.exchange.outbound;

import java.security.cert.X509Certificate;
import java.util.List;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxEntry;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What every transport does to a message before it leaves: signs the exact envelope bytes with the gateway key and
 * encrypts them to the partner's certificates, and records, in one commit before the bytes leave, that the message was
 * signed and sent (its history and the audit trail).
 */
@Component
public class Sealing {

    private final MessageStore store;
    private final CmsSigner signer;
    private final CmsEncryptor encryptor;
    private final AuditTrail audit;
    private final TransactionTemplate transaction;

    Sealing(MessageStore store, CmsSigner signer, CmsEncryptor encryptor, AuditTrail audit, TransactionTemplate transaction) {
        this.store = store;
        this.signer = signer;
        this.encryptor = encryptor;
        this.audit = audit;
        this.transaction = transaction;
    }

    /**
     * The message signed and encrypted for the recipients; null when its payload was purged. Only the result outlives
     * this method: the payload and its signed form are not held while the body is sent.
     */
    public byte[] sealed(MessageRecord message, List<X509Certificate> recipients) {
        byte[] signed = signed(message);
        return signed == null ? null : encryptor.encrypt(signed, recipients);
    }

    /** The message signed; null when its payload was purged. The payload is not held once it is signed. */
    public byte[] signed(MessageRecord message) {
        byte[] xml = store.payload(message.messageId()).orElse(null);
        return xml == null ? null : signer.sign(xml);
    }

    /** Signed and sent, as the message's history and the audit trail say it: one commit before the bytes leave. */
    public void recordSent(OutboxEntry entry, MessageRecord message, Partner partner, String how) {
        String attempt = "attempt " + (entry.attempts() + 1);
        transaction.executeWithoutResult(tx -> {
            store.recordStatus(message.messageId(), MessageStatus.SIGNED, null, attempt);
            store.recordStatus(message.messageId(), MessageStatus.SENT, null, partner.party());
            audit.record(AuditTrail.Entry.of("node", AuditChannel.DELIVERY, AuditAction.MESSAGE_SENT, AuditOutcome.OK)
                    .partner(partner.party())
                    .message(message.messageId(), message.messageType(), message.payloadSha256())
                    .detail(how == null ? attempt : attempt + " " + how));
        });
    }
}
