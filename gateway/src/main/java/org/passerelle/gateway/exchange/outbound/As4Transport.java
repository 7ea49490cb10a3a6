package org.passerelle.gateway.exchange.outbound;

import com.helger.httpclient.HttpClientSettings;
import com.helger.mime.EMimeContentType;
import com.helger.mime.IMimeType;
import com.helger.phase4.CAS4;
import com.helger.phase4.attachment.AS4OutgoingAttachment;
import com.helger.phase4.ebms3header.Ebms3Error;
import com.helger.phase4.ebms3header.Ebms3SignalMessage;
import com.helger.phase4.messaging.http.HttpRetrySettings;
import com.helger.phase4.sender.AS4Sender;
import com.helger.phase4.sender.EAS4UserMessageSendResult;
import com.helger.phase4.sender.IAS4SignalMessageValidationResultHandler;
import com.helger.phase4.util.Phase4Exception;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.core5.util.Timeout;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.DeliveryProperties;
import org.passerelle.gateway.exchange.EdgeHooks;
import org.passerelle.gateway.exchange.Outcome;
import org.passerelle.gateway.exchange.as4.As4Peer;
import org.passerelle.gateway.exchange.as4.As4Runtime;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * eDelivery AS4: the sealed message (the same CMS the native exchange carries) as the one payload of an ebMS 3 user
 * message, signed and encrypted by phase4 under the partner's P-Mode and pushed to its access point. The message is
 * delivered only on an AS4 receipt signed by the partner's registered AS4 certificate, about this user message, whose
 * non-repudiation information covers exactly the parts sent; that receipt is kept and starts the legal clocks.
 */
@Component
class As4Transport implements PartnerTransport {

    private static final Logger log = LoggerFactory.getLogger(As4Transport.class);
    /** The payload part's type: the CMS of the native exchange ({@link NativeTransport#MEDIA_TYPE}). */
    static final IMimeType PAYLOAD_TYPE = EMimeContentType.APPLICATION.buildMimeType("pkcs7-mime")
            .addParameter("smime-type", "enveloped-data");

    private final As4Runtime runtime;
    private final Sealing sealing;
    private final DeliveryProperties delivery;
    private final MessageStore store;
    private final EdgeHooks hooks;

    As4Transport(As4Runtime runtime, Sealing sealing, DeliveryProperties delivery, MessageStore store, EdgeHooks hooks) {
        this.runtime = runtime;
        this.sealing = sealing;
        this.delivery = delivery;
        this.store = store;
        this.hooks = hooks;
    }

    @Override
    public Transport transport() {
        return Transport.AS4;
    }

    @Override
    public Sent send(PartnerSender.Attempt attempt, Partner partner, List<X509Certificate> recipients, CircuitCall call) {
        MessageRecord message = attempt.message();
        As4Peer peer = runtime.peer(partner.party()).orElse(null);
        if (peer == null) {
            return new Sent(new Outcome.Park(GatewayErrorCode.INTERNAL_ERROR.name(), "no AS4 P-Mode for the partner"), false, false);
        }
        byte[] cms = sealing.sealed(message, recipients);
        if (cms == null) {
            return new Sent(new Outcome.Park(GatewayErrorCode.INTERNAL_ERROR.name(), "payload purged before delivery"), false, false);
        }
        Answer answer = new Answer();
        AS4Sender.BuilderUserMessage userMessage = userMessage(peer, message, cms, answer);
        sealing.recordSent(attempt.entry(), message, partner, "as4");
        call.begin();
        EAS4UserMessageSendResult result = userMessage.sendMessageAndCheckForReceipt(answer.failure::set);
        return outcome(result, answer, peer, message, call);
    }

