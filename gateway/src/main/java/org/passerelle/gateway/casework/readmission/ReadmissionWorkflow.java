package org.passerelle.gateway.casework.readmission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.passerelle.gateway.agreement.Agreements;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.Direction;
import org.springframework.stereotype.Component;

/**
 * Applies events to readmission cases through the transition table: plans the transitions an event causes (refusing
 * an illegal one with a stable code and changing nothing), then stores the case, its history and an audit entry per
 * transition in the caller's transaction.
 */
@Component
class ReadmissionWorkflow {

    static final AuditChannel CHANNEL = AuditChannel.CASEWORK;

    private final ReadmissionCases cases;
    private final Agreements agreements;
    private final AuditTrail audit;
    private final MeterRegistry registry;

    ReadmissionWorkflow(ReadmissionCases cases, Agreements agreements, AuditTrail audit, MeterRegistry registry) {
        this.cases = cases;
        this.agreements = agreements;
        this.audit = audit;
        this.registry = registry;
    }

    /** Refuses the command if it would be illegal now; changes nothing. */
    void check(CaseCommand command) {
        plan(cases.find(command.caseReference(), command.partner()).orElse(null), command);
    }

    /** Applies the command to its (locked) case; must run inside a transaction. Returns the case as it now is. */
    ReadmissionCase apply(CaseCommand command) {
        ReadmissionCase current = cases.lock(command.caseReference(), command.partner()).orElse(null);
        List<CaseEvent> steps = plan(current, command);
        if (steps.isEmpty()) {
            return current;
        }
        ReadmissionCase c = current != null ? current : draft(command);
        List<Transition> transitions = new ArrayList<>();
        for (CaseEvent event : steps) {
            ReadmissionState to = ReadmissionTransitions.next(c.state(), event, c.suspendedFrom()).orElseThrow();
            transitions.add(new Transition(c.state(), to, event, command.messageId(), command.actor(), command.at()));
            c = effects(c, event, to, command);
        }
        long id = current == null ? cases.insert(c) : c.id();
        if (current != null) {
            cases.update(c);
        }
        for (Transition t : transitions) {
            cases.addTransition(id, t);
            audit.record(AuditTrail.Entry.of(command.actor(), CHANNEL, AuditAction.CASE_TRANSITION, AuditOutcome.OK)
                    .partner(c.partner())
                    .message(command.messageId(), command.messageType(), null)
                    .detail(c.caseReference() + " " + t.from() + "->" + t.to() + " on " + t.event()));
            Counter.builder("passerelle.readmission.transitions").description("Readmission case transitions")
                    .tag("event", t.event().name()).tag("to", t.to().name()).register(registry).increment();
        }
        return cases.find(c.caseReference(), c.partner()).orElseThrow();
    }

    /** The events to apply in order (empty: nothing to change), or a refusal. */
    List<CaseEvent> plan(ReadmissionCase current, CaseCommand command) {
        CaseEvent event = command.event();
        if (current == null && event != CaseEvent.REQUEST) {
            throw refusal(GatewayErrorCode.UNKNOWN_CASE, "No readmission case " + command.caseReference()
                    + " with " + command.partner(), command, null);
        }
        ReadmissionState state = current == null ? ReadmissionState.DRAFTED : current.state();
        if (command.fromMessage()) {
            checkRole(current, command);
            // A partner told of a suspension or cancellation this node already recorded (by a user action) repeats it.
            if ((event == CaseEvent.SUSPEND && state == ReadmissionState.SUSPENDED)
                    || (event == CaseEvent.CANCEL && state == ReadmissionState.CANCELLED)) {
                return List.of();
            }
        }
        if (ReadmissionTransitions.next(state, event, current == null ? null : current.suspendedFrom()).isEmpty()) {
            throw refusal(GatewayErrorCode.ILLEGAL_TRANSITION, "Readmission case " + command.caseReference()
                    + " cannot go from " + state + " on " + event, command, state);
        }
        if (event == CaseEvent.REQUEST && command.direction() == Direction.INBOUND) {
            // On the requested side the receipt is given as the request is accepted: its clock starts now.
            return List.of(CaseEvent.REQUEST, CaseEvent.RECEIPT);
        }
        return List.of(event);
    }

