package org.passerelle.gateway.exchange.inbound;

import com.helger.collection.commons.ICommonsList;
import com.helger.http.header.HttpHeaderMap;
import com.helger.phase4.attachment.WSS4JAttachment;
import com.helger.phase4.ebms3header.Ebms3Error;
import com.helger.phase4.ebms3header.Ebms3PartyId;
import com.helger.phase4.ebms3header.Ebms3PartyInfo;
import com.helger.phase4.ebms3header.Ebms3SignalMessage;
import com.helger.phase4.ebms3header.Ebms3UserMessage;
import com.helger.phase4.incoming.IAS4IncomingMessageMetadata;
import com.helger.phase4.incoming.IAS4IncomingMessageState;
import com.helger.phase4.incoming.spi.AS4MessageProcessorResult;
import com.helger.phase4.incoming.spi.AS4SignalMessageProcessorResult;
import com.helger.phase4.incoming.spi.IAS4IncomingMessageProcessorSPI;
import com.helger.phase4.model.error.EEbmsError;
import com.helger.phase4.model.pmode.IPMode;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.Locale;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.Faults;
import org.passerelle.gateway.exchange.as4.As4Peer;
import org.passerelle.gateway.exchange.as4.As4Runtime;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.security.PartyBinding;
import org.passerelle.security.SecurityCheckException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.w3c.dom.Node;

/**
 * Takes an AS4 user message that phase4 has decrypted and whose signature it has checked against the AS4 partners'
 * registered certificates, and checks it as the partner port checks a request: the AS4 signer is the registered AS4
 * certificate of the partner the message's From party names, that certificate names the same party, the To party is
 * this node, and the one payload part is a CMS that the inbox then opens, verifies (signed by that same partner's
 * gateway), checks and stores. Anything refused becomes an ebMS error (and an audit entry); phase4 answers an accepted
 * message with its signed AS4 receipt.
 */
@Component
class As4Inbox implements IAS4IncomingMessageProcessorSPI {

