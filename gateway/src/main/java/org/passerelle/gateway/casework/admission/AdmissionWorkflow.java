package org.passerelle.gateway.casework.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.passerelle.contracts.admission.v1.AdmissionDecision;
import org.passerelle.contracts.admission.v1.AdmissionDecisionOutcome;
import org.passerelle.contracts.admission.v1.AdmissionReferral;
import org.passerelle.contracts.admission.v1.EligibilityOutcome;
import org.passerelle.contracts.admission.v1.EligibilityResult;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.gateway.agreement.Agreements;
import org.passerelle.gateway.agreement.CaseKind;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.gallery.GalleryChecks;
import org.passerelle.gateway.gallery.GalleryTemplates;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.exchange.MessageRule;
import org.passerelle.gateway.messagelog.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drives admission cases. As a {@link MessageRule} it refuses, before anything is stored, an admission message
 * that the case's state machine does not allow (ILLEGAL_ADMISSION_TRANSITION) and an ELIGIBLE result for an
 * applicant the gallery has not cleared (GALLERY_SEARCH_PENDING, GALLERY_REVIEW_PENDING,
 * ELIGIBILITY_CONTRADICTS_REGISTRY); as a {@link MessageObserver} it moves
 * the case in the transaction that stores the message. Caseworker actions and the lapse clock go through here too.
 */
@Component
class AdmissionWorkflow implements MessageRule, MessageObserver {

    private static final Logger log = LoggerFactory.getLogger(AdmissionWorkflow.class);
    static final String NODE = "node";

    /** An admission message as the state machine reads it. */
    record Step(AdmissionEvent event, String caseReference, String partner, Direction direction, AdmissionReferral referral,
                String detail) {
    }

    private final AdmissionCases cases;
    private final GalleryChecks gallery;
    private final AdmissionProperties properties;
    private final AuditTrail audit;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final MeterRegistry meters;
    private final Agreements agreements;

    AdmissionWorkflow(AdmissionCases cases, GalleryChecks gallery, AdmissionProperties properties,
                      AuditTrail audit, Clock clock, TransactionTemplate transaction, MeterRegistry meters,
                      Agreements agreements) {
        this.agreements = agreements;
        this.cases = cases;
        this.gallery = gallery;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
        this.transaction = transaction;
        this.meters = meters;
    }

    // ----- messages -----

    @Override
    public void check(MessageContext message) {
        Step step = stepOf(message);
        if (step == null) {
            return;
        }
        Optional<AdmissionCase> existing = cases.find(step.caseReference());
        if (step.event() == AdmissionEvent.REFERRAL && !GalleryTemplates.declaresSearchable(step.referral().getBiometricSet())) {
            GatewayErrorCode code = GatewayErrorCode.FINGERPRINTS_REQUIRED;
            throw new GatewayException(code, "An admission referral carries the applicant's"
                    + " fingerprints", List.of("BiometricSet with a WSQ or uncompressed Fingerprint record"), null);
        }
        if (properties.enforceTransitions()) {
            illegality(step, existing).ifPresent(reason -> {
                throw illegal(step.caseReference(), reason);
            });
        }
        if (existing.isPresent()) {
            agreements.requireSameTraffic(CaseKind.ADMISSION, step.partner(), step.caseReference(),
                    message.facts().testIndicator());
        }
        if (step.event() == AdmissionEvent.REFERRAL && existing.isEmpty()) {
            // The agreement in force: a phase that names the partner, its standing and admission window, the caps.
            agreements.checkNewCase(newCase(message, step));
        }
        gate(step, existing);
    }

    private Agreements.NewCase newCase(MessageContext message, Step step) {
        return new Agreements.NewCase(CaseKind.ADMISSION, step.partner(), step.caseReference(), null,
                message.facts().testIndicator(), message.facts().messageId(), clock.instant(),
                message.direction() == Direction.INBOUND);
    }

