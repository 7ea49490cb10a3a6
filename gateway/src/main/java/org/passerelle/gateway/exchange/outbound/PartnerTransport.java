package org.passerelle.gateway.exchange.outbound;

import java.security.cert.X509Certificate;
import java.util.List;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.Transport;

/**
 * One way of carrying a message to a partner ({@link Transport}). {@link PartnerSender} has already checked expiry,
 * suspension and the partner's certificates, and holds a permission of the partner's circuit: the transport records
 * the call on it ({@link CircuitCall#succeeded()} once the partner answered, {@link CircuitCall#failed} when it could not
 * be reached) and returns what the attempt came to.
 */
public interface PartnerTransport {

    Transport transport();

    /**
     * Sends the attempt's message to the partner.
     *
     * @param recipients the partner's validated encryption certificates
     */
    Sent send(PartnerSender.Attempt attempt, Partner partner, List<X509Certificate> recipients, CircuitCall call);

    /**
     * The partner's answer to the attempt's message when it came on its own and is held (a receipt mail), to be taken
     * before anything else is done: a {@link PartnerSender.SignedReceipt} to verify, or an outcome; null when none is
     * (always, for a transport whose answer comes with the send).
     */
    default Object held(PartnerSender.Attempt attempt, Partner partner) {
        return null;
    }

    /**
     * What one send came to.
     *
     * @param result      an {@link org.passerelle.gateway.exchange.Outcome}, or a {@link PartnerSender.SignedReceipt}
     *                    for the {@code receipts} route to verify
     * @param answered    the partner answered (its backlog may be brought forward)
     * @param unreachable the partner could not be reached or failed
     */
    record Sent(Object result, boolean answered, boolean unreachable) {
    }
}
