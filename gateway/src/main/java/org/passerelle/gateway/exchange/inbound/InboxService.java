package org.passerelle.gateway.exchange.inbound;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.passerelle.contracts.DecodedMessage;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.EdgeHooks;
import org.passerelle.gateway.exchange.EnvelopeFacts;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.Envelopes;
import org.passerelle.gateway.exchange.ExchangeMetrics;
import org.passerelle.gateway.exchange.Faults;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.messagelog.OutboxTarget;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.gateway.partner.PartnerSuspensions;
import org.passerelle.gateway.partner.Transport;
import org.passerelle.security.CertificateValidator;
import org.passerelle.security.CmsDecryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.CmsVerifier;
import org.passerelle.security.PartyBinding;
import org.passerelle.security.SecurityCheckException;
import org.passerelle.security.VerifiedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The partner inbox: decrypts, verifies signature and signer chain, checks that signer, TLS client and header
 * {@code from} are one party, refuses replays and expired messages, validates against the schema, stores the
 * message with its dispatch work and its signed receipt in one transaction, and only then answers with that
 * receipt. A retransmission of a message already accepted gets the same receipt again.
 */
@Service
public class InboxService {

    private static final Logger log = LoggerFactory.getLogger(InboxService.class);
    private static final AuditChannel CHANNEL = AuditChannel.INBOX;

    private final NodeProperties node;
    private final PartnerRegistry partners;
    private final PartnerSuspensions suspensions;
    private final CertificateValidator validator;
    private final CmsDecryptor decryptor;
    private final CmsVerifier verifier;
    private final CmsSigner signer;
    private final MessageCodec codec;
    private final Envelopes envelopes;
    private final MessageStore store;
    private final BackendRouting routing;
    private final AuditTrail audit;
    private final ExchangeMetrics metrics;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final EdgeHooks hooks;
    private final RateLimiterRegistry rates = RateLimiterRegistry.ofDefaults();

    InboxService(NodeProperties node, PartnerRegistry partners, CertificateValidator validator, CmsDecryptor decryptor,
                 CmsVerifier verifier, CmsSigner signer, MessageCodec codec, MessageStore store, BackendRouting routing,
                 AuditTrail audit, ExchangeMetrics metrics, TransactionTemplate transaction, Clock clock,
                 EdgeHooks hooks, PartnerSuspensions suspensions) {
        this.node = node;
        this.partners = partners;
        this.suspensions = suspensions;
        this.validator = validator;
        this.decryptor = decryptor;
        this.verifier = verifier;
        this.signer = signer;
        this.codec = codec;
        this.envelopes = new Envelopes(codec);
        this.store = store;
        this.routing = routing;
        this.audit = audit;
        this.metrics = metrics;
        this.transaction = transaction;
        this.clock = clock;
        this.hooks = hooks;
    }

    /**
     * The TLS client's party, once its certificate validates against that party's anchors now; the party must be
     * a partner. Called before the body is read.
     */
    public Partner admit(X509Certificate[] tlsChain, long declaredLength) {
        String validated = null;
        try {
            if (tlsChain == null || tlsChain.length == 0) {
                throw new GatewayException(GatewayErrorCode.UNAUTHENTICATED, "A client certificate is required");
            }
            String party = PartyBinding.partyOf(tlsChain[0]);
            Partner partner = partners.require(party);
            validator.validateGateway(tlsChain[0], List.of(tlsChain).subList(1, tlsChain.length), clock.instant(), party);
            validated = party;
            return admitted(partner, declaredLength);
        } catch (RuntimeException e) {
            throw refused(e, validated, null);
        }
    }

