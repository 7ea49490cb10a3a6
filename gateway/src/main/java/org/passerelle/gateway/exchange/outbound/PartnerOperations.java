package org.passerelle.gateway.exchange.outbound;

import java.time.Instant;
import java.util.List;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.messagelog.OutboxKind;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.gateway.partner.PartnerSuspensions;
import org.springframework.stereotype.Component;

/**
 * Deliveries by partner for operations, shared by the API and the console: each partner's delivery state, its parked
 * messages (metadata only), and the administrator's actions on them — suspend, resume, replay, release — each audited the same
 * way whichever channel ({@code API} or {@code CONSOLE}) it came through.
 */
@Component
public class PartnerOperations {

    /** The longest reason a suspension may give. */
    public static final int MAX_REASON = 200;

    private final PartnerRegistry partners;
    private final PartnerClients clients;
    private final PartnerSuspensions suspensions;
    private final MessageStore store;
    private final AuditTrail audit;

    PartnerOperations(PartnerRegistry partners, PartnerClients clients, PartnerSuspensions suspensions,
                      MessageStore store, AuditTrail audit) {
        this.partners = partners;
        this.clients = clients;
        this.suspensions = suspensions;
        this.store = store;
        this.audit = audit;
    }

    /** Who acted, with which role (may be null), through which channel. */
    public record Actor(String name, String role, AuditChannel channel) {
    }

    /**
     * A partner's delivery state as operations see it; {@code waiting} counts the open entries, of which {@code held}
     * wait behind a parked message of their conversation (until it is replayed or released).
     */
    public record PartnerView(String party, String baseUrl, String circuit, float failureRate, boolean suspended,
                              String suspensionReason, Instant suspendedSince, long waiting, long parked,
                              long held) {
    }

    /** A parked message, metadata only. */
    public record ParkedView(String messageId, String messageType, String conversationId, int attempts, String code,
                             Instant queuedAt) {
    }

    public List<PartnerView> all() {
        return partners.all().stream().map(this::view).toList();
    }

    /** One partner's state; PARTNER_UNKNOWN when it is not configured. */
    public PartnerView one(String party) {
        return view(partners.require(party));
    }

    /** Messages parked for a partner, oldest first, at most {@code limit} (clamped to 1..500). */
    public List<ParkedView> parked(String party, int limit) {
        Partner partner = partners.require(party);
        return store.parked(OutboxKind.SEND, partner.party(), Math.clamp(limit, 1, 500)).stream()
                .map(p -> new ParkedView(p.entry().messageId(), p.messageType(), p.entry().conversationId(),
                        p.entry().attempts(), p.code(), p.entry().createdAt()))
                .toList();
    }

