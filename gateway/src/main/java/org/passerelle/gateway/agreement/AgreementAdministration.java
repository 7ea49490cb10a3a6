package org.passerelle.gateway.agreement;

import java.time.ZoneOffset;
import java.util.List;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changes to the agreement and to partners' standing, each audited with who made it. A new version of the agreement
 * waits for a second administrator, who approves or rejects it: every change, since dates decide which caps and
 * exclusions are in force and arrival modes who may be returned. A cap override lets one named case
 * past a full cap, once. At first start the configured agreement ({@code passerelle.scheme}) becomes version 1; after
 * that the database's version is in force and the configuration is only compared with it.
 */
@Component
class AgreementAdministration implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(AgreementAdministration.class);
    static final int MAX_REASON = 200;
    static final String CONFIGURATION = "configuration";

    private final AgreementVersions versions;
    private final PartnerStandings standings;
    private final PartnerRegistry partners;
    private final SchemeProperties configured;
    private final AuditTrail audit;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Agreements agreements;
    private final org.springframework.core.env.ConfigurableEnvironment environment;
    private final List<AgreementCheck> checks;

    /** Settings of earlier versions whose rules are now the agreement's: a node still given them refuses to start. */
    static final List<String> MOVED = List.of("passerelle.ledger.policy", "passerelle.ledger.partner-policies",
            "passerelle.ledger.period-start", "passerelle.ledger.period-length", "passerelle.readmission.partners");

    AgreementAdministration(AgreementVersions versions, PartnerStandings standings, PartnerRegistry partners,
                            SchemeProperties configured, AuditTrail audit, JdbcClient jdbc,
                            TransactionTemplate transaction, Agreements agreements,
                            org.springframework.core.env.ConfigurableEnvironment environment,
                            List<AgreementCheck> checks) {
        this.environment = environment;
        this.checks = List.copyOf(checks);
        this.versions = versions;
        this.standings = standings;
        this.partners = partners;
        this.configured = configured;
        this.audit = audit;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.agreements = agreements;
    }

    /** Everything wrong with the agreement: its own problems and those the other features find. */
    private List<String> problems(Scheme scheme) {
        List<String> all = new java.util.ArrayList<>(scheme.problems());
        checks.forEach(c -> all.addAll(c.problems(scheme)));
        return all;
    }

    /** Who acted, through which channel. */
    record Actor(String name, String role, AuditChannel channel) {
    }

    /** Before the node takes messages: the configured agreement is version 1 if none is recorded yet. */
    @Override
    public void afterSingletonsInstantiated() {
        List<String> moved = new java.util.ArrayList<>();
        for (var source : environment.getPropertySources()) {
            if (source instanceof org.springframework.core.env.EnumerablePropertySource<?> e) {
                for (String name : e.getPropertyNames()) {
                    if (MOVED.stream().anyMatch(m -> name.equals(m) || name.startsWith(m + ".") || name.startsWith(m + "["))) {
                        moved.add(name);
                    }
                }
            }
        }
        if (!moved.isEmpty()) {
            // Ignoring them would silently drop a partner's caps or clocks: say where they went instead.
            throw new IllegalStateException("These settings are now the agreement's (passerelle.scheme phases: each"
                    + " partner's equivalence, caps and clocks; README \"Agreements, phases and caps\"): "
                    + String.join(", ", new java.util.TreeSet<>(moved)));
        }
        Scheme scheme = configured.configured();
        List<String> problems = problems(scheme);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("passerelle.scheme and passerelle.data-sharing cannot be put in force: "
                    + String.join("; ", problems));
        }
        transaction.executeWithoutResult(tx -> {
            lock();
            versions.inForce().ifPresentOrElse(v -> {
                if (!versions.statesDataSharing(v.id()) && !scheme.dataSharing().isEmpty()) {
                    // A version recorded before data-sharing was the agreement's: the configured entries were in
                    // force with it, so they are carried over as they were, once, and audited. A version that states
                    // none (approved so, or first put in force without any) is left as it is: only a second
                    // administrator changes it.
                    Scheme carried = v.scheme().withDataSharing(scheme.dataSharing());
                    AgreementVersions.Version next = versions.insert(carried, v.id(), AgreementVersions.Status.IN_FORCE,
                            false, AgreementVersions.diff(v.scheme(), carried).text(),
                            "data-sharing carried over from the configuration", CONFIGURATION);
                    audit.record(AuditTrail.Entry.of(CONFIGURATION, AuditChannel.CASEWORK,
                            AuditAction.AGREEMENT_IN_FORCE, AuditOutcome.OK).resource("agreement:" + next.id())
                            .detail(summary(next)));
                    return;
                }
                if (!AgreementVersions.diff(v.scheme(), scheme).changes().isEmpty()) {
                    log.warn("passerelle.scheme differs from agreement version {} in force ({}, by {}): the version in"
                            + " force stands; change the agreement through POST /api/v1/agreements/versions",
                            v.id(), v.proposedAt(), v.proposedBy());
                }
            }, () -> {
                AgreementVersions.Version v = versions.insert(scheme, null, AgreementVersions.Status.IN_FORCE, false,
                        "first version, from the configuration", null, CONFIGURATION);
                audit.record(AuditTrail.Entry.of(CONFIGURATION, AuditChannel.CASEWORK, AuditAction.AGREEMENT_IN_FORCE,
                        AuditOutcome.OK).resource("agreement:" + v.id()).detail(summary(v)));
            });
        });
    }

    /**
     * Proposes a new version, to wait for a second administrator. {@code basedOn}, when given, is the version the
     * proposer read: a proposal against another is stale.
     */
    @Transactional
    AgreementVersions.Version propose(Scheme scheme, Long basedOn, String note, Actor actor) {
        lock();
        List<String> problems = problems(scheme);
        if (!problems.isEmpty()) {
            throw refused(actor, AuditAction.AGREEMENT_CHANGE_PROPOSED, null, GatewayErrorCode.AGREEMENT_INVALID,
                    "The agreement cannot be put in force as it stands", problems);
        }
        AgreementVersions.Version current = versions.inForce().orElse(null);
        if (basedOn != null && (current == null || current.id() != basedOn)) {
            throw refused(actor, AuditAction.AGREEMENT_CHANGE_PROPOSED, null, GatewayErrorCode.AGREEMENT_CHANGE_STALE,
                    "The proposal is based on version " + basedOn + "; version " + (current == null ? "none" : current.id())
                            + " is in force", List.of("based on " + basedOn));
        }
        AgreementVersions.Diff diff = AgreementVersions.diff(current == null ? Scheme.of(null, null) : current.scheme(), scheme);
        String why = note == null ? null : note.strip();
        if (why != null && why.length() > MAX_REASON) {
            throw refused(actor, AuditAction.AGREEMENT_CHANGE_PROPOSED, null, GatewayErrorCode.AGREEMENT_ACTION_INVALID,
                    "A note is at most " + MAX_REASON + " characters", List.of("note"));
        }
        if (!diff.needsApproval()) {
            throw refused(actor, AuditAction.AGREEMENT_CHANGE_PROPOSED, null, GatewayErrorCode.AGREEMENT_INVALID,
                    "The proposal changes nothing in the version in force", List.of("no change"));
        }
        AgreementVersions.Version v = versions.insert(scheme, current == null ? null : current.id(),
                AgreementVersions.Status.PENDING, true, diff.text(), why, actor.name());
        audit.record(entry(actor, AuditAction.AGREEMENT_CHANGE_PROPOSED, AuditOutcome.PENDING, v.id())
                .detail(clip(summary(v))));
        return v;
    }

    /** A second administrator approves or rejects a pending version. */
    @Transactional
    AgreementVersions.Version decide(long id, boolean approve, Actor actor) {
        AuditAction action = approve ? AuditAction.AGREEMENT_CHANGE_APPROVED : AuditAction.AGREEMENT_CHANGE_REJECTED;
        lock();
        AgreementVersions.Version v = versions.find(id).filter(x -> x.status() == AgreementVersions.Status.PENDING)
                .orElseThrow(() -> refused(actor, action, id, GatewayErrorCode.AGREEMENT_CHANGE_NOT_FOUND,
                        "No pending agreement version " + id, List.of()));
        if (approve && actor.name().equals(v.proposedBy())) {
            throw refused(actor, action, id, GatewayErrorCode.APPROVAL_BY_REQUESTER,
                    "A second administrator must approve this change", List.of("proposed by " + v.proposedBy()));
        }
        Long inForce = versions.inForce().map(AgreementVersions.Version::id).orElse(null);
        if (approve && !java.util.Objects.equals(inForce, v.basedOn())) {
            throw refused(actor, action, id, GatewayErrorCode.AGREEMENT_CHANGE_STALE, "Version " + id
                    + " was proposed against version " + v.basedOn() + "; version " + inForce + " is in force now",
                    List.of("propose it again against version " + inForce));
        }
        if (!versions.decide(id, approve ? AgreementVersions.Status.IN_FORCE : AgreementVersions.Status.REJECTED,
                actor.name())) {
            throw refused(actor, action, id, GatewayErrorCode.AGREEMENT_CHANGE_NOT_FOUND,
                    "Agreement version " + id + " was decided meanwhile", List.of());
        }
        audit.record(entry(actor, action, approve ? AuditOutcome.GRANTED : AuditOutcome.OK, id)
                .detail(clip("proposed by " + v.proposedBy() + ": " + v.changes())));
        return versions.find(id).orElseThrow();
    }

    /** Sets a partner's standing: winding down (it walked away) or active again; and its admissions window. */
    @Transactional
    PartnerStandings.PartnerStanding setStanding(String party, PartnerStandings.Standing standing, Boolean admissionsOpen,
                                                 String reason, Actor actor) {
        partners.require(party);
        String why = requireReason(reason, actor, AuditAction.PARTNER_STANDING_CHANGED, "partner:" + party);
        if (standing == null || admissionsOpen == null) {
            // Both, always: a change meant for one must never reset the other (a winding-down partner made active).
            throw refused(actor, AuditAction.PARTNER_STANDING_CHANGED, null, GatewayErrorCode.AGREEMENT_ACTION_INVALID,
                    "A standing change states both the standing and whether admissions are open",
                    List.of("standing", "admissionsOpen"));
        }
        PartnerStandings.PartnerStanding before = standings.of(party);
        standings.set(party, standing, admissionsOpen, why, actor.name());
        audit.record(AuditTrail.Entry.of(actor.name(), actor.channel(), AuditAction.PARTNER_STANDING_CHANGED,
                AuditOutcome.GRANTED).role(actor.role()).partner(party).resource("partner:" + party)
                .detail(clip(before.standing() + (before.admissionsOpen() ? ", admissions open" : ", admissions closed")
                        + " → " + standing + (admissionsOpen ? ", admissions open" : ", admissions closed") + ": " + why)));
        return standings.of(party);
    }

    /** Records an override letting one case past a full cap (used once, by that case's first message). */
    @Transactional
    long recordOverride(String party, CaseKind kind, String caseReference, String reason, Actor actor) {
        partners.require(party);
        String resource = "case:" + caseReference;
        if (kind == null || caseReference == null || !caseReference.matches("[A-Z]{2}-(RA|AD)-\\d{4}-\\d{6}")) {
            throw refused(actor, AuditAction.CAP_OVERRIDE_RECORDED, null, GatewayErrorCode.AGREEMENT_ACTION_INVALID,
                    "An override names a case kind (RETURN or ADMISSION) and a case reference", List.of("kind", "caseReference"));
        }
        String why = requireReason(reason, actor, AuditAction.CAP_OVERRIDE_RECORDED, resource);
        boolean used = jdbc.sql("""
                select count(*) from cap_override where partner = :p and kind = :k and case_reference = :c
                  and used_by_message is not null""")
                .param("p", party).param("k", kind.name()).param("c", caseReference).query(Integer.class).single() > 0;
        if (used) {
            throw refused(actor, AuditAction.CAP_OVERRIDE_RECORDED, null, GatewayErrorCode.AGREEMENT_ACTION_INVALID,
                    "The case " + caseReference + " was let past a cap already", List.of("caseReference"));
        }
        jdbc.sql("delete from cap_override where partner = :p and kind = :k and case_reference = :c and used_by_message is null")
                .param("p", party).param("k", kind.name()).param("c", caseReference).update();
        org.springframework.jdbc.support.GeneratedKeyHolder key = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                insert into cap_override (partner, kind, case_reference, reason, recorded_by, recorded_at)
                values (:p, :k, :c, :r, :by, :at)""")
                .param("p", party).param("k", kind.name()).param("c", caseReference).param("r", why)
                .param("by", actor.name()).param("at", agreements.now().atOffset(ZoneOffset.UTC)).update(key, "id");
        audit.record(AuditTrail.Entry.of(actor.name(), actor.channel(), AuditAction.CAP_OVERRIDE_RECORDED,
                AuditOutcome.GRANTED).role(actor.role()).partner(party).caseReference(caseReference).resource(resource)
                .detail(clip(kind + " " + caseReference + ": " + why)));
        return key.getKey().longValue();
    }

    private void lock() {
        agreements.lock();
    }

    private String requireReason(String reason, Actor actor, AuditAction action, String resource) {
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            audit.refused(AuditTrail.Entry.of(actor.name(), actor.channel(), action, AuditOutcome.REFUSED)
                    .role(actor.role()).resource(resource)
                    .code(GatewayErrorCode.AGREEMENT_ACTION_INVALID.name(), "reason missing or too long"));
            throw new GatewayException(GatewayErrorCode.AGREEMENT_ACTION_INVALID,
                    "A reason of 1 to " + MAX_REASON + " characters is required");
        }
        return why;
    }

    private GatewayException refused(Actor actor, AuditAction action, Long version, GatewayErrorCode code, String title,
                                     List<String> details) {
        audit.refused(entry(actor, action, AuditOutcome.REFUSED, version).code(code.name(), clip(String.join("; ", details))));
        return new GatewayException(code, title, details, null);
    }

    private static AuditTrail.Entry entry(Actor actor, AuditAction action, AuditOutcome outcome, Long version) {
        return AuditTrail.Entry.of(actor.name(), actor.channel(), action, outcome).role(actor.role())
                .resource(version == null ? "agreement" : "agreement:" + version);
    }

    private static String summary(AgreementVersions.Version v) {
        return "version " + v.id() + " (" + v.sha256().substring(0, 16) + "), " + v.status() + ": " + v.changes();
    }

    private static String clip(String s) {
        return s.length() <= 1000 ? s : s.substring(0, 999) + "…";
    }
}