    /**
     * The partner whose registered mailbox sent a mail of this size, as {@link #admit} admits a TLS client: a partner
     * on S/MIME mail, not suspended, within its body limit and rate. Who it is stays to be proven by the signature
     * ({@link #receive(Partner, byte[])}): a mail's sender is only claimed. A sender that is no partner's mailbox is
     * {@code UNKNOWN_PARTNER}, audited without a party.
     */
    public Partner admitMail(String sender) {
        Partner partner = null;
        try {
            partner = partners.byMailAddress(sender).filter(p -> p.transport() == Transport.SMIME_MAIL)
                    .orElseThrow(() -> new GatewayException(GatewayErrorCode.UNKNOWN_PARTNER,
                            "The mail's sender is not the mailbox of a partner on S/MIME mail"));
            if (suspensions.suspended(partner.party())) {
                throw new GatewayException(GatewayErrorCode.PARTNER_SUSPENDED,
                        "The exchange with " + partner.party() + " is suspended; its mail waits");
            }
            return partner;
        } catch (RuntimeException e) {
            throw refused(e, partner == null ? null : partner.party(), null);
        }
    }

    /**
     * What to mail back for a message that came by mail: the signed receipt, or this node's signed fault for a
     * refusal. The fault names the message only when its envelope verified as signed by that partner's gateway: an id
     * from anywhere else (a mail header) could make the partner park a message it is waiting for. The partner's rate
     * is charged only once its signature verified, so a forger's mail uses none of it. Throws, refusal audited, for
     * what should leave the mail in the mailbox for a later poll: this node's own failures, a partner over its rate.
     *
     * @param answer   the signed receipt or fault
     * @param accepted whether it is a receipt
     * @param messageId the message it is about, when known from a verified envelope
     */
    public record MailAnswer(byte[] answer, boolean accepted, String messageId) {
    }

    public MailAnswer receiveMail(Partner partner, byte[] cms) {
        String[] verified = new String[1];
        try {
            byte[] receipt = receive(partner, new HandedOverBody(cms), facts -> {
                verified[0] = facts.messageId();
                if (!rateOf(partner).acquirePermission()) {
                    throw new GatewayException(GatewayErrorCode.RATE_LIMITED, "Partner " + partner.party() + " is over its rate");
                }
            });
            return new MailAnswer(receipt, true, verified[0]);
        } catch (GatewayException refusal) {
            if (LATER.contains(refusal.code())) {
                throw refusal;
            }
            return new MailAnswer(signedFault(refusal, partner, verified[0]), false, verified[0]);
        }
    }

    /** This node's signed fault to the partner, for a refusal of its mail before any envelope verified. */
    public byte[] signedFault(GatewayException refusal, Partner partner, String verifiedMessageId) {
        return signer.sign(faultFor(refusal, partner.party(), verifiedMessageId));
    }

    /** Refusals that leave a mail for a later poll rather than answering it. */
    public static final java.util.Set<GatewayErrorCode> LATER = java.util.Set.of(GatewayErrorCode.INTERNAL_ERROR,
            GatewayErrorCode.NODE_BUSY, GatewayErrorCode.NODE_NOT_READY, GatewayErrorCode.RATE_LIMITED,
            GatewayErrorCode.PARTNER_SUSPENDED);

    private RateLimiter rateOf(Partner partner) {
        return rates.rateLimiter(partner.party(), () -> RateLimiterConfig.custom()
                .limitForPeriod(partner.ratePerMinute()).limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(Duration.ZERO).build());
    }

    /** Suspension, size and rate, for a partner whose identity is established or claimed. */
    private Partner admitted(Partner partner, long declaredLength) {
        String party = partner.party();
        if (suspensions.suspended(party)) {
            throw new GatewayException(GatewayErrorCode.PARTNER_SUSPENDED,
                    "The exchange with " + party + " is suspended; send again later");
        }
        if (declaredLength > partner.maxBodyBytes() || declaredLength > node.maxBodySize().toBytes()) {
            throw new GatewayException(GatewayErrorCode.BODY_TOO_LARGE, "The body is larger than this node takes");
        }
        if (!rateOf(partner).acquirePermission()) {
            throw new GatewayException(GatewayErrorCode.RATE_LIMITED, "Partner " + party + " is over its rate");
        }
        return partner;
    }

    /**
     * Records a refusal of a mail before any message was read from it (not one S/MIME entity, too large), of the
     * partner whose mailbox sent it; returns it for the fault.
     */
    public GatewayException refusedMail(GatewayException refusal, Partner partner) {
        return refused(refusal, partner.party(), null);
    }