    @Override
    public void accepted(MessageContext message) {
        Step step = stepOf(message);
        if (step == null) {
            return;
        }
        Optional<AdmissionCase> existing = cases.find(step.caseReference());
        Optional<String> illegal = illegality(step, existing);
        if (illegal.isPresent()) {
            if (properties.enforceTransitions()) {
                throw illegal(step.caseReference(), illegal.get());
            }
            log.info("Admission case {} not moved by {}: {}", step.caseReference(), step.event(), illegal.get());
            return;
        }
        // Again in the transaction that stores the message: a review may have changed the check since check().
        gate(step, existing);
        String messageId = message.facts().messageId();
        if (step.event() == AdmissionEvent.REFERRAL) {
            if (existing.isEmpty()) {
                // Again under the caps' lock: a cap may have filled since check().
                agreements.takePlace(newCase(message, step));
            }
            Instant now = clock.instant();
            AdmissionRole role = step.direction() == Direction.OUTBOUND ? AdmissionRole.REFERRING : AdmissionRole.DECIDING;
            AdmissionReferral r = step.referral();
            String bio = r.getBiometricSet() == null ? null : Digests.sha256Hex(r.getBiometricSet().getTransaction());
            cases.open(new AdmissionCase(step.caseReference(), step.partner(), role,
                    AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED, r.getExpressionOfInterest().getId(), bio, null, now,
                    now.plus(properties.presenceWindow()), now, 0), message.actor(), messageId);
            counted(AdmissionEvent.REFERRAL, AdmissionState.EXPRESSION_OF_INTEREST_RECEIVED);
            return;
        }
        AdmissionCase c = existing.orElseThrow();
        AdmissionState to = AdmissionTransitions.next(c.role(), c.state(), step.event()).orElseThrow();
        if (!cases.move(c, to, step.event(), message.actor(), messageId, step.detail(), null, clock.instant())) {
            throw illegal(c.caseReference(), "the case changed while this message was being accepted");
        }
        counted(step.event(), to);
    }

    /** Where this node decides, an ELIGIBLE result or an approval leaves only for an applicant the gallery cleared. */
    private void gate(Step step, Optional<AdmissionCase> existing) {
        if ((step.event() == AdmissionEvent.ELIGIBLE || step.event() == AdmissionEvent.APPROVED)
                && step.direction() == Direction.OUTBOUND) {
            existing.filter(c -> c.role() == AdmissionRole.DECIDING).ifPresent(c -> requireCleared(c.caseReference()));
        }
    }

    /**
     * Refuses an ELIGIBLE result unless the applicant's fingerprints were searched against the gallery and nobody was
     * found, or a caseworker rejected the match.
     */
    private void requireCleared(String caseReference) {
        GalleryChecks.Status status = gallery.find(GalleryChecks.ADMISSION, caseReference).map(GalleryChecks.Check::status)
                .orElse(GalleryChecks.Status.SEARCHING);
        GatewayErrorCode code = switch (status) {
            case NO_MATCH, MATCH_REJECTED -> null;
            case INELIGIBLE_PRIOR_RETURN, REENTRY -> GatewayErrorCode.ELIGIBILITY_CONTRADICTS_REGISTRY;
            case HELD_FOR_REVIEW, NOT_SEARCHABLE -> GatewayErrorCode.GALLERY_REVIEW_PENDING;
            case SEARCHING -> GatewayErrorCode.GALLERY_SEARCH_PENDING;
        };
        if (code == null) {
            return;
        }
        String why = switch (code) {
            case ELIGIBILITY_CONTRADICTS_REGISTRY -> "a caseworker confirmed the applicant was returned before";
            case GALLERY_REVIEW_PENDING -> "the gallery search awaits a caseworker's review";
            default -> "the applicant's fingerprints have not been searched against the gallery yet; retry shortly";
        };
        throw new GatewayException(code, "Case " + caseReference + " cannot be ELIGIBLE: " + why,
                List.of("gallery check " + status, code == GatewayErrorCode.ELIGIBILITY_CONTRADICTS_REGISTRY
                        ? "expected: INELIGIBLE with reason code PREVIOUSLY_RETURNED" : "expected: wait for the check"),
                null);
    }

    /** Why this message may not move its case, or empty when it may. */
    private Optional<String> illegality(Step step, Optional<AdmissionCase> existing) {
        if (step.event() == AdmissionEvent.REFERRAL) {
            return existing.map(c -> "case " + c.caseReference() + " already exists (" + c.state() + ")");
        }
        if (existing.isEmpty()) {
            return Optional.of("no admission case " + step.caseReference() + " on this node");
        }
        AdmissionCase c = existing.get();
        if (!c.partner().equals(step.partner())) {
            return Optional.of("case " + c.caseReference() + " is with another partner");
        }
        // The deciding side sends eligibility, decisions and arrivals: outbound where we decide, inbound where we refer.
        Direction expected = c.role() == AdmissionRole.DECIDING ? Direction.OUTBOUND : Direction.INBOUND;
        if (step.direction() != expected) {
            return Optional.of(step.event() + " is sent by the deciding side; this node is " + c.role()
                    + " on case " + c.caseReference());
        }
        if (AdmissionTransitions.next(c.role(), c.state(), step.event()).isEmpty()) {
            return Optional.of(step.event() + " is not allowed in state " + c.state());
        }
        return Optional.empty();
    }

