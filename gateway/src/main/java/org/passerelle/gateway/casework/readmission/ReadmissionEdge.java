package org.passerelle.gateway.casework.readmission;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.passerelle.contracts.casestatus.v1.CaseStatusUpdate;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.readmission.v1.ReadmissionDecision;
import org.passerelle.contracts.readmission.v1.ReadmissionRequest;
import org.passerelle.contracts.readmission.v1.TransferReason;
import org.passerelle.contracts.readmission.v1.TransferStatus;
import org.passerelle.gateway.agreement.Agreements;
import org.passerelle.gateway.agreement.CaseKind;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.gallery.GalleryTemplates;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.exchange.MessageRule;
import org.passerelle.gateway.messagelog.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where readmission messages meet the case workflow: the scheme's rules on a request (exclusions, the request
 * window), the legality of the transition a message causes (checked before acceptance, applied in the storing
 * transaction), and the receipt of a request, which starts the partner's reply clock.
 */
@Component
class ReadmissionEdge implements MessageRule, MessageObserver {

    private static final Logger log = LoggerFactory.getLogger(ReadmissionEdge.class);

    private final ReadmissionProperties properties;
    private final ReadmissionWorkflow workflow;
    private final ReadmissionCases cases;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final Agreements agreements;

    ReadmissionEdge(ReadmissionProperties properties, ReadmissionWorkflow workflow, ReadmissionCases cases, Clock clock,
                    PlatformTransactionManager transactions, Agreements agreements) {
        this.properties = properties;
        this.agreements = agreements;
        this.workflow = workflow;
        this.cases = cases;
        this.clock = clock;
        // Its own transaction: a receipt that moves no case must never roll back anything of the delivery's.
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Override
    public void check(MessageContext message) {
        if (!properties.enabled()) {
            return;
        }
        CaseCommand command = commandOf(message);
        if (command == null) {
            return;
        }
        agreements.requireSameTraffic(CaseKind.RETURN, command.partner(), command.caseReference(),
                message.facts().testIndicator());
        ReadmissionRequest request = message.envelope().getBody().getReadmissionRequest();
        if (request != null) {
            checkRequest(request, command, message);
        }
        workflow.check(command);
    }

    @Override
    public void accepted(MessageContext message) {
        if (!properties.enabled()) {
            return;
        }
        CaseCommand command = commandOf(message);
        if (command == null) {
            return;
        }
        if (command.event() == CaseEvent.REQUEST && cases.find(command.caseReference(), command.partner()).isEmpty()) {
            // Again in the storing transaction, under the caps' lock: a cap may have filled since check().
            agreements.takePlace(newCase(message, command));
        }
        workflow.apply(command);
    }

    @Override
    public void receiptVerified(String messageId, Instant receivedAt) {
        if (!properties.enabled()) {
            return;
        }
        try {
            transaction.executeWithoutResult(tx -> cases.byRequestMessage(messageId)
                    .filter(c -> c.role() == ReadmissionCase.Role.REQUESTING && c.state() == ReadmissionState.REQUESTED)
                    .ifPresent(c -> workflow.apply(new CaseCommand(c.caseReference(), c.partner(), CaseEvent.RECEIPT,
                            null, messageId, "Receipt", c.conversationId(), c.partner(), receivedAt, null, false))));
        } catch (RuntimeException e) {
            // The delivery stands: a receipt that moves no case (a decision came first, the case was cancelled) is
            // not an error of the exchange.
            log.info("Receipt of {} moved no readmission case: {}", messageId,
                    e instanceof GatewayException g ? g.code() : e.getClass().getSimpleName());
        }
    }

    /**
     * The scheme's rules on a request: the person's fingerprints travel with it (so that they can be recognised when
     * they apply for the legal route or cross again), no excluded person is proposed, and a first request leaves in
     * time.
     */
    private void checkRequest(ReadmissionRequest request, CaseCommand command, MessageContext message) {
        Direction direction = message.direction();
        java.util.Optional<ReadmissionCase> existing = cases.find(command.caseReference(), command.partner());
        boolean first = existing.isEmpty();
        if (first) {
            // The agreement in force: a phase that names the partner, its standing, the arrival mode, the caps.
            agreements.checkNewCase(newCase(message, command));
        }
        if (!GalleryTemplates.declaresSearchable(request.getBiometricSet())) {
            GatewayErrorCode code = GatewayErrorCode.FINGERPRINTS_REQUIRED;
            throw new GatewayException(code, "A readmission request carries the person's"
                    + " fingerprints", List.of("BiometricSet with a WSQ or uncompressed Fingerprint record"), null);
        }
        // A request sent again with more information is held to the terms of the phase its case began in.
        Instant began = existing.map(ReadmissionCase::createdAt).orElse(command.at());
        Scheme.Terms rules = agreements.termsOrStandard(command.partner(), began);
        List<String> stopped = rules.exclusions().stream().sorted()
                .filter(e -> e.applies(request.getVulnerabilityScreening())).map(Enum::name).toList();
        if (!stopped.isEmpty()) {
            GatewayErrorCode code = GatewayErrorCode.EXCLUDED_FROM_READMISSION;
            throw new GatewayException(code, "The person may not be proposed for readmission: "
                    + String.join(", ", stopped), stopped, null);
        }
        // The window binds the first request; a request sent again with more information belongs to an open case.
        Duration within = rules.clocks().requestWithin();
        if (direction == Direction.OUTBOUND && first && command.at().isAfter(command.arrivedAt().plus(within))) {
            GatewayErrorCode code = GatewayErrorCode.REQUEST_WINDOW_CLOSED;
            throw new GatewayException(code, "A readmission request to " + command.partner()
                    + " must leave within " + within + " of arrival", List.of("request-within " + within), null);
        }
    }

    private static Agreements.NewCase newCase(MessageContext message, CaseCommand command) {
        ReadmissionRequest request = message.envelope().getBody().getReadmissionRequest();
        return new Agreements.NewCase(CaseKind.RETURN, command.partner(), command.caseReference(),
                request.getArrival().getMode(), message.facts().testIndicator(), command.messageId(), command.at(),
                message.direction() == Direction.INBOUND);
    }

    /** The case event a message causes, or null when it concerns no readmission case. */
    private CaseCommand commandOf(MessageContext message) {
        Body body = message.envelope().getBody();
        Direction direction = message.direction();
        String partner = direction == Direction.OUTBOUND ? message.facts().to() : message.facts().from();
        Instant now = clock.instant();
        if (body.getReadmissionRequest() != null) {
            ReadmissionRequest r = body.getReadmissionRequest();
            return command(message, r.getCaseReference(), partner, CaseEvent.REQUEST, now,
                    r.getArrival().getArrivedAt().toInstant(), false);
        }
        if (body.getReadmissionDecision() != null) {
            ReadmissionDecision d = body.getReadmissionDecision();
            CaseEvent event = switch (d.getDecision()) {
                case ACCEPTED -> CaseEvent.DECISION_ACCEPTED;
                case REFUSED -> CaseEvent.DECISION_REFUSED;
                case MORE_INFORMATION_REQUESTED -> CaseEvent.DECISION_MORE_INFORMATION;
            };
            return command(message, d.getCaseReference(), partner, event, now, null, d.isExceptional());
        }
        if (body.getTransferStatus() != null) {
            TransferStatus t = body.getTransferStatus();
            CaseEvent event = switch (t.getStatus()) {
                case SCHEDULED, RESCHEDULED -> CaseEvent.TRANSFER_SCHEDULED;
                case COMPLETED -> CaseEvent.TRANSFER_COMPLETED;
                case FAILED -> CaseEvent.TRANSFER_FAILED;
                case SUSPENDED -> CaseEvent.SUSPEND;
                case CANCELLED -> t.getReasonCode().contains(TransferReason.TIME_LIMIT_EXPIRED)
                        ? CaseEvent.EXPIRE : CaseEvent.CANCEL;
            };
            return command(message, t.getCaseReference(), partner, event, now, null, false);
        }
        CaseStatusUpdate update = body.getCaseStatusUpdate();
        if (update != null && update.getCaseReference().contains("-RA-")) {
            // Other statuses inform the partner's back-end of progress the case messages already carry.
            CaseEvent event = switch (update.getStatus()) {
                case SUSPENDED -> CaseEvent.SUSPEND;
                case WITHDRAWN -> CaseEvent.CANCEL;
                default -> null;
            };
            return event == null ? null : command(message, update.getCaseReference(), partner, event, now, null, false);
        }
        return null;
    }

    private static CaseCommand command(MessageContext message, String caseReference, String partner, CaseEvent event,
                                       Instant at, Instant arrivedAt, boolean exceptional) {
        return new CaseCommand(caseReference, partner, event, message.direction(), message.facts().messageId(),
                message.facts().messageType(), message.facts().conversationId(), message.actor(), at, arrivedAt,
                exceptional);
    }
}