    /**
     * Records a TLS client refused at the partner port's handshake (not a gateway of a partner, untrusted, revoked,
     * expired): nothing was read from it, and it saw only the TLS alert, so the audit log is where its code is kept.
     */
    public void refusedAtHandshake(String partyOrNull, SecurityCheckException reason) {
        GatewayException refusal = Faults.from(reason);
        // The certificate was refused, so the party it names is only claimed: the entry is not put on that partner.
        audit.refused(AuditTrail.Entry.of("unverified TLS client",
                CHANNEL, AuditAction.HANDSHAKE_REFUSED, AuditOutcome.REFUSED)
                .code(refusal.code(), "claims " + (partyOrNull == null ? "no party" : partyOrNull) + ": " + reason.details()));
        metrics.refused("unknown", Direction.INBOUND, refusal.code().name());
        log.info("Refused a TLS client of {} at the handshake: {}", partyOrNull, refusal.code());
    }

    /**
     * Records a refusal of an admitted partner's request at the HTTP level of the partner port (path, method, media
     * type, length), before any message was read; returns it for the fault.
     */
    public GatewayException refusedAtPort(GatewayException refusal, Partner partner) {
        return refused(refusal, partner.party(), null);
    }

    /**
     * Records the refusal of an AS4 user message before its inner envelope was read (its AS4 signer, parties or
     * payload part were wrong); returns it for the ebMS error.
     */
    public GatewayException refusedAs4(GatewayException refusal, String partyOrNull) {
        return refused(refusal, partyOrNull, null);
    }

    /** The largest body to read from this partner; the reader stops and refuses past it. */
    public long maxBody(Partner partner) {
        return Math.min(partner.maxBodyBytes(), node.maxBodySize().toBytes());
    }

    /**
     * Processes a whole CMS body from an admitted partner and returns the signed receipt to answer with. The body is
     * taken from its holder and dropped once decrypted, and the verified content is read without a copy: of a large
     * body, only the document itself stays on the heap while it is read.
     */
    byte[] receive(Partner partner, HandedOverBody cms) {
        return receive(partner, cms, facts -> { });
    }

    /** As above; {@code onVerified} is told the envelope's facts once its signature verified as the partner's. */
    private byte[] receive(Partner partner, HandedOverBody cms, java.util.function.Consumer<EnvelopeFacts> onVerified) {
        EnvelopeFacts facts = null;
        try {
            VerifiedMessage verified = verifier.verify(decryptor.decrypt(cms.take()), partner.party());
            DecodedMessage decoded = codec.decodeHandedOver(verified.content());
            facts = EnvelopeFacts.of(decoded);
            MDC.put("messageId", facts.messageId());
            onVerified.accept(facts);
            check(partner, verified, facts);
            MessageContext context = new MessageContext(Direction.INBOUND, facts, decoded.envelope(), partner.party());

            Optional<MessageStore.IssuedReceipt> earlier = store.inboundReceipt(facts.messageId());
            if (earlier.isPresent()) {
                return retransmission(partner, facts, earlier.get());
            }
            hooks.check(context);
            byte[] receipt = signer.sign(envelopes.receipt(facts, clock.instant()));
            EnvelopeFacts f = facts;
            try {
                boolean stored = Boolean.TRUE.equals(transaction.execute(tx -> {
                    boolean accepted = store.accept(f.toNewMessage(Direction.INBOUND), decoded.bytes(),
                            List.of(MessageStatus.RECEIVED, MessageStatus.VALIDATED),
                            routing.endpointsFor(f.messageType(), partner.party()).stream()
                                    .map(url -> new OutboxTarget(OutboxKind.DISPATCH, url)).toList());
                    if (accepted) {
                        store.saveInboundReceipt(f.messageId(), f.sha256(), receipt);
                        hooks.accepted(context);
                        audit.record(AuditTrail.Entry.of(partner.party(),
                                CHANNEL, AuditAction.MESSAGE_RECEIVED, AuditOutcome.OK)
                                .partner(partner.party()).message(f.messageId(), f.messageType(), f.sha256()));
                        audit.record(AuditTrail.Entry.of("node", CHANNEL, AuditAction.RECEIPT_ISSUED, AuditOutcome.OK)
                                .partner(partner.party()).message(f.messageId(), f.messageType(), f.sha256()));
                    }
                    return accepted;
                }));
                if (!stored) {
                    return retransmission(partner, facts, store.inboundReceipt(facts.messageId()).orElseThrow(
                            () -> new GatewayException(GatewayErrorCode.REPLAYED_MESSAGE,
                                    "Message id already used by another message")));
                }
            } catch (DuplicateKeyException race) {
                // The same message arrived twice at once: the other request stored it; answer as for a retransmission.
                return retransmission(partner, facts, store.inboundReceipt(facts.messageId()).orElseThrow());
            }
            metrics.accepted(facts.messageType(), Direction.INBOUND);
            log.info("Received message {} ({} from {})", facts.messageId(), facts.messageType(), partner.party());
            return receipt;
        } catch (RuntimeException e) {
            throw refused(e, partner.party(), facts);
        } finally {
            MDC.remove("messageId");
        }
    }