    private void checkRole(ReadmissionCase current, CaseCommand command) {
        ReadmissionCase.Role requester = command.direction() == Direction.OUTBOUND
                ? ReadmissionCase.Role.REQUESTING : ReadmissionCase.Role.REQUESTED;
        switch (command.event()) {
            case REQUEST -> {
                if (current != null && current.role() != requester) {
                    throw refusal(GatewayErrorCode.ILLEGAL_TRANSITION, "Only the requesting party sends requests"
                            + " for case " + command.caseReference(), command, current.state());
                }
            }
            case DECISION_ACCEPTED, DECISION_REFUSED, DECISION_MORE_INFORMATION -> {
                // The decision travels from the requested party to the requesting one.
                ReadmissionCase.Role expected = command.direction() == Direction.INBOUND
                        ? ReadmissionCase.Role.REQUESTING : ReadmissionCase.Role.REQUESTED;
                if (current.role() != expected) {
                    throw refusal(GatewayErrorCode.ILLEGAL_TRANSITION, "Only the requested party decides on case "
                            + command.caseReference(), command, current.state());
                }
            }
            default -> {
                // Transfer status and case status updates may come from either side.
            }
        }
    }

    private ReadmissionCase draft(CaseCommand command) {
        Scheme.Clocks clocks = agreements.termsOrStandard(command.partner(), command.at()).clocks();
        ReadmissionCase.Role role = command.direction() == Direction.OUTBOUND
                ? ReadmissionCase.Role.REQUESTING : ReadmissionCase.Role.REQUESTED;
        Instant now = command.at();
        return new ReadmissionCase(0, command.caseReference(), command.partner(), role, ReadmissionState.DRAFTED, null,
                command.conversationId(), command.messageId(), command.arrivedAt(), now, null, false, null,
                clocks.processDue(command.arrivedAt()), now, now);
    }

    /** The case after {@code event} took it to {@code to}, with the clocks the event starts or changes. */
    private ReadmissionCase effects(ReadmissionCase c, CaseEvent event, ReadmissionState to, CaseCommand command) {
        // The clocks of the phase the case began in.
        Scheme.Clocks clocks = agreements.termsOrStandard(c.partner(), c.createdAt()).clocks();
        ReadmissionState suspendedFrom = switch (event) {
            case SUSPEND -> c.state();
            case RESUME -> null;
            default -> c.suspendedFrom();
        };
        String conversation = c.conversationId();
        String request = c.requestMessageId();
        Instant requestedAt = c.requestedAt();
        Instant receiptAt = c.receiptAt();
        Instant replyDue = c.replyDue();
        boolean exceptional = c.exceptional() || command.exceptional();
        switch (event) {
            case REQUEST -> {
                conversation = command.conversationId();
                request = command.messageId();
                requestedAt = command.at();
                receiptAt = null;
                replyDue = null;
            }
            case RECEIPT -> {
                receiptAt = command.at();
                replyDue = receiptAt.plus(exceptional ? clocks.exceptionalReplyWithin() : clocks.replyWithin());
            }
            default -> {
            }
        }
        return new ReadmissionCase(c.id(), c.caseReference(), c.partner(), c.role(), to, suspendedFrom, conversation,
                request, c.arrivedAt(), requestedAt, receiptAt, exceptional, replyDue, c.processDue(), c.createdAt(),
                command.at());
    }

    private static GatewayException refusal(GatewayErrorCode code, String message, CaseCommand command,
                                            ReadmissionState state) {
        List<String> details = new ArrayList<>();
        details.add("case " + command.caseReference());
        Optional.ofNullable(state).ifPresent(s -> details.add("state " + s));
        details.add("event " + command.event());
        return new GatewayException(code, message, details, null);
    }
}