    private static Step stepOf(MessageContext message) {
        Body body = message.envelope().getBody();
        Direction d = message.direction();
        String partner = d == Direction.OUTBOUND ? message.facts().to() : message.facts().from();
        if (body.getAdmissionReferral() != null) {
            AdmissionReferral r = body.getAdmissionReferral();
            return new Step(AdmissionEvent.REFERRAL, r.getCaseReference(), partner, d, r, null);
        }
        if (body.getEligibilityResult() != null) {
            EligibilityResult r = body.getEligibilityResult();
            boolean eligible = r.getResult() == EligibilityOutcome.ELIGIBLE;
            return new Step(eligible ? AdmissionEvent.ELIGIBLE : AdmissionEvent.INELIGIBLE, r.getCaseReference(), partner,
                    d, null, eligible ? null : "reasons " + r.getReasonCode());
        }
        if (body.getAdmissionDecision() != null) {
            AdmissionDecision r = body.getAdmissionDecision();
            boolean approved = r.getDecision() == AdmissionDecisionOutcome.APPROVED;
            return new Step(approved ? AdmissionEvent.APPROVED : AdmissionEvent.REFUSED, r.getCaseReference(), partner,
                    d, null, approved ? null : "reasons " + r.getReasonCode());
        }
        if (body.getArrivalConfirmation() != null) {
            return new Step(AdmissionEvent.ARRIVAL_CONFIRMED, body.getArrivalConfirmation().getCaseReference(), partner,
                    d, null, "port " + body.getArrivalConfirmation().getPortOfArrival());
        }
        return null;
    }

    // ----- caseworker actions -----

    /** Records that the applicant confirmed presence; the referral's biometric set then counts as captured. */
    AdmissionCase confirmPresence(String caseReference, String actor) {
        return act(caseReference, actor, AdmissionEvent.PRESENCE_CONFIRMED, null, c -> {
            if (c.role() == AdmissionRole.DECIDING && !clock.instant().isBefore(c.presenceDueAt())) {
                return Optional.of("the presence window ended at " + c.presenceDueAt());
            }
            return Optional.empty();
        });
    }

    /** Records the outcome of the security checks: CLEARED or NOT_CLEARED (a refusal decision follows). */
    AdmissionCase recordSecurityCheck(String caseReference, String outcome, String actor) {
        if (!"CLEARED".equals(outcome) && !"NOT_CLEARED".equals(outcome)) {
            throw new GatewayException(GatewayErrorCode.CASEWORK_REQUEST_INVALID, "The outcome must be CLEARED or NOT_CLEARED",
                    List.of("outcome"), null);
        }
        return act(caseReference, actor, AdmissionEvent.SECURITY_CHECK_RECORDED, outcome, c -> Optional.empty());
    }

    AdmissionCase withdraw(String caseReference, String actor) {
        return act(caseReference, actor, AdmissionEvent.WITHDRAWN, null, c -> Optional.empty());
    }

