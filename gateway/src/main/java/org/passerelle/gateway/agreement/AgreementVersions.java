package org.passerelle.gateway.agreement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.passerelle.gateway.exchange.Digests;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The versions of the agreement ({@code agreement_version}): the one in force, those waiting for a second
 * administrator, and those superseded or rejected. Reads go to the database each time (a cheap query on the status
 * index), so every node sharing it puts a new version in force at once.
 */
@Component
class AgreementVersions {

    enum Status { PENDING, IN_FORCE, SUPERSEDED, REJECTED }

    /** One version as stored. */
    record Version(long id, Scheme scheme, String sha256, Long basedOn, Status status, boolean needsApproval,
                   String changes, String note, String proposedBy, Instant proposedAt, String decidedBy,
                   Instant decidedAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private volatile Version cached;
    /** When {@link #cached} was last confirmed to be the version in force ({@link System#nanoTime()}). */
    private volatile long confirmedAt;
    /** How long the hot path trusts its copy: a version approved on another node is seen within this. */
    static final long FRESH_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);

    AgreementVersions(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** The version in force, if one was ever recorded, as the database has it now. */
    Optional<Version> inForce() {
        Optional<Long> id = jdbc.sql("select id from agreement_version where status = 'IN_FORCE'")
                .query(Long.class).optional();
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Version c = cached;
        if (c != null && c.id() == id.get()) {
            confirmedAt = System.nanoTime();
            return Optional.of(c);
        }
        Optional<Version> read = find(id.get());
        read.ifPresent(v -> {
            cached = v;
            confirmedAt = System.nanoTime();
        });
        return read;
    }

    /**
     * Whether the version's stored document states its data-sharing (even as none): every version written since
     * data-sharing became the agreement's does; one written before does not.
     */
    boolean statesDataSharing(long id) {
        String document = jdbc.sql("select document from agreement_version where id = :id").param("id", id)
                .query(String.class).single();
        return json.readTree(document).has("dataSharing");
    }

    /** Drops the hot path's copy now and again once the change commits, so that it is read again from then on. */
    private void forgetCopy() {
        cached = null;
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCompletion(int status) {
                            cached = null;
                        }
                    });
        }
    }

    /**
     * The version in force as confirmed within the last half second: for the checks every message makes (data-sharing,
     * the disclosure record, a case's agreement), so that they do not each ask the database. A version approved on
     * this node is seen at once; on another node of the party within half a second.
     */
    Optional<Version> inForceRecent() {
        Version c = cached;
        if (c != null && System.nanoTime() - confirmedAt < FRESH_NANOS) {
            return Optional.of(c);
        }
        return inForce();
    }

    Optional<Version> find(long id) {
        return jdbc.sql("select * from agreement_version where id = :id").param("id", id).query(this::map).optional();
    }

    List<Version> latest(int limit) {
        return jdbc.sql("select * from agreement_version order by id desc fetch first :n rows only")
                .param("n", limit).query(this::map).list();
    }

    /** Stores a version; one IN_FORCE supersedes the version in force (in the caller's transaction). */
    Version insert(Scheme scheme, Long basedOn, Status status, boolean needsApproval, String changes, String note,
                   String proposedBy) {
        String document = json.writeValueAsString(scheme);
        forgetCopy();
        if (status == Status.IN_FORCE) {
            jdbc.sql("update agreement_version set status = 'SUPERSEDED' where status = 'IN_FORCE'").update();
        }
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                insert into agreement_version (document, sha256, based_on, status, needs_approval, changes, note,
                  proposed_by, proposed_at, decided_by, decided_at)
                values (:doc, :sha, :based, :status, :needs, :changes, :note, :by, :at, :decidedBy, :decidedAt)""")
                .param("doc", document).param("sha", Digests.sha256Hex(document.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .param("based", basedOn).param("status", status.name()).param("needs", needsApproval)
                .param("changes", changes).param("note", note).param("by", proposedBy).param("at", now())
                .param("decidedBy", status == Status.IN_FORCE ? proposedBy : null)
                .param("decidedAt", status == Status.IN_FORCE ? now() : null)
                .update(key, "id");
        return find(key.getKey().longValue()).orElseThrow();
    }

    /**
     * Decides a pending version; false when it is not (or no longer) pending. Approval supersedes the version in
     * force; the condition on the status makes two administrators deciding at once see one decision win.
     */
    boolean decide(long id, Status decision, String decidedBy) {
        forgetCopy();
        if (decision == Status.IN_FORCE) {
            jdbc.sql("""
                    update agreement_version set status = 'SUPERSEDED'
                    where status = 'IN_FORCE' and exists (select 1 from agreement_version p where p.id = :id and p.status = 'PENDING')""")
                    .param("id", id).update();
        }
        return jdbc.sql("""
                update agreement_version set status = :s, decided_by = :by, decided_at = :at
                where id = :id and status = 'PENDING'""")
                .param("s", decision.name()).param("by", decidedBy).param("at", now()).param("id", id).update() == 1;
    }

    Scheme read(String document) {
        return json.readValue(document, Scheme.class);
    }

    /**
     * What differs between two versions, each as one phrase, for the approver and the audit. Every change needs a
     * second administrator: dates decide which phase's caps and exclusions are in force, arrival modes who may be
     * returned, and clocks the legal time limits, so none of them is less than a change of caps or exclusions.
     */
    static Diff diff(Scheme before, Scheme after) {
        List<String> changes = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        before.phases().forEach(p -> names.add(p.name()));
        after.phases().forEach(p -> names.add(p.name()));
        for (String name : names) {
            Optional<Scheme.Phase> was = phase(before, name);
            Optional<Scheme.Phase> is = phase(after, name);
            if (was.isEmpty() || is.isEmpty()) {
                Scheme.Phase p = was.orElseGet(is::get);
                changes.add("phase " + name + (was.isEmpty() ? " added" : " removed") + " (" + p.from() + "–"
                        + (p.until() == null ? "open-ended" : p.until()) + ", partners " + p.partners().keySet()
                        + ", caps across partners: " + p.caps().describe() + ")");
                continue;
            }
            Scheme.Phase a = was.get();
            Scheme.Phase b = is.get();
            if (!Objects.equals(a.start(), b.start()) || !Objects.equals(a.end(), b.end())) {
                changes.add("phase " + name + " dates " + a.from() + "–" + a.until() + " → " + b.from() + "–" + b.until());
            }
            if (!a.caps().equals(b.caps())) {
                changes.add("phase " + name + " caps across partners " + a.caps().describe() + " → " + b.caps().describe());
            }
            Set<String> parties = new TreeSet<>(a.partners().keySet());
            parties.addAll(b.partners().keySet());
            for (String party : parties) {
                Scheme.Terms x = a.partners().get(party);
                Scheme.Terms y = b.partners().get(party);
                String where = "phase " + name + " partner " + party;
                if (x == null || y == null) {
                    Scheme.Terms t = x == null ? y : x;
                    changes.add(where + (x == null ? " added" : " removed") + " (arrival modes " + t.arrivalModes()
                            + ", caps: " + t.caps().describe() + ")");
                    continue;
                }
                Map<String, Object[]> fields = Map.of("arrival modes", new Object[] {x.arrivalModes(), y.arrivalModes()},
                        "equivalence", new Object[] {x.equivalence(), y.equivalence()},
                        "clocks", new Object[] {x.clocks(), y.clocks()});
                for (var f : new TreeSet<>(fields.keySet())) {
                    Object[] v = fields.get(f);
                    if (!v[0].equals(v[1])) {
                        changes.add(where + " " + f + " " + v[0] + " → " + v[1]);
                    }
                }
                if (!x.exclusions().equals(y.exclusions())) {
                    changes.add(where + " exclusions " + x.exclusions() + " → " + y.exclusions());
                }
                if (!x.caps().equals(y.caps())) {
                    changes.add(where + " caps " + x.caps().describe() + " → " + y.caps().describe());
                }
            }
        }
        if (!before.name().equals(after.name())) {
            changes.add("scheme name " + before.name() + " → " + after.name());
        }
        Set<String> sharing = new TreeSet<>(before.dataSharing().keySet());
        sharing.addAll(after.dataSharing().keySet());
        for (String party : sharing) {
            Scheme.DataSharing was = before.dataSharing().get(party);
            Scheme.DataSharing is = after.dataSharing().get(party);
            if (Objects.equals(was, is)) {
                continue;
            }
            if (was == null || is == null) {
                Scheme.DataSharing d = was == null ? is : was;
                changes.add("data-sharing " + party + (was == null ? " added" : " removed") + " (basis " + d.basis()
                        + "; inbound " + describe(d.inbound()) + "; outbound " + describe(d.outbound()) + ")");
                continue;
            }
            if (!Objects.equals(was.basis(), is.basis())) {
                changes.add("data-sharing " + party + " basis " + was.basis() + " → " + is.basis());
            }
            if (!was.inbound().equals(is.inbound())) {
                changes.add("data-sharing " + party + " inbound " + describe(was.inbound()) + " → " + describe(is.inbound()));
            }
            if (!was.outbound().equals(is.outbound())) {
                changes.add("data-sharing " + party + " outbound " + describe(was.outbound()) + " → "
                        + describe(is.outbound()));
            }
        }
        return new Diff(changes);
    }

    private static String describe(Scheme.Flow flow) {
        return "forbidden " + flow.forbidden() + (flow.exempt().isEmpty() ? "" : ", exempt " + flow.exempt());
    }

    record Diff(List<String> changes) {

        boolean needsApproval() {
            return !changes.isEmpty();
        }

        String text() {
            return changes.isEmpty() ? "no change" : String.join("; ", changes);
        }
    }

    private static Optional<Scheme.Phase> phase(Scheme s, String name) {
        return s.phases().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private Version map(ResultSet rs, int row) throws SQLException {
        long based = rs.getLong("based_on");
        return new Version(rs.getLong("id"), read(rs.getString("document")), rs.getString("sha256"),
                rs.wasNull() ? null : based, Status.valueOf(rs.getString("status")), rs.getBoolean("needs_approval"),
                rs.getString("changes"), rs.getString("note"), rs.getString("proposed_by"), instant(rs, "proposed_at"),
                rs.getString("decided_by"), instant(rs, "decided_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

}
