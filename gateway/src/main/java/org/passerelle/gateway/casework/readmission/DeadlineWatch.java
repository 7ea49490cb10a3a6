package org.passerelle.gateway.casework.readmission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the legal clocks: lists overdue and soon-due cases, raises one alert (audit entry {@code DEADLINE_OVERDUE},
 * counter {@code passerelle.readmission.deadline.alerts}) per case, deadline and due time, expires open cases past
 * the whole-process limit, and publishes the counts as gauges.
 */
@Component
class DeadlineWatch {

    enum Deadline { REPLY, PROCESS }

    /** A case with a deadline passed or near. */
    record Due(ReadmissionCase readmissionCase, Deadline deadline, Instant dueAt) {
    }

    private static final Logger log = LoggerFactory.getLogger(DeadlineWatch.class);

    private final ReadmissionCases cases;
    private final ReadmissionWorkflow workflow;
    private final ReadmissionProperties properties;
    private final AuditTrail audit;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final MeterRegistry registry;
    private final AtomicInteger replyOverdue = new AtomicInteger();
    private final AtomicInteger processOverdue = new AtomicInteger();
    private final AtomicInteger dueSoon = new AtomicInteger();

    DeadlineWatch(ReadmissionCases cases, ReadmissionWorkflow workflow, ReadmissionProperties properties,
                  AuditTrail audit, Clock clock, TransactionTemplate transaction, MeterRegistry registry) {
        this.cases = cases;
        this.workflow = workflow;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
        this.transaction = transaction;
        this.registry = registry;
        Gauge.builder("passerelle.readmission.cases.overdue", replyOverdue, AtomicInteger::get)
                .description("Readmission cases past a legal deadline").tag("deadline", "reply").register(registry);
        Gauge.builder("passerelle.readmission.cases.overdue", processOverdue, AtomicInteger::get)
                .description("Readmission cases past a legal deadline").tag("deadline", "process").register(registry);
        Gauge.builder("passerelle.readmission.cases.due.soon", dueSoon, AtomicInteger::get)
                .description("Readmission cases with a legal deadline near").register(registry);
    }

    /** Cases whose reply is overdue (open cases past the process limit are expired as they are found). */
    List<Due> overdue() {
        Instant now = clock.instant();
        return due(cases.replyDueBefore(now), cases.processDueBefore(now));
    }

    /** Cases with a deadline not yet passed but within {@code due-soon-within}. */
    List<Due> soon() {
        Instant now = clock.instant();
        Instant horizon = now.plus(properties.dueSoonWithin());
        return due(cases.replyDueBefore(horizon), cases.processDueBefore(horizon)).stream()
                .filter(d -> !d.dueAt().isBefore(now)).toList();
    }

    /**
     * The {@code readmission-deadlines} job ({@link ReadmissionConfiguration}), on one node of the party at a time: its
     * gauges are the party's (the other nodes' stay as last set).
     */
    void check() {
        if (properties.enabled()) {
            checkNow();
        }
    }

    private void checkNow() {
        try {
            List<Due> overdue = overdue();
            for (Due d : overdue) {
                alert(d);
                if (d.deadline() == Deadline.PROCESS) {
                    expire(d.readmissionCase());
                }
            }
            replyOverdue.set((int) overdue.stream().filter(d -> d.deadline() == Deadline.REPLY).count());
            processOverdue.set((int) overdue.stream().filter(d -> d.deadline() == Deadline.PROCESS).count());
            dueSoon.set(soon().size());
        } catch (RuntimeException e) {
            log.warn("Checking the readmission clocks failed; next check in {}", properties.checkInterval(), e);
        }
    }

    private List<Due> due(List<ReadmissionCase> reply, List<ReadmissionCase> process) {
        List<Due> all = new java.util.ArrayList<>();
        reply.forEach(c -> all.add(new Due(c, Deadline.REPLY, c.replyDue())));
        process.forEach(c -> all.add(new Due(c, Deadline.PROCESS, c.processDue())));
        all.sort(java.util.Comparator.comparing(Due::dueAt));
        return all;
    }

    /** Raises the alert once per case, deadline and due time, even with several nodes of the party checking. */
    private void alert(Due d) {
        ReadmissionCase c = d.readmissionCase();
        try {
            Boolean raised = transaction.execute(tx -> {
                if (cases.alerted(c.id(), d.deadline().name(), d.dueAt())) {
                    return false;
                }
                cases.addAlert(c.id(), d.deadline().name(), d.dueAt(), clock.instant());
                audit.record(AuditTrail.Entry.of("clock",
                        ReadmissionWorkflow.CHANNEL, AuditAction.DEADLINE_OVERDUE, AuditOutcome.OK)
                        .partner(c.partner()).code(d.deadline().name(),
                                c.caseReference() + " " + d.deadline() + " deadline " + d.dueAt() + " passed in state "
                                        + c.state()));
                return true;
            });
            if (Boolean.TRUE.equals(raised)) {
                Counter.builder("passerelle.readmission.deadline.alerts").description("Readmission deadlines missed")
                        .tag("deadline", d.deadline().name().toLowerCase()).register(registry).increment();
                log.warn("Readmission case {} with {}: {} deadline passed", c.caseReference(), c.partner(),
                        d.deadline());
            }
        } catch (DuplicateKeyException raceLost) {
            // Another node of this party raised it at the same moment.
        }
    }

    private void expire(ReadmissionCase c) {
        try {
            transaction.executeWithoutResult(tx -> workflow.apply(CaseCommand.action(c.caseReference(), c.partner(),
                    CaseEvent.EXPIRE, "clock", clock.instant())));
        } catch (RuntimeException e) {
            // The case moved on meanwhile (a message or an action came first): nothing to expire.
            log.debug("Case {} not expired: {}", c.caseReference(), e.toString());
        }
    }
}
