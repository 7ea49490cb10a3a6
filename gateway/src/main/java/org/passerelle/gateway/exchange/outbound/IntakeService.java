package org.passerelle.gateway.exchange.outbound;

import java.time.Clock;
import java.util.List;
import org.passerelle.contracts.ContractViolationException;
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
import org.passerelle.gateway.exchange.ExchangeMetrics;
import org.passerelle.gateway.exchange.Faults;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.messagelog.OutboxTarget;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes an envelope from our own back-end: validates it, checks it may go to its partner, and stores it in the
 * message log and the outbox in one transaction. Every refusal is audited and stores nothing.
 */
@Service
public class IntakeService {

    /** The actor of the messages the node itself writes (see {@link #submitOwn}). */
    public static final String NODE = "node";

    private static final Logger log = LoggerFactory.getLogger(IntakeService.class);
    /** The channel of the back-end API; the queue and drop-folder connectors name their own. */
    public static final AuditChannel API = AuditChannel.API;

    private final MessageCodec codec;
    private final MessageStore store;
    private final PartnerRegistry partners;
    private final AuditTrail audit;
    private final NodeProperties node;
    private final Clock clock;
    private final ExchangeMetrics metrics;
    private final EdgeHooks hooks;
    private final TransactionTemplate transaction;

    IntakeService(MessageCodec codec, MessageStore store, PartnerRegistry partners, AuditTrail audit,
                  NodeProperties node, Clock clock, ExchangeMetrics metrics, EdgeHooks hooks,
                  TransactionTemplate transaction) {
        this.codec = codec;
        this.store = store;
        this.partners = partners;
        this.audit = audit;
        this.node = node;
        this.clock = clock;
        this.metrics = metrics;
        this.hooks = hooks;
        this.transaction = transaction;
    }

    /** Accepts the envelope from the back-end API; see {@link #submit(byte[], String, AuditChannel)}. */
    public String submit(byte[] xml, String actor) {
        return submit(xml, actor, API);
    }

    /**
     * Accepts a message the node itself writes (an equivalence statement, the answer to a partner's, an audit
     * checkpoint to witness), as actor {@value #NODE}: the only way a message is submitted under that name.
     */
    public String submitOwn(byte[] xml) {
        return accept(xml, NODE, API, true);
    }

    /**
     * Accepts the envelope and returns its message id; a resubmission of the same bytes returns the same id. The
     * channel (API, QUEUE, FILE) is the connector it came through, recorded with every audit entry. A caller named
     * {@value #NODE} is refused ({@code FORBIDDEN}): that name is the node's own, and the rules that let only the node
     * send its own messages go by it.
     */
    public String submit(byte[] xml, String actor, AuditChannel channel) {
        return accept(xml, actor, channel, false);
    }

    private String accept(byte[] xml, String actor, AuditChannel channel, boolean own) {
        EnvelopeFacts facts = null;
        try {
            if (!own && actor != null && NODE.equalsIgnoreCase(actor.strip())) {
                throw new GatewayException(GatewayErrorCode.FORBIDDEN, "The name '" + NODE + "' is the node's own: no"
                        + " back-end, user or connector may submit under it");
            }
            DecodedMessage decoded = decode(xml);
            facts = EnvelopeFacts.of(decoded);
            MDC.put("messageId", facts.messageId());
            Partner partner = check(facts);
            MessageContext context = new MessageContext(Direction.OUTBOUND, facts, decoded.envelope(), actor);
            hooks.check(context);
            EnvelopeFacts f = facts;
            boolean stored = Boolean.TRUE.equals(transaction.execute(tx -> {
                boolean accepted = store.accept(f.toNewMessage(Direction.OUTBOUND), decoded.bytes(),
                        List.of(MessageStatus.RECEIVED, MessageStatus.VALIDATED),
                        List.of(new OutboxTarget(OutboxKind.SEND, partner.party())));
                if (accepted) {
                    hooks.accepted(context);
                    audit.record(AuditTrail.Entry.of(actor, channel, AuditAction.MESSAGE_ACCEPTED, AuditOutcome.OK)
                            .partner(f.to())
                            .message(f.messageId(), f.messageType(), f.sha256()));
                }
                return accepted;
            }));
            if (!stored) {
                return resubmission(facts, actor, channel);
            }
            metrics.accepted(facts.messageType(), Direction.OUTBOUND);
            log.info("Accepted message {} ({} to {})", facts.messageId(), facts.messageType(), facts.to());
            return facts.messageId();
        } catch (RuntimeException e) {
            GatewayException refusal = Faults.from(e);
            AuditTrail.Entry entry = AuditTrail.Entry.of(actor, channel, AuditAction.MESSAGE_REFUSED, AuditOutcome.REFUSED)
                    .code(refusal.code(), refusal.getMessage());
            if (facts != null) {
                entry = entry.partner(facts.to()).message(facts.messageId(), facts.messageType(), facts.sha256());
            }
            audit.refused(entry);
            metrics.refused(facts == null ? "unknown" : facts.messageType(), Direction.OUTBOUND, refusal.code().name());
            if (refusal.is(GatewayErrorCode.INTERNAL_ERROR)) {
                // Not the submitter's fault: the operator needs the cause (exceptions here carry no payload).
                log.error("Submission from {} failed inside the node", actor, e);
            } else {
                log.info("Refused a submission from {}: {}", actor, refusal.code());
            }
            throw refusal;
        } finally {
            MDC.remove("messageId");
        }
    }

