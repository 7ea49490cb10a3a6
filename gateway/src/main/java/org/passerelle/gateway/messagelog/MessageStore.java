package org.passerelle.gateway.messagelog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.passerelle.gateway.node.HeldWork;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The message log, its payloads, status history, outbox and receipts, over plain JDBC so that the same SQL
 * runs on H2 and PostgreSQL. Every method that changes more than one row does so in one transaction.
 */
@Repository
public class MessageStore implements HeldWork {

    private static final int DETAIL_MAX = 500;

    private final JdbcClient jdbc;
    /** Outbox entries this node claimed and is still working: the claims its heartbeat renews. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    /** Whether this node may claim now (false while it cannot record its heartbeat: the others may take its work). */
    private volatile BooleanSupplier mayClaim = () -> true;
    private final PayloadVault vault;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public MessageStore(JdbcClient jdbc, PayloadVault vault, Clock clock) {
        this(jdbc, vault, clock, null);
    }

    /** With {@code events}, each stored outbox entry is announced ({@link OutboxWorkAdded}) for its workers. */
    @Autowired
    public MessageStore(JdbcClient jdbc, PayloadVault vault, Clock clock, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Stores a message, its payload, its first statuses and the work it needs, all or nothing. Returns false,
     * storing nothing, when a message with this id is already in the log.
     */
    @Transactional
    public boolean accept(NewMessage m, byte[] payload, List<MessageStatus> statuses, List<OutboxTarget> work) {
        if (exists(m.messageId())) {
            return false;
        }
        Instant now = clock.instant();
        MessageStatus current = statuses.get(statuses.size() - 1);
        jdbc.sql("""
                insert into message (message_id, direction, message_type, conversation_id, ref_to_message_id,
                  from_party, to_party, created_at, expires_at, accepted_at, payload_sha256, payload_size, status,
                  test_indicator, updated_at)
                values (:id, :direction, :type, :conversation, :ref, :from, :to, :created, :expires, :now, :sha,
                  :size, :status, :test, :now)""")
                .param("id", m.messageId()).param("direction", m.direction().name())
                .param("type", m.messageType()).param("conversation", m.conversationId())
                .param("ref", m.refToMessageId()).param("from", m.fromParty()).param("to", m.toParty())
                .param("created", ts(m.createdAt())).param("expires", ts(m.expiresAt())).param("now", ts(now))
                .param("sha", m.payloadSha256()).param("size", m.payloadSize()).param("status", current.name())
                .param("test", m.testIndicator())
                .update();
        PayloadVault.Sealed sealed = vault.seal(m.messageId(), payload);
        jdbc.sql("insert into message_payload (message_id, key_id, iv, ciphertext) values (:id, :key, :iv, :ct)")
                .param("id", m.messageId()).param("key", sealed.keyId()).param("iv", sealed.iv())
                .param("ct", sealed.ciphertext())
                .update();
        for (MessageStatus status : statuses) {
            insertHistory(m.messageId(), status, null, null, now);
        }
        for (OutboxTarget t : work) {
            insertOutbox(m.messageId(), t, m.conversationId(), now);
        }
        return true;
    }

    public boolean exists(String messageId) {
        return jdbc.sql("select count(*) from message where message_id = :id").param("id", messageId)
                .query(Long.class).single() > 0;
    }

    public Optional<MessageRecord> find(String messageId) {
        return jdbc.sql("select * from message where message_id = :id").param("id", messageId)
                .query(MessageStore::mapMessage).optional();
    }

    public List<StatusChange> history(String messageId) {
        return jdbc.sql("select status, reason, detail, at from message_status_history where message_id = :id order by id")
                .param("id", messageId)
                .query((rs, i) -> new StatusChange(MessageStatus.valueOf(rs.getString("status")),
                        rs.getString("reason"), rs.getString("detail"), instant(rs, "at")))
                .list();
    }

    /** The exact envelope bytes, decrypted; empty when purged. */
    public Optional<byte[]> payload(String messageId) {
        return jdbc.sql("select key_id, iv, ciphertext from message_payload where message_id = :id and purged_at is null")
                .param("id", messageId)
                .query((rs, i) -> vault.open(messageId, rs.getString("key_id"), rs.getBytes("iv"), rs.getBytes("ciphertext")))
                .optional();
    }

    /** Records a new status for the message, with the stable code that explains it and a safe detail. */
    @Transactional
    public void recordStatus(String messageId, MessageStatus status, String reason, String detail) {
        Instant now = clock.instant();
        jdbc.sql("update message set status = :status, status_reason = :reason, updated_at = :now where message_id = :id")
                .param("status", status.name()).param("reason", reason).param("now", ts(now)).param("id", messageId)
                .update();
        insertHistory(messageId, status, reason, detail, now);
    }

    // ---- outbox ------------------------------------------------------------------------------------------

    /**
     * Claims up to {@code limit} due entries of one kind for this node for {@code lease}. Per target and
     * conversation only the oldest open entry is claimable, which keeps each conversation in order; a parked entry
     * counts as open, so the later entries of its conversation are held behind it until it is replayed or an
     * administrator releases it ({@link #releaseParked}). The claim is a conditional update, so two nodes sharing
     * the database never claim the same entry.
     */
    @Transactional
    public List<OutboxEntry> claimDue(OutboxKind kind, String nodeId, int limit, Duration lease) {
        return claimDue(kind, null, nodeId, limit, lease);
    }

    /**
     * As {@link #claimDue(OutboxKind, String, int, Duration)}, for one target only when {@code target} is not null:
     * the delivery workers claim per target as many entries as the target has free slots in its bulkhead.
     */
    @Transactional
    public List<OutboxEntry> claimDue(OutboxKind kind, String target, String nodeId, int limit, Duration lease) {
        if (!mayClaim.getAsBoolean()) {
            return List.of();
        }
        Instant now = clock.instant();
        var query = jdbc.sql("""
                select o.* from outbox o
                where o.kind = :kind and o.state = 'PENDING' and o.next_attempt_at <= :now
                  and (o.claimed_until is null or o.claimed_until < :now)
                  and not exists (select 1 from outbox p
                                  where p.kind = o.kind and p.target = o.target
                                    and p.conversation_id = o.conversation_id
                                    and p.state in ('PENDING', 'PARKED') and p.id < o.id)
                """ + (target == null ? """
                  order by o.kind, o.state, o.id
                """ : """
                  and o.target = :target
                order by o.kind, o.target, o.state, o.id
                """) + """
                fetch first :limit rows only""")
                .param("kind", kind.name()).param("now", ts(now)).param("limit", limit);
        if (target != null) {
            query = query.param("target", target);
        }
        List<OutboxEntry> candidates = query.query(MessageStore::mapOutbox).list();
        List<OutboxEntry> claimed = new ArrayList<>(candidates.size());
        for (OutboxEntry e : candidates) {
            int rows = jdbc.sql("""
                    update outbox set claimed_by = :node, claimed_until = :until
                    where id = :id and state = 'PENDING' and (claimed_until is null or claimed_until < :now)""")
                    .param("node", nodeId).param("until", ts(now.plus(lease))).param("id", e.id()).param("now", ts(now))
                    .update();
            if (rows == 1) {
                inFlight.add(e.id());
                claimed.add(e);
            }
        }
        if (!claimed.isEmpty() && TransactionSynchronizationManager.isSynchronizationActive()) {
            // The claims are one commit; if it fails, none of them holds and none is renewed.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status != STATUS_COMMITTED) {
                        claimed.forEach(e -> inFlight.remove(e.id()));
                    }
                }
            });
        }
        return claimed;
    }

    /** Only claim while {@code check} says so (the node's heartbeat is recent: see ClusterMembers). */
    public void claimOnlyWhile(BooleanSupplier check) {
        this.mayClaim = check;
    }

    /** The worker is done with the claimed entry (settled, or its claim lost): its claim is no longer renewed. */
    public void done(OutboxEntry entry) {
        inFlight.remove(entry.id());
    }

    /**
     * Gives back a claim whose attempt ended without being settled (an exception, or the node stopping before it
     * began), for another attempt now, rather than leaving it held until its lease lapses.
     */
    public void abandon(OutboxEntry entry, String nodeId) {
        inFlight.remove(entry.id());
        jdbc.sql("""
                update outbox set claimed_by = null, claimed_until = null
                where id = :id and state = 'PENDING' and claimed_by = :node""")
                .param("id", entry.id()).param("node", nodeId).update();
    }

    /**
     * Renews, for another {@code lease}, this node's claims on the entries it is still working: an attempt that takes
     * longer than the lease keeps its claim. A claim whose worker is gone is not renewed, and lapses.
     */
    public int renewClaims(String nodeId, Duration lease) {
        List<Long> ids = List.copyOf(inFlight);
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                update outbox set claimed_until = :until
                where claimed_by = :node and state = 'PENDING' and id in (:ids)""")
                .param("until", ts(clock.instant().plus(lease))).param("node", nodeId).param("ids", ids).update();
    }

    @Override
    public String what() {
        return "outbox claims";
    }

    @Override
    public boolean releasedAtStop() {
        return false;
    }

    /** Releases the claims of the node's pending entries (those it settled are released already). */
    @Override
    public int releaseHeldBy(String nodeId) {
        return jdbc.sql("update outbox set claimed_by = null, claimed_until = null "
                + "where claimed_by = :n and state = 'PENDING'").param("n", nodeId).update();
    }

    /** The targets that have an entry of this kind due and unclaimed now (a hint for whom to claim for; claimDue decides). */
    public List<String> dueTargets(OutboxKind kind) {
        Instant now = clock.instant();
        return jdbc.sql("""
                select distinct target from outbox
                where kind = :kind and state = 'PENDING' and next_attempt_at <= :now
                  and (claimed_until is null or claimed_until < :now)""")
                .param("kind", kind.name()).param("now", ts(now)).query(String.class).list();
    }

    /**
     * Makes due now the target's pending entries that wait out a back-off after failing with one of {@code codes}:
     * the target answers again, so their wait is for nothing. Claimed entries (in flight) are left alone, and so is
     * every other entry: parked ones wait for an administrator, and those held for a suspension or a refused
     * certificate are looked at again within a second anyway. Returns how many were brought forward.
     */
    public int bringForward(OutboxKind kind, String target, List<String> codes) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update outbox set next_attempt_at = :now
                where kind = :kind and target = :target and state = 'PENDING' and next_attempt_at > :now
                  and last_error in (:codes) and (claimed_until is null or claimed_until < :now)""")
                .param("now", ts(now)).param("kind", kind.name()).param("target", target).param("codes", codes)
                .update();
    }

    /**
     * Makes due now the one entry of the target, among those {@link #bringForward} would take, that is due soonest —
     * unless an entry of the target is due already: a circuit that lets its trial call through has a message for it.
     * True when one was brought forward.
     */
    public boolean bringForwardOne(OutboxKind kind, String target, List<String> codes) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update outbox set next_attempt_at = :now
                where id = (select w.id from outbox w
                            where w.kind = :kind and w.target = :target and w.state = 'PENDING'
                              and w.next_attempt_at > :now and w.last_error in (:codes)
                              and (w.claimed_until is null or w.claimed_until < :now)
                            order by w.next_attempt_at, w.id
                            fetch first 1 rows only)
                  and not exists (select 1 from outbox d
                                  where d.kind = :kind and d.target = :target and d.state = 'PENDING'
                                    and d.next_attempt_at <= :now)""")
                .param("now", ts(now)).param("kind", kind.name()).param("target", target).param("codes", codes)
                .update() == 1;
    }

    /**
     * Marks the entry done and records the message's new status, in one transaction, provided this node still
     * holds the claim (a lapsed lease may have passed the entry on); false, changing nothing, if not. The same
     * holds for {@link #retryLater} and {@link #park}.
     */
    @Transactional
    public boolean complete(OutboxEntry entry, String nodeId, MessageStatus status, String detail) {
        Instant now = clock.instant();
        int rows = jdbc.sql("""
                update outbox set state = 'DONE', done_at = :now, claimed_until = null, attempts = attempts + 1
                where id = :id and state = 'PENDING' and claimed_by = :node""")
                .param("now", ts(now)).param("id", entry.id()).param("node", nodeId).update();
        if (rows == 0) {
            return false;
        }
        recordStatus(entry.messageId(), status, null, detail);
        return true;
    }

    /** Releases the entry for another attempt at {@code next}, recording the failed attempt. */
    @Transactional
    public boolean retryLater(OutboxEntry entry, String nodeId, Instant next, String code, String detail) {
        int rows = jdbc.sql("""
                update outbox set attempts = attempts + 1, next_attempt_at = :next, last_error = :code,
                  claimed_by = null, claimed_until = null
                where id = :id and state = 'PENDING' and claimed_by = :node""")
                .param("next", ts(next)).param("code", code).param("id", entry.id()).param("node", nodeId).update();
        if (rows == 0) {
            return false;
        }
        recordStatus(entry.messageId(), MessageStatus.FAILED, code, detail);
        return true;
    }

    /**
     * The entry's message went out and waits for the partner's answer, which arrives on its own (a receipt mail):
     * released until {@code until}, when, unanswered, it is attempted again. Counts as an attempt, and records no
     * failure: the message is as the last attempt left it, sent.
     */
    @Transactional
    public boolean awaitAnswer(OutboxEntry entry, String nodeId, Instant until, String detail) {
        int rows = jdbc.sql("""
                update outbox set attempts = attempts + 1, next_attempt_at = :next, last_error = :code,
                  claimed_by = null, claimed_until = null
                where id = :id and state = 'PENDING' and claimed_by = :node""")
                .param("next", ts(until)).param("code", AWAITING_ANSWER).param("id", entry.id()).param("node", nodeId)
                .update();
        if (rows == 0) {
            return false;
        }
        recordStatus(entry.messageId(), MessageStatus.SENT, null, detail);
        return true;
    }

    /** The {@code last_error} of an entry whose message waits for its answer ({@link #awaitAnswer}). */
    public static final String AWAITING_ANSWER = "RECEIPT_AWAITED";

    /** Whether a SEND entry of the message to the target is pending (not yet delivered, nor parked). */
    public boolean sendPending(String messageId, String target) {
        return jdbc.sql("""
                select count(*) from outbox where message_id = :id and kind = 'SEND' and target = :target
                  and state = 'PENDING'""")
                .param("id", messageId).param("target", target).query(Long.class).single() > 0;
    }

    /**
     * The partner's answer to the message has arrived: its pending SEND entry is made due now (unless an attempt has
     * it claimed, which then settles it) and its worker told after the commit. True when one was made due.
     */
    @Transactional
    public boolean answerArrived(String messageId, String target) {
        Instant now = clock.instant();
        int rows = jdbc.sql("""
                update outbox set next_attempt_at = :now
                where message_id = :id and kind = 'SEND' and target = :target and state = 'PENDING'
                  and (claimed_until is null or claimed_until < :now)""")
                .param("now", ts(now)).param("id", messageId).param("target", target).update();
        if (rows > 0 && events != null) {
            events.publishEvent(new OutboxWorkAdded(OutboxKind.SEND, target));
        }
        return rows > 0;
    }

    /** Gives up on the entry: it is parked with its reason until an administrator replays it. */
    @Transactional
    public boolean park(OutboxEntry entry, String nodeId, String code, String detail) {
        int rows = jdbc.sql("""
                update outbox set state = 'PARKED', attempts = attempts + 1, last_error = :code,
                  claimed_by = null, claimed_until = null
                where id = :id and state = 'PENDING' and claimed_by = :node""")
                .param("code", code).param("id", entry.id()).param("node", nodeId).update();
        if (rows == 0) {
            return false;
        }
        recordStatus(entry.messageId(), MessageStatus.PARKED, code, detail);
        return true;
    }

    /** Returns a released claim without counting an attempt (the circuit was open, nothing was sent). */
    public void release(OutboxEntry entry, String nodeId, Instant next) {
        jdbc.sql("""
                update outbox set next_attempt_at = :next, claimed_by = null, claimed_until = null
                where id = :id and state = 'PENDING' and claimed_by = :node""")
                .param("next", ts(next)).param("id", entry.id()).param("node", nodeId).update();
    }

    /** Puts every parked entry of the message back in the queue; false when none was parked. */
    @Transactional
    public boolean replay(String messageId, String actor) {
        Instant now = clock.instant();
        int rows = jdbc.sql("""
                update outbox set state = 'PENDING', attempts = 0, next_attempt_at = :now, last_error = null
                where message_id = :id and state = 'PARKED'""")
                .param("now", ts(now)).param("id", messageId).update();
        if (rows == 0) {
            return false;
        }
        recordStatus(messageId, MessageStatus.REPLAYED, null, "replayed by " + actor);
        return true;
    }

    /**
     * Gives up on the parked entries of the message for good (state RELEASED: never sent, never replayed), so that the
     * later entries of their conversations flow; false when none was parked. The reason goes into the status history.
     */
    @Transactional
    public boolean releaseParked(String messageId, String actor, String reason) {
        Instant now = clock.instant();
        int rows = jdbc.sql("""
                update outbox set state = 'RELEASED', done_at = :now, claimed_by = null, claimed_until = null
                where message_id = :id and state = 'PARKED'""")
                .param("now", ts(now)).param("id", messageId).update();
        if (rows == 0) {
            return false;
        }
        recordStatus(messageId, MessageStatus.RELEASED, null, "released by " + actor + ": " + reason);
        return true;
    }

    /**
     * The parked message that holds this message back (the oldest parked entry before one of its open entries, in the
     * same conversation, kind and target); empty when it is not held.
     */
    public Optional<String> heldBehind(String messageId) {
        return jdbc.sql("""
                select p.message_id from outbox o
                join outbox p on p.kind = o.kind and p.target = o.target and p.conversation_id = o.conversation_id
                  and p.state = 'PARKED' and p.id < o.id
                where o.message_id = :id and o.state = 'PENDING'
                order by p.id fetch first 1 rows only""")
                .param("id", messageId).query(String.class).optional();
    }

    /** How many open entries of one kind for one target are held behind a parked entry of their conversation. */
    public long countHeld(OutboxKind kind, String target) {
        // Driven from the parked entries (few, found by the state index), then each one's later open entries.
        return jdbc.sql("""
                select count(*) from outbox o
                join (select conversation_id, min(id) as first_parked from outbox
                      where state = 'PARKED' and kind = :kind and target = :target
                      group by conversation_id) p
                  on o.conversation_id = p.conversation_id and o.id > p.first_parked
                where o.kind = :kind and o.target = :target and o.state = 'PENDING'""")
                .param("kind", kind.name()).param("target", target).query(Long.class).single();
    }

    /** How many open entries of the whole outbox are held behind a parked entry of their conversation. */
    public long countHeld() {
        return jdbc.sql("""
                select count(*) from outbox o
                join (select kind, target, conversation_id, min(id) as first_parked from outbox
                      where state = 'PARKED' group by kind, target, conversation_id) p
                  on o.kind = p.kind and o.target = p.target and o.conversation_id = p.conversation_id
                     and o.id > p.first_parked
                where o.state = 'PENDING'""")
                .query(Long.class).single();
    }

    public long countOutbox(String state) {
        return jdbc.sql("select count(*) from outbox where state = :state").param("state", state)
                .query(Long.class).single();
    }

    /** How many entries of one kind for one target are in a state (PENDING, PARKED, DONE). */
    public long countOutbox(OutboxKind kind, String target, String state) {
        return jdbc.sql("select count(*) from outbox where kind = :kind and target = :target and state = :state")
                .param("kind", kind.name()).param("target", target).param("state", state).query(Long.class).single();
    }

    /** The parked entries of one kind for one target, oldest first, with the code that parked each. */
    public List<ParkedEntry> parked(OutboxKind kind, String target, int limit) {
        return jdbc.sql("""
                select o.*, m.message_type from outbox o join message m on m.message_id = o.message_id
                where o.kind = :kind and o.target = :target and o.state = 'PARKED'
                order by o.id fetch first :limit rows only""")
                .param("kind", kind.name()).param("target", target).param("limit", limit)
                .query((rs, i) -> new ParkedEntry(mapOutbox(rs, i), rs.getString("message_type"),
                        rs.getString("last_error")))
                .list();
    }

    /** A parked outbox entry, the type of its message, and the stable code that parked it. */
    public record ParkedEntry(OutboxEntry entry, String messageType, String code) {
    }

    public List<OutboxEntry> outboxOf(String messageId) {
        return jdbc.sql("select * from outbox where message_id = :id order by id").param("id", messageId)
                .query(MessageStore::mapOutbox).list();
    }

    // ---- receipts -----------------------------------------------------------------------------------------

    /** The receipt this node issued for an inbound message, if it did. */
    public Optional<IssuedReceipt> inboundReceipt(String messageId) {
        return jdbc.sql("select payload_sha256, receipt from inbound_receipt where message_id = :id")
                .param("id", messageId)
                .query((rs, i) -> new IssuedReceipt(rs.getString("payload_sha256"), rs.getBytes("receipt")))
                .optional();
    }

    public void saveInboundReceipt(String messageId, String payloadSha256, byte[] receipt) {
        jdbc.sql("insert into inbound_receipt (message_id, payload_sha256, receipt, issued_at) values (:id, :sha, :r, :now)")
                .param("id", messageId).param("sha", payloadSha256).param("r", receipt).param("now", ts(clock.instant()))
                .update();
    }

    /** Keeps the partner's verified receipt as proof of delivery and marks the message's receipt time. */
    @Transactional
    public void saveOutboundReceipt(String messageId, byte[] receipt) {
        Instant now = clock.instant();
        // Once only: a node killed after keeping the receipt but before completing the outbox entry sends again when
        // it restarts and gets the same receipt back; it must then complete, not fail on the receipt it already has.
        int kept = jdbc.sql("""
                insert into outbound_receipt (message_id, receipt, verified_at) select :id, :r, :now
                where not exists (select 1 from outbound_receipt where message_id = :id)""")
                .param("id", messageId).param("r", receipt).param("now", ts(now)).update();
        if (kept == 0) {
            return;
        }
        jdbc.sql("update message set receipt_at = :now where message_id = :id")
                .param("now", ts(now)).param("id", messageId).update();
    }

    public Optional<byte[]> outboundReceipt(String messageId) {
        return jdbc.sql("select receipt from outbound_receipt where message_id = :id").param("id", messageId)
                .query((rs, i) -> rs.getBytes("receipt")).optional();
    }

    /** A receipt issued for an inbound message, with the digest of the bytes it acknowledged. */
    /**
     * Biometric search requests and responses accepted before {@code cutoff} whose payload is still held and owed to
     * nobody, oldest first (one still owed would stand at the front of every pass).
     */
    public List<String> searchPayloadsBefore(Instant cutoff, int limit) {
        return jdbc.sql("""
                select m.message_id from message m join message_payload p on p.message_id = m.message_id
                where m.message_type in ('BiometricSearchRequest', 'BiometricSearchResponse')
                  and m.accepted_at < :cutoff and p.purged_at is null
                  and not exists (select 1 from outbox o where o.message_id = m.message_id and o.state = 'PENDING')
                order by m.accepted_at fetch first :n rows only""")
                .param("cutoff", ts(cutoff)).param("n", limit).query(String.class).list();
    }

    /**
     * Messages accepted before {@code cutoff} that no held case claims ({@code heldBy}: SQL conditions on the message
     * {@code m}, each true when a case still held owns it) and that wait for no delivery, oldest first, at most
     * {@code limit}: searches, statements, checkpoints and the like, whose records are due for erasure on their own.
     */
    public List<String> unclaimedBefore(Instant cutoff, List<String> heldBy, int limit) {
        String held = heldBy.isEmpty() ? "" : heldBy.stream().map(c -> " and not " + c)
                .collect(java.util.stream.Collectors.joining());
        return jdbc.sql("""
                select m.message_id from message m
                where m.accepted_at < :cutoff
                  and not exists (select 1 from outbox o where o.message_id = m.message_id and o.state = 'PENDING')
                  %s
                order by m.accepted_at fetch first :n rows only""".formatted(held))
                .param("cutoff", ts(cutoff)).param("n", limit).query(String.class).list();
    }

    /**
     * Erases everything this node holds about a message: its metadata, status history, receipts, outbox entries and case
     * index, and what is left of its payload (a search's outcome, counts only, stays for the reports); call in the
     * transaction that audits the erasure.
     * False when there was no such message, or when work for it is still pending (never erased while owed).
     */
    @Transactional
    public boolean forget(String messageId) {
        boolean pending = jdbc.sql("select count(*) from outbox where message_id = :id and state = 'PENDING'")
                .param("id", messageId).query(Integer.class).single() > 0;
        if (pending) {
            return false;
        }
        for (String table : List.of("message_case", "message_payload", "message_status_history", "outbox",
                "inbound_receipt", "outbound_receipt")) {
            // Table names from this fixed list only: never from input.
            jdbc.sql("delete from " + table + " where message_id = :id").param("id", messageId).update();
        }
        return jdbc.sql("delete from message where message_id = :id").param("id", messageId).update() == 1;
    }

    /**
     * Erases a message's envelope bytes for good, keeping its metadata, history and receipts (which hold digests,
     * never the payload). False when there was nothing left to erase, or when work for the message is still pending:
     * a payload still owed to a partner or a back-end is never purged.
     */
    @Transactional
    public boolean purgePayload(String messageId) {
        return jdbc.sql("""
                update message_payload set iv = null, ciphertext = null, purged_at = :now
                where message_id = :id and purged_at is null
                  and not exists (select 1 from outbox o where o.message_id = :id and o.state = 'PENDING')""")
                .param("now", ts(clock.instant())).param("id", messageId).update() == 1;
    }

    public record IssuedReceipt(String payloadSha256, byte[] receipt) {
    }

    // ---- mapping ------------------------------------------------------------------------------------------

    private void insertHistory(String messageId, MessageStatus status, String reason, String detail, Instant at) {
        jdbc.sql("insert into message_status_history (message_id, status, reason, detail, at) values (:id, :s, :r, :d, :at)")
                .param("id", messageId).param("s", status.name()).param("r", reason)
                .param("d", detail == null ? null : detail.substring(0, Math.min(detail.length(), DETAIL_MAX)))
                .param("at", ts(at))
                .update();
    }

    private void insertOutbox(String messageId, OutboxTarget t, String conversationId, Instant now) {
        jdbc.sql("""
                insert into outbox (message_id, kind, target, conversation_id, state, attempts, next_attempt_at, created_at)
                values (:id, :kind, :target, :conversation, 'PENDING', 0, :now, :now)""")
                .param("id", messageId).param("kind", t.kind().name()).param("target", t.target())
                .param("conversation", conversationId).param("now", ts(now))
                .update();
        if (events != null) {
            events.publishEvent(new OutboxWorkAdded(t.kind(), t.target()));
        }
    }

    private static MessageRecord mapMessage(ResultSet rs, int row) throws SQLException {
        return new MessageRecord(rs.getString("message_id"), Direction.valueOf(rs.getString("direction")),
                rs.getString("message_type"), rs.getString("conversation_id"), rs.getString("ref_to_message_id"),
                rs.getString("from_party"), rs.getString("to_party"), instant(rs, "created_at"),
                instant(rs, "expires_at"), instant(rs, "accepted_at"), rs.getString("payload_sha256"),
                rs.getLong("payload_size"), MessageStatus.valueOf(rs.getString("status")),
                rs.getString("status_reason"), instant(rs, "receipt_at"), rs.getBoolean("test_indicator"));
    }

    private static OutboxEntry mapOutbox(ResultSet rs, int row) throws SQLException {
        return new OutboxEntry(rs.getLong("id"), rs.getString("message_id"), OutboxKind.valueOf(rs.getString("kind")),
                rs.getString("target"), rs.getString("conversation_id"), rs.getInt("attempts"),
                instant(rs, "next_attempt_at"), instant(rs, "created_at"));
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