    /**
     * The user message under the partner's P-Mode: from us to it, its service and the type's action, the sealed CMS as
     * the one payload part. Its ebMS message id is the same on every attempt, as ebMS reliability wants: a receiver
     * that detects duplicates answers a resend (a Passerelle node with its receipt again; phase4 with an error, which
     * parks the message for an administrator).
     */
    private AS4Sender.BuilderUserMessage userMessage(As4Peer peer, MessageRecord message, byte[] cms, Answer answer) {
        return AS4Sender.builderUserMessage()
                .httpClientFactory(new HttpClientSettings()
                        .setConnectTimeout(Timeout.of(delivery.connectTimeout()))
                        .setResponseTimeout(Timeout.of(delivery.requestTimeout()))
                        .setRetryCount(0))
                .httpRetrySettings(new HttpRetrySettings().setMaxRetries(0)) // the outbox retries, with back-off
                .as4ProfileID(As4Runtime.PROFILE)
                .cryptoFactory(peer.crypto())
                .pmode(peer.outbound())
                .fromPartyIDType(peer.settings().partyIdType()).fromPartyID(peer.settings().ourPartyId())
                .fromRole(CAS4.DEFAULT_INITIATOR_URL)
                .toPartyIDType(peer.settings().partyIdType()).toPartyID(peer.settings().partyId())
                .toRole(CAS4.DEFAULT_RESPONDER_URL)
                .service(peer.settings().serviceType(), peer.settings().service())
                .action(peer.settings().action(message.messageType()))
                .agreementRef(peer.outbound().getAgreement())
                .messageID(userMessageId(message))
                .conversationID(message.conversationId() != null ? message.conversationId() : message.messageId())
                .endpointURL(peer.settings().endpoint())
                .receiverCertificate(peer.certificate())
                .payload(AS4OutgoingAttachment.builder().data(cms).mimeType(PAYLOAD_TYPE))
                .rawResponseConsumer(response -> answer.raw.set(response.getResponseContent()))
                .signalMsgConsumer((signalMessage, metadata, state) -> {
                    answer.signal.set(signalMessage);
                    answer.signer.set(state.isSoapSignatureChecked() ? state.getSigningCertificate() : null);
                })
                .signalMsgValidationResultHdl(answer);
    }

