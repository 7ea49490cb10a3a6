package org.passerelle.gateway.exchange.outbound;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.Outcome;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.Transport;
import org.springframework.stereotype.Component;

/**
 * Passerelle's own exchange: the sealed message posted over mutual TLS 1.3 to the partner's port; the partner answers
 * with its signed receipt (verified in the {@code receipts} route) or a fault.
 */
@Component
class NativeTransport implements PartnerTransport {

    /** The faults with which a partner's node says "not now, nothing taken": retried without counting as a failure. */
    private static final Set<String> BUSY_FAULTS = Set.of(GatewayErrorCode.NODE_BUSY.name(),
            GatewayErrorCode.NODE_NOT_READY.name());

    static final String MEDIA_TYPE = "application/pkcs7-mime; smime-type=enveloped-data";

    private final PartnerClients clients;
    private final Sealing sealing;
    private final DeliveryProperties delivery;

    NativeTransport(PartnerClients clients, Sealing sealing, DeliveryProperties delivery) {
        this.clients = clients;
        this.sealing = sealing;
        this.delivery = delivery;
    }

    @Override
    public Transport transport() {
        return Transport.NATIVE;
    }

    /** Signs, encrypts and posts the message; records the call on the circuit when the partner answered or failed. */
    @Override
    public Sent send(PartnerSender.Attempt attempt, Partner partner, List<X509Certificate> recipients, CircuitCall call) {
        MessageRecord message = attempt.message();
        byte[] cms = sealing.sealed(message, recipients);
        if (cms == null) {
            return new Sent(new Outcome.Park(GatewayErrorCode.INTERNAL_ERROR.name(), "payload purged before delivery"), false, false);
        }

        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(exchangeUri(partner))
                    .timeout(delivery.requestTimeout())
                    .header("Content-Type", MEDIA_TYPE)
                    .header("X-Passerelle-Message-Id", message.messageId())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(cms))
                    .build();
            sealing.recordSent(attempt.entry(), message, partner, null);
            call.begin();
            response = clients.client(partner).send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            call.failed(e);
            return new Sent(new Outcome.Retry(GatewayErrorCode.PARTNER_UNAVAILABLE.name(), e.getClass().getSimpleName()), false, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sent(new Outcome.Retry(GatewayErrorCode.PARTNER_UNAVAILABLE.name(), "interrupted"), false, false);
        }
        int status = response.statusCode();
        Optional<String> later = response.headers().firstValue("X-Passerelle-Fault").filter(BUSY_FAULTS::contains);
        if (status == 503 && later.isPresent()) {
            // Busy or starting, not failing (its memory budget for bodies in flight is full, or its routes are not
            // running yet): retried, not counted against its circuit (the call is neither recorded nor failed, so
            // closing it gives the permission back).
            return new Sent(new Outcome.Retry(GatewayErrorCode.PARTNER_UNAVAILABLE.name(),
                    "partner answered 503 (" + later.get() + ")"), false, false);
        }
        if (status >= 500 || status == 429) {
            call.failed(new IOException("HTTP " + status));
            String code = status == 429 ? GatewayErrorCode.RATE_LIMITED.name() : GatewayErrorCode.PARTNER_UNAVAILABLE.name();
            return new Sent(new Outcome.Retry(code, "partner answered " + status + faultOf(response)), false, true);
        }
        call.succeeded();
        if (status != 200) {
            return new Sent(new Outcome.Park(GatewayErrorCode.PARTNER_REFUSED.name(),
                    "partner answered " + status + faultOf(response)), true, false);
        }
        return new Sent(new PartnerSender.SignedReceipt(partner, message, response.body()), true, false);
    }

    private static URI exchangeUri(Partner partner) {
        return partner.baseUrl().resolve("/exchange/v1/messages");
    }

    /** The partner's fault code, when its refusal carries one in the header the inbox sets. */
    private static String faultOf(HttpResponse<byte[]> response) {
        return response.headers().firstValue("X-Passerelle-Fault").map(code -> " (" + code + ")").orElse("");
    }
}
