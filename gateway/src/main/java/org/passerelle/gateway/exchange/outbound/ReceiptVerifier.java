package org.passerelle.gateway.exchange.outbound;

import java.time.Clock;
import java.time.Duration;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsVerifier;
import org.passerelle.security.VerifiedMessage;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Verifies a partner's signed receipts as its messages are verified (its gateway, its anchors, revocation), but
 * with the age a receipt may have: a partner answers a retransmission with the receipt it signed when it first
 * accepted the message, possibly days ago, and that receipt is still the proof of delivery. An old receipt cannot
 * be passed off for another message: it names the message id and the digest of the bytes it acknowledges.
 */
@Component
public class ReceiptVerifier {

    /** As long as a message may wait in an outbox for its partner (messages expire sooner). */
    static final Duration RECEIPT_MAX_AGE = CmsVerifier.DEFAULT_MAX_AGE;

    private final CmsVerifier verifier;

    @Autowired
    ReceiptVerifier(CertificateValidator validator, Clock clock, NodeProperties node) {
        this(new CmsVerifier(validator, clock, node.clockSkew(), RECEIPT_MAX_AGE));
    }

    private ReceiptVerifier(CmsVerifier verifier) {
        this.verifier = verifier;
    }

    /** A verifier allowing signing times this far ahead of the clock, as the node's settings would. */
    static ReceiptVerifier of(CertificateValidator validator, Clock clock, Duration clockSkew) {
        return new ReceiptVerifier(new CmsVerifier(validator, clock, clockSkew, RECEIPT_MAX_AGE));
    }

    public VerifiedMessage verify(byte[] signedReceipt, String party) {
        return verifier.verify(signedReceipt, party);
    }
}