    private static final Logger log = LoggerFactory.getLogger(As4Inbox.class);
    private static final java.util.regex.Pattern STABLE_CODE = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]+");
    /** ebMS failed authentication, failed decryption, policy noncompliance. */
    private static final java.util.Set<String> SECURITY_ERRORS = java.util.Set.of(
            EEbmsError.EBMS_FAILED_AUTHENTICATION.getErrorCode(), EEbmsError.EBMS_FAILED_DECRYPTION.getErrorCode(),
            EEbmsError.EBMS_POLICY_NONCOMPLIANCE.getErrorCode());

    private final As4Runtime runtime;
    private final InboxService inbox;

    As4Inbox(As4Runtime runtime, InboxService inbox) {
        this.runtime = runtime;
        this.inbox = inbox;
    }

    @Override
    public AS4MessageProcessorResult processAS4UserMessage(IAS4IncomingMessageMetadata metadata, HttpHeaderMap headers,
                                                           Ebms3UserMessage userMessage, IPMode pmode, Node payload,
                                                           ICommonsList<WSS4JAttachment> attachments,
                                                           IAS4IncomingMessageState state,
                                                           ICommonsList<Ebms3Error> errors) {
        String userMessageId = userMessage.getMessageInfo().getMessageId();
        String party = null;
        try {
            As4Peer peer = peerOf(userMessage, state);
            party = peer.party();
            Partner partner = inbox.admit(new X509Certificate[] {state.getSigningCertificate()}, 0);
            byte[] cms;
            try {
                cms = payloadOf(payload, attachments, inbox.maxBody(partner));
            } catch (GatewayException e) {
                throw inbox.refusedAs4(e, party);
            }
            inbox.receive(partner, new HandedOverBody(cms));
            return AS4MessageProcessorResult.createSuccess();
        } catch (GatewayException e) {
            errors.add(error(e, userMessageId));
            return AS4MessageProcessorResult.createFailure();
        } catch (RuntimeException e) {
            GatewayException refusal = party == null ? Faults.from(e) : inbox.refusedAs4(Faults.from(e), party);
            log.warn("Refused AS4 user message from {}: {}", party, refusal.code());
            errors.add(error(refusal, userMessageId));
            return AS4MessageProcessorResult.createFailure();
        }
    }

    /**
     * The AS4 partner named by the From party, provided phase4 checked a signature and decrypted, the signer is that
     * partner's registered AS4 certificate and names that party, and the To party is this node.
     */
    private As4Peer peerOf(Ebms3UserMessage userMessage, IAS4IncomingMessageState state) {
        Ebms3PartyInfo parties = userMessage.getPartyInfo();
        String from = firstPartyId(parties == null || parties.getFrom() == null ? null : parties.getFrom().getPartyId());
        String to = firstPartyId(parties == null || parties.getTo() == null ? null : parties.getTo().getPartyId());
        As4Peer peer = from == null ? null : runtime.peerByPartyId(from).orElse(null);
        if (peer == null) {
            throw inbox.refusedAs4(new GatewayException(GatewayErrorCode.UNKNOWN_PARTNER,
                    "The AS4 From party is not an AS4 partner of this node"), null);
        }
        X509Certificate signer = state.getSigningCertificate();
        if (!state.isSoapSignatureChecked() || !state.isSoapDecrypted() || signer == null) {
            throw inbox.refusedAs4(new GatewayException(GatewayErrorCode.UNAUTHENTICATED,
                    "An AS4 user message must be signed and encrypted"), peer.party());
        }
        String signerParty;
        try {
            signerParty = PartyBinding.partyOf(signer);
        } catch (SecurityCheckException e) {
            signerParty = null;
        }
        if (!signer.equals(peer.certificate()) || !peer.party().equals(signerParty)) {
            throw inbox.refusedAs4(new GatewayException(GatewayErrorCode.SENDER_MISMATCH,
                    "The AS4 signer is not the registered AS4 certificate of the From party"), peer.party());
        }
        if (!peer.settings().ourPartyId().equals(to)) {
            throw inbox.refusedAs4(new GatewayException(GatewayErrorCode.WRONG_NODE,
                    "The AS4 To party is not this node"), peer.party());
        }
        return peer;
    }

    /** The one payload part, a CMS, read up to the limit; no SOAP body payload. */
    private byte[] payloadOf(Node soapBody, ICommonsList<WSS4JAttachment> attachments, long limit) {
        if (soapBody != null || attachments == null || attachments.size() != 1
                || !attachments.get(0).getUncompressedMimeType().toLowerCase(Locale.ROOT).startsWith("application/pkcs7-mime")) {
            throw new GatewayException(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "An AS4 user message carries exactly one application/pkcs7-mime part");
        }
        try (InputStream in = attachments.get(0).getSourceStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw new GatewayException(GatewayErrorCode.BODY_TOO_LARGE, "The payload is larger than this node takes");
            }
            return bytes;
        } catch (IOException e) {
            throw new GatewayException(GatewayErrorCode.UNSUPPORTED_MEDIA_TYPE, "The payload part cannot be read", e);
        }
    }

    private static String firstPartyId(java.util.List<Ebms3PartyId> ids) {
        return ids == null || ids.size() != 1 ? null : ids.get(0).getValue();
    }

    /** An ebMS error carrying the stable code of the refusal, never exception text. */
    private static Ebms3Error error(GatewayException refusal, String userMessageId) {
        EEbmsError kind = switch (refusal.code() instanceof GatewayErrorCode code ? code : GatewayErrorCode.INTERNAL_ERROR) {
            case UNAUTHENTICATED, SENDER_MISMATCH, UNKNOWN_PARTNER -> EEbmsError.EBMS_FAILED_AUTHENTICATION;
            case WRONG_NODE -> EEbmsError.EBMS_VALUE_INCONSISTENT;
            default -> EEbmsError.EBMS_OTHER;
        };
        return kind.errorBuilder(Locale.ROOT).refToMessageInError(userMessageId)
                .errorDetail(refusal.code().name()).build();
    }

    /**
     * Audits a user message that phase4 itself refused before it reached {@link #processAS4UserMessage} (a signature
     * that does not verify or a signer not trusted, no decryption, no P-Mode for its parties and service): its errors
     * carry ebMS codes only. Refusals made here carry a stable code as their detail and are audited already. The
     * From party of such a message is not verified, so the entry is not put on it.
     */
    void refusedByAs4Layer(ICommonsList<Ebms3Error> errors) {
        if (errors.stream().anyMatch(e -> e.getErrorDetail() != null && isOurCode(e.getErrorDetail()))) {
            return;
        }
        boolean security = errors.stream().anyMatch(e -> SECURITY_ERRORS.contains(e.getErrorCode()));
        String codes = String.join(",", errors.stream().map(Ebms3Error::getErrorCode).distinct().toList());
        GatewayException refusal = inbox.refusedAs4(new GatewayException(
                security ? GatewayErrorCode.UNAUTHENTICATED : GatewayErrorCode.REQUEST_INVALID,
                "The AS4 layer refused the user message (" + codes + ")"), null);
        log.info("AS4 user message refused by the AS4 layer: {} ({})", refusal.code(), codes);
    }

    /** Our refusals' detail is a stable error code alone (a gateway or security code); phase4's are sentences. */
    private static boolean isOurCode(String detail) {
        return STABLE_CODE.matcher(detail).matches();
    }

    /** Signals (receipts of our own messages) arrive on the response of our request, not here. */
    @Override
    public AS4SignalMessageProcessorResult processAS4SignalMessage(IAS4IncomingMessageMetadata metadata,
                                                                   HttpHeaderMap headers, Ebms3SignalMessage signal,
                                                                   IPMode pmode, IAS4IncomingMessageState state,
                                                                   ICommonsList<Ebms3Error> errors) {
        return AS4SignalMessageProcessorResult.createFailure();
    }

    @Override
    public void processAS4ResponseMessage(IAS4IncomingMessageMetadata metadata, IAS4IncomingMessageState state,
                                          String responseMessageId, byte[] responseBytes, boolean responsePayloadIsAvailable) {
        // nothing to keep: phase4's receipt is the answer
    }
}
