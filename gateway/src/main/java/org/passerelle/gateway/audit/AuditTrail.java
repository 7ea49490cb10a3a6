package org.passerelle.gateway.audit;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.passerelle.contracts.ErrorCode;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Records message events and refusals in the audit log. An event is staged in the caller's transaction (a refusal in
 * a transaction of its own, so that it survives the rollback of whatever was refused) and sealed into the hash chain
 * once that transaction has committed (see {@link ChainSealer}); the readers here seal first, so they return every
 * committed event, sealed.
 */
@Component
public class AuditTrail {

    private static final int MAX = 500;
    /** Request attribute: the codes of the refusals audited while the request was handled. */
    private static final String REFUSALS = AuditTrail.class.getName() + ".refusals";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ChainSealer sealer;

    AuditTrail(JdbcClient jdbc, Clock clock, ChainSealer sealer) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.sealer = sealer;
    }

    /** Records an event, joining the caller's transaction if there is one. */
    @Transactional(propagation = Propagation.REQUIRED)
    public void record(Entry e) {
        stage(e);
    }

    /** Records a refusal in a transaction of its own. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void refused(Entry e) {
        stage(e);
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null && e.code() != null) {
            @SuppressWarnings("unchecked")
            Set<String> codes = (Set<String>) request.getAttribute(REFUSALS, RequestAttributes.SCOPE_REQUEST);
            if (codes == null) {
                codes = new HashSet<>();
                request.setAttribute(REFUSALS, codes, RequestAttributes.SCOPE_REQUEST);
            }
            codes.add(e.code());
        }
    }

    /**
     * Whether a refusal with this code has been audited while the current HTTP request was handled: the API's error
     * answer audits a refusal its thrower did not, and only such a one.
     */
    public boolean refusalAudited(ErrorCode code) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        return request != null && request.getAttribute(REFUSALS, RequestAttributes.SCOPE_REQUEST) instanceof Set<?> codes
                && codes.contains(code.name());
    }

    public List<AuditEvent> forMessage(String messageId) {
        sealer.sealQuietly();
        return jdbc.sql("select * from audit_event where message_id = :id order by seq").param("id", messageId)
                .query(AuditTrail::map).list();
    }

    /** Seals what is pending, so that a reader of the chain (a report, an export) sees every event committed so far. */
    public void sealNow() {
        sealer.sealQuietly();
    }

    /** The newest events first, for tests and operators. */
    public List<AuditEvent> latest(int limit) {
        sealer.sealQuietly();
        return jdbc.sql("select * from audit_event order by seq desc fetch first :n rows only").param("n", limit)
                .query(AuditTrail::map).list();
    }

    private void stage(Entry e) {
        insert(e);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    sealer.sealSoon();
                }
            });
        } else {
            sealer.sealSoon();
        }
    }

    private void insert(Entry e) {
        jdbc.sql("""
                insert into audit_pending (at, actor, channel, action, outcome, partner, message_id, message_type, code,
                  detail, payload_sha256, actor_role, resource, purpose, case_reference)
                values (:at, :actor, :channel, :action, :outcome, :partner, :mid, :type, :code, :detail, :sha,
                  :role, :resource, :purpose, :caseRef)""")
                .param("at", clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC)).param("actor", cut(e.actor(), 128))
                .param("channel", e.channel().name()).param("action", e.action().name())
                .param("outcome", e.outcome().name())
                .param("partner", e.partner()).param("mid", e.messageId()).param("type", e.messageType())
                .param("code", e.code()).param("detail", cut(e.detail(), MAX)).param("sha", e.payloadSha256())
                .param("role", e.role()).param("resource", cut(e.resource(), 200)).param("purpose", e.purpose())
                .param("caseRef", cut(e.caseReference(), 40))
                .update();
    }

    private static AuditEvent map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new AuditEvent(rs.getLong("id"), rs.getObject("at", java.time.OffsetDateTime.class).toInstant(),
                rs.getString("actor"), rs.getString("channel"), rs.getString("action"), rs.getString("outcome"),
                rs.getString("partner"), rs.getString("message_id"), rs.getString("message_type"),
                rs.getString("code"), rs.getString("detail"), rs.getString("payload_sha256"),
                rs.getString("actor_role"), rs.getString("resource"), rs.getString("purpose"),
                rs.getString("case_reference"), rs.getLong("seq"));
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * What to record; build with {@link #of(String, AuditChannel, AuditAction, AuditOutcome)} and the other methods.
     *
     * @param role          the actor's role when a person or system acted (e.g. LIAISON_OFFICER, SYSTEM)
     * @param resource      what was acted on or looked at, e.g. {@code records}, {@code record:<id>}, {@code audit}
     * @param purpose       the purpose the caller gave for a query (from the fixed list in {@code access.Purpose})
     * @param caseReference the case the action concerns or the caller named
     */
    public record Entry(String actor, AuditChannel channel, AuditAction action, AuditOutcome outcome, String partner,
                        String messageId, String messageType, String code, String detail, String payloadSha256,
                        String role, String resource, String purpose, String caseReference) {

        public static Entry of(String actor, AuditChannel channel, AuditAction action, AuditOutcome outcome) {
            return new Entry(actor, channel, action, outcome, null, null, null, null, null, null, null, null, null, null);
        }

        public Entry partner(String p) {
            return new Entry(actor, channel, action, outcome, p, messageId, messageType, code, detail, payloadSha256,
                    role, resource, purpose, caseReference);
        }

        public Entry message(String id, String type, String sha256) {
            return new Entry(actor, channel, action, outcome, partner, id, type, code, detail, sha256,
                    role, resource, purpose, caseReference);
        }

        public Entry code(String c, String d) {
            return new Entry(actor, channel, action, outcome, partner, messageId, messageType, c, d, payloadSha256,
                    role, resource, purpose, caseReference);
        }

        /** The refusal's or failure's code of the one catalogue, and what happened. */
        public Entry code(ErrorCode c, String d) {
            return code(c.name(), d);
        }

        /** What happened, for an event without a code. */
        public Entry detail(String d) {
            return code((String) null, d);
        }

        public Entry role(String r) {
            return new Entry(actor, channel, action, outcome, partner, messageId, messageType, code, detail,
                    payloadSha256, r, resource, purpose, caseReference);
        }

        public Entry resource(String r) {
            return new Entry(actor, channel, action, outcome, partner, messageId, messageType, code, detail,
                    payloadSha256, role, r, purpose, caseReference);
        }

        /** The purpose a caller gave and the case it named (either may be null). */
        public Entry purpose(String p, String caseRef) {
            return new Entry(actor, channel, action, outcome, partner, messageId, messageType, code, detail,
                    payloadSha256, role, resource, p, caseRef);
        }

        public Entry caseReference(String caseRef) {
            return new Entry(actor, channel, action, outcome, partner, messageId, messageType, code, detail,
                    payloadSha256, role, resource, purpose, caseRef);
        }
    }
}