    private AdmissionCase act(String caseReference, String actor, AdmissionEvent event, String securityOutcome,
                              java.util.function.Function<AdmissionCase, Optional<String>> precondition) {
        try {
            return transaction.execute(tx -> {
                AdmissionCase c = cases.find(caseReference).orElseThrow(() -> new GatewayException(
                        GatewayErrorCode.ADMISSION_CASE_NOT_FOUND, "No admission case " + safe(caseReference)));
                Optional<String> refusal = precondition.apply(c);
                Optional<AdmissionState> to = AdmissionTransitions.next(c.role(), c.state(), event);
                if (refusal.isPresent() || to.isEmpty()) {
                    throw illegal(caseReference, refusal.orElse(event + " is not allowed in state " + c.state()
                            + " on the " + c.role() + " side"));
                }
                Instant now = clock.instant();
                if (!cases.move(c, to.get(), event, actor, null, securityOutcome, securityOutcome, now)) {
                    throw illegal(caseReference, "the case changed meanwhile; read it again");
                }
                AdmissionCase moved = cases.find(caseReference).orElseThrow();
                if (event == AdmissionEvent.PRESENCE_CONFIRMED && moved.biometricRef() != null) {
                    AdmissionState captured = AdmissionTransitions.next(moved.role(), moved.state(),
                            AdmissionEvent.BIOMETRICS_ON_FILE).orElseThrow();
                    cases.move(moved, captured, AdmissionEvent.BIOMETRICS_ON_FILE, NODE, null,
                            "the referral's biometric set", null, now);
                    moved = cases.find(caseReference).orElseThrow();
                }
                audit.record(AuditTrail.Entry.of(actor, AuditChannel.API, action(event), AuditOutcome.GRANTED)
                        .partner(moved.partner()).detail(caseReference + " -> " + moved.state()));
                counted(event, moved.state());
                return moved;
            });
        } catch (GatewayException e) {
            audit.refused(AuditTrail.Entry.of(actor, AuditChannel.API, action(event), AuditOutcome.REFUSED)
                    .code(e.code(), safe(caseReference) + ": " + e.getMessage()));
            Counter.builder("passerelle.admission.refused").description("Admission transitions refused")
                    .tag("code", e.code().name()).register(meters).increment();
            throw e;
        }
    }

    // ----- the lapse clock -----

    /** Lapses every case on the deciding side whose presence window has ended; returns how many lapsed. */
    public int lapseOverdue() {
        int lapsed = 0;
        for (AdmissionCase c : cases.overduePresence(clock.instant())) {
            Boolean moved = transaction.execute(tx -> {
                boolean ok = cases.move(c, AdmissionState.LAPSED, AdmissionEvent.LAPSED, NODE, null,
                        "presence not confirmed by " + c.presenceDueAt(), null, clock.instant());
                if (ok) {
                    audit.record(AuditTrail.Entry.of(NODE,
                            AuditChannel.CASEWORK, AuditAction.ADMISSION_LAPSED, AuditOutcome.OK).partner(c.partner())
                            .detail(c.caseReference() + ": presence not confirmed by " + c.presenceDueAt()));
                }
                return ok;
            });
            if (Boolean.TRUE.equals(moved)) {
                counted(AdmissionEvent.LAPSED, AdmissionState.LAPSED);
                log.info("Admission case {} lapsed: presence not confirmed in time", c.caseReference());
                lapsed++;
            }
        }
        return lapsed;
    }

    /** The audit action of a caseworker action (the audit column holds 32 characters). */
    private static AuditAction action(AdmissionEvent event) {
        return switch (event) {
            case REFERRAL -> AuditAction.ADMISSION_REFERRAL;
            case PRESENCE_CONFIRMED -> AuditAction.ADMISSION_PRESENCE_CONFIRMED;
            case BIOMETRICS_ON_FILE -> AuditAction.ADMISSION_BIOMETRICS_ON_FILE;
            case ELIGIBLE -> AuditAction.ADMISSION_ELIGIBLE;
            case INELIGIBLE -> AuditAction.ADMISSION_INELIGIBLE;
            case SECURITY_CHECK_RECORDED -> AuditAction.ADMISSION_SECURITY_CHECK;
            case APPROVED -> AuditAction.ADMISSION_APPROVED;
            case REFUSED -> AuditAction.ADMISSION_REFUSED;
            case ARRIVAL_CONFIRMED -> AuditAction.ADMISSION_ARRIVAL_CONFIRMED;
            case WITHDRAWN -> AuditAction.ADMISSION_WITHDRAWN;
            case LAPSED -> AuditAction.ADMISSION_LAPSED;
        };
    }

    private GatewayException illegal(String caseReference, String reason) {
        return new GatewayException(GatewayErrorCode.ILLEGAL_ADMISSION_TRANSITION,
                "Illegal transition of admission case " + safe(caseReference), List.of(reason), null);
    }

    private void counted(AdmissionEvent event, AdmissionState to) {
        Counter.builder("passerelle.admission.transitions").description("Admission case transitions")
                .tag("event", event.name()).tag("to", to.name()).register(meters).increment();
    }

    static String safe(String caseReference) {
        return caseReference != null && caseReference.matches("[A-Z]{2}-AD-[0-9]{4}-[0-9]{6}") ? caseReference : "(invalid reference)";
    }
}