    /** Refuses (and audits) a submission whose declared length is over the limit. */
    public void refuseOversize(String actor) {
        refuseOversize(actor, API);
    }

    /** Refuses (and audits) a submission over the limit that came through {@code channel}. */
    public void refuseOversize(String actor, AuditChannel channel) {
        throw refusedBeforeReading(actor, channel, GatewayErrorCode.BODY_TOO_LARGE,
                "The envelope is larger than this node takes");
    }

    /** Refuses a submission while the inbound memory budget is full ({@code 503 NODE_BUSY}, with Retry-After). */
    public GatewayException refuseBusy(String actor) {
        return refuseBusy(actor, API);
    }

    /** Refuses a submission that came through {@code channel} while the inbound memory budget is full. */
    public GatewayException refuseBusy(String actor, AuditChannel channel) {
        return refusedBeforeReading(actor, channel, GatewayErrorCode.NODE_BUSY,
                "This node is taking in as much as it can; send again later");
    }

    /** A refusal before the body is read (nothing about the message is known yet), audited and counted. */
    private GatewayException refusedBeforeReading(String actor, AuditChannel channel, GatewayErrorCode code, String why) {
        GatewayException refusal = new GatewayException(code, why);
        audit.refused(AuditTrail.Entry.of(actor, channel, AuditAction.MESSAGE_REFUSED, AuditOutcome.REFUSED)
                .code(refusal.code(), refusal.getMessage()));
        metrics.refused("unknown", Direction.OUTBOUND, refusal.code().name());
        return refusal;
    }

    private DecodedMessage decode(byte[] xml) {
        try {
            return codec.decodeHandedOver(xml);
        } catch (ContractViolationException e) {
            throw Faults.from(e);
        }
    }

    private Partner check(EnvelopeFacts facts) {
        if (!node.party().equals(facts.from())) {
            throw new GatewayException(GatewayErrorCode.WRONG_NODE,
                    "This node sends as " + node.party() + ", the envelope is from " + facts.from());
        }
        if ("Receipt".equals(facts.messageType())) {
            throw new GatewayException(GatewayErrorCode.MESSAGE_TYPE_NOT_ALLOWED,
                    "Receipts are issued by the node itself, not submitted");
        }
        Partner partner = partners.requireOutbound(facts.to(), facts.messageType());
        if (facts.size() > partner.maxBodyBytes()) {
            throw new GatewayException(GatewayErrorCode.BODY_TOO_LARGE,
                    "The envelope is larger than partner " + partner.party() + " takes");
        }
        facts.requireTimely(clock.instant(), node.clockSkew());
        return partner;
    }

    private String resubmission(EnvelopeFacts facts, String actor, AuditChannel channel) {
        MessageRecord existing = store.find(facts.messageId()).orElseThrow();
        if (existing.direction() == Direction.OUTBOUND && existing.payloadSha256().equals(facts.sha256())) {
            audit.record(AuditTrail.Entry.of(actor, channel, AuditAction.MESSAGE_RESUBMITTED, AuditOutcome.OK)
                    .partner(facts.to())
                    .message(facts.messageId(), facts.messageType(), facts.sha256()));
            return facts.messageId();
        }
        throw new GatewayException(GatewayErrorCode.REPLAYED_MESSAGE,
                "Message id " + facts.messageId() + " is already in use for other content");
    }
}
