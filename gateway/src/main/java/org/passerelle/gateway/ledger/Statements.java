package org.passerelle.gateway.ledger;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.contracts.equivalence.v1.EquivalenceStatement;
import org.passerelle.contracts.equivalence.v1.FairShare;
import org.passerelle.contracts.equivalence.v1.OneForOne;
import org.passerelle.contracts.equivalence.v1.Policy;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.contracts.equivalence.v1.WeeklyCap;
import org.passerelle.gateway.exchange.Envelopes;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.Partner;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends each partner a statement of this node's own counts for an ISO week, as an ordinary signed message
 * submitted through intake by the node itself (actor {@code node}); the weekly job sends last week's once.
 */
@Component
class Statements {

    private static final Logger log = LoggerFactory.getLogger(Statements.class);
    static final String NODE = org.passerelle.gateway.exchange.outbound.IntakeService.NODE;

    private final Ledger ledger;
    private final LedgerProperties properties;
    private final PartnerRegistry partners;
    private final IntakeService intake;
    private final MessageCodec codec;
    private final NodeProperties node;
    private final Clock clock;

    Statements(Ledger ledger, LedgerProperties properties, PartnerRegistry partners, IntakeService intake,
               MessageCodec codec, NodeProperties node, Clock clock) {
        this.ledger = ledger;
        this.properties = properties;
        this.partners = partners;
        this.intake = intake;
        this.codec = codec;
        this.node = node;
        this.clock = clock;
    }

    /** Sends the statement of the ISO week starting {@code weekStart} to one partner (or all, when null); the message ids. */
    List<String> send(String partnerOrNull, LocalDate weekStart) {
        List<String> ids = new ArrayList<>();
        for (Partner partner : partners.all()) {
            if (partnerOrNull == null || partner.party().equals(partnerOrNull)) {
                if (partner.maySend(MessageType.EQUIVALENCE_STATEMENT.value())) {
                    ids.add(intake.submitOwn(envelope(partner.party(), weekStart)));
                }
            }
        }
        return ids;
    }

    /** The weekly job: last ISO week's statement to every partner that has not had it yet. */
    public void sendLastWeekIfDue() {
        if (!properties.weeklyStatements()) {
            return;
        }
        LocalDate lastWeek = Ledger.weekStart(ledger.today()).minusWeeks(1);
        for (Partner partner : partners.all()) {
            if (partner.maySend(MessageType.EQUIVALENCE_STATEMENT.value()) && !ledger.statementSent(partner.party(), lastWeek)) {
                try {
                    send(partner.party(), lastWeek);
                    log.info("Sent the equivalence statement of {} to {}", Ledger.isoWeek(lastWeek), partner.party());
                } catch (RuntimeException e) {
                    // Audited by intake; the next check tries again.
                    log.warn("Could not send the equivalence statement of {} to {}", Ledger.isoWeek(lastWeek), partner.party());
                }
            }
        }
    }

    private byte[] envelope(String partner, LocalDate weekStart) {
        LocalDate weekEnd = weekStart.plusDays(6);
        EquivalencePolicy.Counts counts = ledger.counts(partner, weekStart, weekEnd);
        EquivalenceStatement statement = new EquivalenceStatement();
        statement.setPeriodStart(weekStart);
        statement.setPeriodEnd(weekEnd);
        statement.setReturnsCount(Math.toIntExact(counts.returns()));
        statement.setAdmissionsCount(Math.toIntExact(counts.admissions()));
        statement.setPolicy(policy(ledger.terms(partner, weekStart)));
        Body body = new Body();
        body.setEquivalenceStatement(statement);
        Envelope e = Envelopes.own(UUID.randomUUID().toString(), node.party(), partner,
                MessageType.EQUIVALENCE_STATEMENT, clock.instant(), body);
        return codec.encode(e);
    }

    /** The statement's policy element for a partner's terms (other caps have no place in it). */
    static Policy policy(Scheme.Terms terms) {
        Policy p = new Policy();
        Scheme.Equivalence e = terms.equivalence();
        switch (e.policy()) {
            case ONE_FOR_ONE -> p.setOneForOne(new OneForOne());
            case FAIR_SHARE -> {
                FairShare f = new FairShare();
                f.setReturns(e.returns());
                f.setAdmissions(e.admissions());
                p.setFairShare(f);
            }
            case WEEKLY_CAP -> {
                WeeklyCap c = new WeeklyCap();
                c.setCap(terms.caps().returnsPerWeek());
                p.setWeeklyCap(c);
            }
        }
        return p;
    }

    static String describe(Policy p) {
        if (p == null) {
            return "NONE";
        }
        if (p.getFairShare() != null) {
            return "FAIR_SHARE " + p.getFairShare().getReturns() + ":" + p.getFairShare().getAdmissions();
        }
        if (p.getWeeklyCap() != null) {
            return "WEEKLY_CAP " + p.getWeeklyCap().getCap();
        }
        return "ONE_FOR_ONE";
    }
}