    /** A fault envelope for a refusal, signed by this node, addressed to the partner (or to no one known: "ZZ"). */
    public byte[] faultFor(GatewayException refusal, String partyOrNull, String messageId) {
        byte[] xml = envelopes.fault(node.party(), partyOrNull == null ? "ZZ" : partyOrNull, messageId, refusal.code().name(),
                refusal.getMessage(), refusal.details(), clock.instant());
        return xml;
    }

    private void check(Partner partner, VerifiedMessage verified, EnvelopeFacts facts) {
        String signerParty = verified.sender().party();
        if (!partner.party().equals(signerParty) || !partner.party().equals(facts.from())) {
            throw new GatewayException(GatewayErrorCode.SENDER_MISMATCH,
                    "TLS client, signer and header 'from' must be one party");
        }
        if (!node.party().equals(facts.to())) {
            throw new GatewayException(GatewayErrorCode.WRONG_NODE, "The message is not addressed to " + node.party());
        }
        if ("Receipt".equals(facts.messageType())) {
            throw new GatewayException(GatewayErrorCode.MESSAGE_TYPE_NOT_ALLOWED,
                    "Receipts travel as answers, not as messages");
        }
        partners.requireInbound(partner.party(), facts.messageType());
        facts.requireTimely(clock.instant(), node.clockSkew());
    }

    private byte[] retransmission(Partner partner, EnvelopeFacts facts, MessageStore.IssuedReceipt earlier) {
        if (!earlier.payloadSha256().equals(facts.sha256())) {
            throw new GatewayException(GatewayErrorCode.REPLAYED_MESSAGE,
                    "Message id " + facts.messageId() + " was already received with other content");
        }
        audit.record(AuditTrail.Entry.of(partner.party(), CHANNEL, AuditAction.MESSAGE_RETRANSMITTED, AuditOutcome.OK)
                .partner(partner.party()).message(facts.messageId(), facts.messageType(), facts.sha256()));
        log.info("Retransmission of message {} from {}: same receipt again", facts.messageId(), partner.party());
        return earlier.receipt();
    }

    private GatewayException refused(RuntimeException e, String party, EnvelopeFacts facts) {
        GatewayException refusal = Faults.from(e);
        AuditTrail.Entry entry = AuditTrail.Entry.of(party == null ? "unknown" : party,
                CHANNEL, AuditAction.MESSAGE_REFUSED, AuditOutcome.REFUSED)
                .partner(party).code(refusal.code(), refusal.getMessage());
        if (facts != null) {
            entry = entry.message(facts.messageId(), facts.messageType(), facts.sha256());
        }
        audit.refused(entry);
        metrics.refused(facts == null ? "unknown" : facts.messageType(), Direction.INBOUND, refusal.code().name());
        if (refusal.is(GatewayErrorCode.INTERNAL_ERROR)) {
            log.error("Inbox failed on a message from {}", party, e);
        } else {
            log.info("Refused a message from {}: {}", party, refusal.code());
        }
        return refusal;
    }
}