    /** Suspends the exchange with a partner; a reason of 1 to {@link #MAX_REASON} characters is required. */
    public PartnerView suspend(String party, String reason, Actor actor) {
        Partner partner = partners.require(party);
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            audit.refused(AuditTrail.Entry.of(actor.name(),
                    actor.channel(), AuditAction.PARTNER_SUSPENDED, AuditOutcome.REFUSED)
                    .role(actor.role()).partner(partner.party()).resource("partner:" + partner.party())
                    .code(GatewayErrorCode.SUSPENSION_REASON_REQUIRED.name(), "reason missing or too long"));
            throw new GatewayException(GatewayErrorCode.SUSPENSION_REASON_REQUIRED,
                    "A reason of 1 to " + MAX_REASON + " characters is required");
        }
        if (suspensions.suspend(partner.party(), why, actor.name())) {
            audit.record(AuditTrail.Entry.of(actor.name(),
                    actor.channel(), AuditAction.PARTNER_SUSPENDED, AuditOutcome.GRANTED)
                    .role(actor.role()).partner(partner.party()).resource("partner:" + partner.party()).detail(why));
        }
        return view(partner);
    }

    /** Resumes the exchange with a suspended partner. */
    public PartnerView resume(String party, Actor actor) {
        Partner partner = partners.require(party);
        if (suspensions.resume(partner.party())) {
            audit.record(AuditTrail.Entry.of(actor.name(),
                    actor.channel(), AuditAction.PARTNER_RESUMED, AuditOutcome.GRANTED)
                    .role(actor.role()).partner(partner.party()).resource("partner:" + partner.party()));
        }
        return view(partner);
    }

    /** Puts a parked message back in the queue; MESSAGE_NOT_FOUND or NOT_PARKED otherwise. */
    public MessageRecord replay(String messageId, Actor actor) {
        store.find(messageId).orElseThrow(() -> notFound(messageId));
        if (!store.replay(messageId, actor.name())) {
            audit.refused(AuditTrail.Entry.of(actor.name(),
                    actor.channel(), AuditAction.MESSAGE_REPLAY, AuditOutcome.REFUSED)
                    .role(actor.role()).message(messageId, null, null)
                    .code(GatewayErrorCode.NOT_PARKED.name(), "not parked"));
            throw new GatewayException(GatewayErrorCode.NOT_PARKED, "Message " + messageId + " is not parked");
        }
        MessageRecord record = store.find(messageId).orElseThrow();
        audit.record(AuditTrail.Entry.of(actor.name(), actor.channel(), AuditAction.MESSAGE_REPLAY, AuditOutcome.GRANTED)
                .role(actor.role()).message(messageId, record.messageType(), record.payloadSha256()));
        return record;
    }

    /**
     * Gives up on a parked message for good so that the later messages of its conversation, held behind it, flow; a
     * reason of 1 to {@link #MAX_REASON} characters is required and audited with who did it. MESSAGE_NOT_FOUND,
     * RELEASE_REASON_REQUIRED or NOT_PARKED otherwise.
     */
    public MessageRecord release(String messageId, String reason, Actor actor) {
        store.find(messageId).orElseThrow(() -> notFound(messageId));
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            audit.refused(AuditTrail.Entry.of(actor.name(),
                    actor.channel(), AuditAction.MESSAGE_RELEASE, AuditOutcome.REFUSED)
                    .role(actor.role()).message(messageId, null, null)
                    .code(GatewayErrorCode.RELEASE_REASON_REQUIRED.name(), "reason missing or too long"));
            throw new GatewayException(GatewayErrorCode.RELEASE_REASON_REQUIRED,
                    "A reason of 1 to " + MAX_REASON + " characters is required");
        }
        if (!store.releaseParked(messageId, actor.name(), why)) {
            audit.refused(AuditTrail.Entry.of(actor.name(),
                    actor.channel(), AuditAction.MESSAGE_RELEASE, AuditOutcome.REFUSED)
                    .role(actor.role()).message(messageId, null, null)
                    .code(GatewayErrorCode.NOT_PARKED.name(), "not parked"));
            throw new GatewayException(GatewayErrorCode.NOT_PARKED, "Message " + messageId + " is not parked");
        }
        MessageRecord record = store.find(messageId).orElseThrow();
        audit.record(AuditTrail.Entry.of(actor.name(), actor.channel(), AuditAction.MESSAGE_RELEASE, AuditOutcome.GRANTED)
                .role(actor.role()).message(messageId, record.messageType(), record.payloadSha256()).detail(why));
        return record;
    }

    static GatewayException notFound(String id) {
        return new GatewayException(GatewayErrorCode.MESSAGE_NOT_FOUND,
                "No message " + (id.matches("[0-9a-f-]{36}") ? id : ""));
    }

    private PartnerView view(Partner partner) {
        var circuit = clients.circuit(partner.party());
        var suspension = suspensions.of(partner.party());
        return new PartnerView(partner.party(), partner.address(), circuit.getState().name(),
                circuit.getMetrics().getFailureRate(), suspension.isPresent(),
                suspension.map(PartnerSuspensions.Suspension::reason).orElse(null),
                suspension.map(PartnerSuspensions.Suspension::since).orElse(null),
                store.countOutbox(OutboxKind.SEND, partner.party(), "PENDING"),
                store.countOutbox(OutboxKind.SEND, partner.party(), "PARKED"),
                store.countHeld(OutboxKind.SEND, partner.party()));
    }
}
