package org.passerelle.gateway.exchange.outbound;

import java.time.Instant;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.contracts.DecodedMessage;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.envelope.v1.Receipt;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.EdgeHooks;
import org.passerelle.gateway.exchange.Outcome;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.security.SecurityCheckException;
import org.passerelle.security.VerifiedMessage;
import org.springframework.stereotype.Component;

/**
 * Verifies a partner's signed receipt (the {@code receipts} route's step): signed by the partner's gateway, from the
 * partner, about this message, and over the digest of exactly the bytes sent. Only then is the receipt kept and the
 * message delivered; a receipt that does not verify is retried, one over other bytes parks the message.
 */
@Component
class Receipts {

    private final ReceiptVerifier verifier;
    private final MessageCodec codec;
    private final MessageStore store;
    private final EdgeHooks hooks;

    Receipts(ReceiptVerifier verifier, MessageCodec codec, MessageStore store, EdgeHooks hooks) {
        this.verifier = verifier;
        this.codec = codec;
        this.store = store;
        this.hooks = hooks;
    }

    Outcome verify(PartnerSender.SignedReceipt signed) {
        String party = signed.partner().party();
        var message = signed.message();
        Receipt receipt;
        try {
            VerifiedMessage verified = verifier.verify(signed.bytes(), party);
            DecodedMessage decoded = codec.decode(verified.content());
            var header = decoded.envelope().getHeader();
            receipt = decoded.envelope().getBody().getReceipt();
            if (receipt == null || !party.equals(header.getFrom())
                    || !message.messageId().equals(receipt.getReceivedMessageId())) {
                return new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(), "the receipt is not about this message");
            }
        } catch (SecurityCheckException e) {
            return new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(), "receipt " + e.code());
        } catch (ContractViolationException e) {
            return new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(), "receipt " + e.code());
        }
        if (!message.payloadSha256().equalsIgnoreCase(receipt.getDigest())) {
            return new Outcome.Park(GatewayErrorCode.RECEIPT_DIGEST_MISMATCH.name(),
                    "the partner acknowledged other bytes than those sent");
        }
        Instant receivedAt = receipt.getReceivedAt().toInstant();
        return new Outcome.Delivered(MessageStatus.RECEIPT_VERIFIED, "receipt from " + party, () -> {
            store.saveOutboundReceipt(message.messageId(), signed.bytes());
            hooks.receiptVerified(message.messageId(), receivedAt);
        });
    }
}