    /** What the send came to, recorded on the partner's circuit: reached or not, and what it answered. */
    private Sent outcome(EAS4UserMessageSendResult result, Answer answer, As4Peer peer, MessageRecord message,
                         CircuitCall call) {
        return switch (result) {
            case TRANSPORT_ERROR, TRANSPORT_ERROR_NO_RETRY -> {
                if (answer.raw.get() != null) {
                    // The access point answered (2xx) but its answer did not verify (a signature by another key, say):
                    // it is reachable, and the message waits for a receipt that does.
                    call.succeeded();
                    yield new Sent(new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(),
                            "the AS4 answer does not verify" + cause(answer.failure.get())), true, false);
                }
                call.failed(answer.failure.get() != null ? answer.failure.get() : new Phase4Exception("AS4 transport error"));
                yield new Sent(new Outcome.Retry(GatewayErrorCode.PARTNER_UNAVAILABLE.name(),
                        "AS4 " + result.getID() + cause(answer.failure.get())), false, true);
            }
            case INVALID_PARAMETERS -> new Sent(new Outcome.Park(GatewayErrorCode.INTERNAL_ERROR.name(),
                    "the AS4 user message could not be built"), false, false);
            case AS4_ERROR_MESSAGE_RECEIVED -> {
                call.succeeded();
                // phase4 and other access points send error signals unsigned: the detail says whether the partner's
                // AS4 certificate signed this one, for the administrator who decides on the replay.
                // Only a signal the partner's AS4 certificate signed parks the message: an unsigned one could come
                // from anyone on the way, so it counts as a failed attempt (parked once the attempts are spent).
                if (peer.certificate().equals(answer.signer.get())) {
                    yield new Sent(new Outcome.Park(GatewayErrorCode.PARTNER_REFUSED.name(),
                            "AS4 error signal " + errors(answer.signal.get())), true, false);
                }
                yield new Sent(new Outcome.Retry(GatewayErrorCode.PARTNER_REFUSED.name(),
                        "AS4 error signal " + errors(answer.signal.get()) + " (not signed by the partner)"), true, false);
            }
            case NO_SIGNAL_MESSAGE_RECEIVED, INVALID_SIGNAL_MESSAGE_RECEIVED -> {
                call.succeeded();
                yield new Sent(new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(), "AS4 " + result.getID()),
                        true, false);
            }
            case SUCCESS -> {
                call.succeeded();
                yield new Sent(receipt(peer, message, userMessageId(message), answer.signal.get(), answer.signer.get(),
                        answer.nonRepudiation.get(), answer.raw.get()), true, false);
            }
        };
    }

    /**
     * Delivered on a receipt about this user message, signed by the partner's registered AS4 certificate, whose
     * non-repudiation information matches what was signed and sent; otherwise retried as an invalid receipt.
     */
    private Outcome receipt(As4Peer peer, MessageRecord message, String userMessageId, Ebms3SignalMessage signal,
                            X509Certificate signer, String nonRepudiationProblem, byte[] bytes) {
        String messageId = message.messageId();
        if (signal == null || signal.getMessageInfo() == null
                || !userMessageId.equals(signal.getMessageInfo().getRefToMessageId())) {
            return new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(), "the AS4 receipt is not about this message");
        }
        if (signer == null || !signer.equals(peer.certificate())) {
            return new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(),
                    "the AS4 receipt is not signed by the partner's AS4 certificate");
        }
        if (nonRepudiationProblem != null) {
            return new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(), "AS4 receipt: " + nonRepudiationProblem);
        }
        if (bytes == null) {
            return new Outcome.Retry(GatewayErrorCode.RECEIPT_INVALID.name(), "the AS4 receipt was not kept");
        }
        Instant receivedAt = signal.getMessageInfo().getTimestamp() != null
                ? signal.getMessageInfo().getTimestamp().toOffsetDateTime().toInstant() : Instant.now();
        log.info("AS4 receipt for message {} from {}", messageId, peer.party());
        return new Outcome.Delivered(MessageStatus.RECEIPT_VERIFIED, "AS4 receipt from " + peer.party(), () -> {
            store.saveOutboundReceipt(messageId, bytes);
            hooks.receiptVerified(messageId, receivedAt);
        });
    }

    /** The ebMS user message id of a message: its own id, made an RFC 2822 message id as ebMS wants. */
    static String userMessageId(MessageRecord message) {
        return message.messageId() + "@passerelle";
    }

    /** The partner's ebMS error codes and short descriptions, never its free-text details. */
    private static String errors(Ebms3SignalMessage signal) {
        if (signal == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (Ebms3Error error : signal.getError()) {
            text.append(text.isEmpty() ? "" : ", ").append(error.getErrorCode()).append(' ')
                    .append(error.getShortDescription());
            if (error.getDescription() != null && error.getDescription().getValue() != null) {
                text.append(" (").append(shortened(error.getDescription().getValue())).append(')');
            }
        }
        return text.toString();
    }

    private static String shortened(String text) {
        String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "…" : oneLine;
    }

    private static String cause(Phase4Exception e) {
        if (e == null) {
            return "";
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return " (" + root.getClass().getSimpleName() + ")";
    }

    /**
     * What phase4 reports of one send: the signal, who signed it (if phase4 checked a signature), the raw answer, the
     * outcome of matching the receipt's non-repudiation information against the parts sent, and any failure.
     */
    private static final class Answer implements IAS4SignalMessageValidationResultHandler {

        private static final String NO_NON_REPUDIATION = "no non-repudiation information";

        final AtomicReference<Ebms3SignalMessage> signal = new AtomicReference<>();
        final AtomicReference<X509Certificate> signer = new AtomicReference<>();
        final AtomicReference<byte[]> raw = new AtomicReference<>();
        final AtomicReference<String> nonRepudiation = new AtomicReference<>(NO_NON_REPUDIATION);
        final AtomicReference<Phase4Exception> failure = new AtomicReference<>();

        /** Clears only the "none yet" state: a mismatch reported first (the counts differ) is not undone by a match. */
        @Override
        public void onSuccess() {
            nonRepudiation.compareAndSet(NO_NON_REPUDIATION, null);
        }

        @Override
        public void onError(String error) {
            nonRepudiation.set("non-repudiation information does not match the parts sent");
        }

        @Override
        public void onNotApplicable() {
            // stays "no non-repudiation information": the profile's receipts carry it
        }
    }
}
