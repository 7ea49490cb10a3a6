package org.passerelle.gateway.gallery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.passerelle.contracts.CodecLimits;
import org.passerelle.contracts.ContractViolationException;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.contracts.biometrics.NistTransactionCheck;
import org.passerelle.contracts.common.v1.BiometricSet;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.readmission.v1.TransferStatus;
import org.passerelle.contracts.readmission.v1.TransferStatusValue;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.InboundMemory;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.gateway.node.HeldWork;
import org.passerelle.gateway.node.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Feeds the gallery from the exchange and searches it, away from the message's own transaction. The party that
 * returns people holds the gallery, so this node:
 * <ul>
 *   <li>searches every admission referral it receives (it decides on it): the case is held for a caseworker's review
 *       when someone is found, and no ELIGIBLE result leaves before the search ran;</li>
 *   <li>searches every readmission request it sends, flagging a person returned once before (re-entry);</li>
 *   <li>enrols the person of a readmission case it requested once the partner or this node reports the transfer
 *       COMPLETED and the case is TRANSFERRED, with the fingerprints of the case's latest request.</li>
 * </ul>
 * The work is queued in {@code gallery_work} in the transaction that accepts the message, so that it is neither lost
 * nor done twice, and done by a worker that retries with back-off and, after the last attempt, leaves it audited.
 * (Messages marked as test traffic feed the gallery as they feed the ledger: the samples every test sends are marked
 * so; keeping test traffic out of both is one change, with the scheme's agreements.)
 */
@Component
class GalleryWork implements MessageObserver, HeldWork {

    private static final Logger log = LoggerFactory.getLogger(GalleryWork.class);
    static final String ENROL = "ENROL";
    static final String SEARCH_ADMISSION = "SEARCH_ADMISSION";
    static final String SEARCH_READMISSION = "SEARCH_READMISSION";
    private static final String NODE = "node";

    record Work(long id, String kind, String caseReference, String partner, String messageId, int attempts) {
    }

    private final JdbcClient jdbc;
    private final Gallery gallery;
    private final GalleryChecks checks;
    private final MessageStore messages;
    private final MessageCodec codec;
    private final GalleryProperties properties;
    private final AuditTrail audit;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final MeterRegistry meters;
    private final NistTransactionCheck transactions = new NistTransactionCheck(CodecLimits.DEFAULT_MAX_TRANSACTION_BYTES);
    /** How long a node holds an item it claimed: longer than the longest search. */
    private static final Duration LEASE = Duration.ofMinutes(5);
    private final String node;
    private final TransferredCases transferred;
    private final InboundMemory memory;

    GalleryWork(JdbcClient jdbc, Gallery gallery, GalleryChecks checks, MessageStore messages, MessageCodec codec,
                GalleryProperties properties, AuditTrail audit, Clock clock, TransactionTemplate transaction,
                MeterRegistry meters, NodeProperties nodeProperties, TransferredCases transferred,
                InboundMemory memory) {
        this.transferred = transferred;
        this.memory = memory;
        this.node = nodeProperties.nodeId();
        this.jdbc = jdbc;
        this.gallery = gallery;
        this.checks = checks;
        this.messages = messages;
        this.codec = codec;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
        this.transaction = transaction;
        this.meters = meters;
    }

    @Override
    public void accepted(MessageContext message) {
        Body body = message.envelope().getBody();
        String id = message.facts().messageId();
        if (body.getAdmissionReferral() != null && message.direction() == Direction.INBOUND) {
            String ref = body.getAdmissionReferral().getCaseReference();
            if (checks.begin(GalleryChecks.ADMISSION, ref)) {
                queue(SEARCH_ADMISSION, ref, message.facts().from(), id);
            }
        } else if (body.getReadmissionRequest() != null && message.direction() == Direction.OUTBOUND) {
            String ref = body.getReadmissionRequest().getCaseReference();
            if (checks.begin(GalleryChecks.READMISSION, ref)) {
                queue(SEARCH_READMISSION, ref, message.facts().to(), id);
            }
        } else if (body.getTransferStatus() != null && body.getTransferStatus().getStatus() == TransferStatusValue.COMPLETED
                && !message.facts().testIndicator()) {
            // Test traffic is searched like any other (so a test case runs its course) but never enrolled.
            TransferStatus status = body.getTransferStatus();
            String partner = message.direction() == Direction.OUTBOUND ? message.facts().to() : message.facts().from();
            queue(ENROL, status.getCaseReference(), partner, id);
        }
    }

    private void queue(String kind, String caseReference, String partner, String messageId) {
        boolean queued = jdbc.sql("select count(*) from gallery_work where kind = :kind and case_reference = :case")
                .param("kind", kind).param("case", caseReference).query(Integer.class).single() > 0;
        if (queued) {
            // A second report of the same transfer: the enrolment already waiting does it.
            return;
        }
        jdbc.sql("""
                insert into gallery_work (kind, case_reference, partner, message_id, due_at)
                values (:kind, :case, :partner, :id, :due)""")
                .param("kind", kind).param("case", caseReference).param("partner", partner).param("id", messageId)
                .param("due", clock.instant().atOffset(ZoneOffset.UTC)).update();
    }

    @Override
    public String what() {
        return "gallery claims";
    }

    @Override
    public boolean releasedAtStop() {
        return true;
    }

    @Override
    public int releaseHeldBy(String nodeId) {
        return jdbc.sql("update gallery_work set claimed_by = null, claimed_until = null where claimed_by = :n")
                .param("n", nodeId).update();
    }

    /**
     * Does the work that is due, oldest first; returns how many items were finished. Each item is claimed first (the
     * attempt counted before the work, so that an item that kills its worker is not retried for ever) for a lease,
     * so that two nodes sharing the database never do it twice at once.
     */
    public int runDue() {
        return runClaimed();
    }

    /** The {@code gallery-retention} job ({@link GalleryConfiguration}): the gallery's retention purge. */
    void purgeExpired() {
        gallery.purgeExpired();
    }

    private int runClaimed() {
        List<Work> due = jdbc.sql("""
                select * from gallery_work where due_at <= :now and attempts < :max
                    and (claimed_until is null or claimed_until < :now)
                order by due_at, id fetch first 20 rows only""")
                .param("now", clock.instant().atOffset(ZoneOffset.UTC)).param("max", properties.maxAttempts())
                .query((rs, n) -> new Work(rs.getLong("id"), rs.getString("kind"), rs.getString("case_reference"),
                        rs.getString("partner"), rs.getString("message_id"), rs.getInt("attempts")))
                .list();
        int done = 0;
        for (Work claimed : due) {
            // Reading a biometric set back holds its message several times over, as taking it in did: the work takes
            // that from the node's budget of bodies in flight, or waits for a later round, no attempt counted.
            Optional<InboundMemory.Reservation> memoryFor = memory.tryReserveForWork(bytesFor(claimed));
            if (memoryFor.isEmpty()) {
                continue;
            }
            try (InboundMemory.Reservation held = memoryFor.get()) {
                if (runOne(claimed)) {
                    done++;
                }
            }
        }
        return done;
    }

    /** Claims one item of work and does it; false when another node claimed it first. */
    private boolean runOne(Work claimed) {
        Instant now = clock.instant();
        int won = jdbc.sql("""
                update gallery_work set attempts = attempts + 1, claimed_by = :node, claimed_until = :until
                where id = :id and attempts = :attempts and (claimed_until is null or claimed_until < :now)""")
                .param("node", node).param("until", now.plus(LEASE).atOffset(ZoneOffset.UTC))
                .param("id", claimed.id()).param("attempts", claimed.attempts())
                .param("now", now.atOffset(ZoneOffset.UTC)).update();
        if (won != 1) {
            return false;
        }
        Work work = new Work(claimed.id(), claimed.kind(), claimed.caseReference(), claimed.partner(),
                claimed.messageId(), claimed.attempts() + 1);
        try {
            switch (work.kind()) {
                case ENROL -> enrol(work);
                case SEARCH_ADMISSION, SEARCH_READMISSION -> search(work);
                default -> throw new IllegalStateException("unknown gallery work " + work.kind());
            }
            Counter.builder("passerelle.gallery.work").description("Gallery enrolments and searches done")
                    .tag("kind", work.kind()).register(meters).increment();
            return true;
        } catch (RuntimeException e) {
            failed(work, e);
            return false;
        }
    }

    /**
     * The bytes of message a work item reads back: a search reads its own message; an enrolment reads the request of
     * the transfer it reports (none when there is none: the item is then only deleted).
     */
    private long bytesFor(Work work) {
        String read = ENROL.equals(work.kind())
                ? transferred.transferred(work.caseReference(), work.partner())
                        .map(TransferredCases.Transferred::requestMessageId).orElse(null)
                : work.messageId();
        return read == null ? 0 : messages.find(read).map(MessageRecord::payloadSize).orElse(0L);
    }

    private void search(Work work) {
        List<FingerprintImage> images = imagesOf(work.messageId()).orElseThrow(() -> new IllegalStateException(
                "the payload of " + work.messageId() + " is no longer stored"));
        boolean admission = SEARCH_ADMISSION.equals(work.kind());
        if (!Gallery.searchable(images)) {
            finish(work, admission ? GalleryChecks.Status.NOT_SEARCHABLE : GalleryChecks.Status.NO_MATCH, List.of(),
                    "no fingerprint image the matcher can use");
            return;
        }
        int size = gallery.size();
        List<Gallery.Candidate> found = gallery.search(images);
        GalleryChecks.Status status = found.isEmpty() ? GalleryChecks.Status.NO_MATCH
                : admission ? GalleryChecks.Status.HELD_FOR_REVIEW : GalleryChecks.Status.REENTRY;
        finish(work, status, found, found.isEmpty() ? "nobody at or above " + properties.threshold()
                + " among " + size + " people" : "candidates " + Gallery.describe(found));
    }

    private void finish(Work work, GalleryChecks.Status status, List<Gallery.Candidate> found, String detail) {
        String kind = SEARCH_ADMISSION.equals(work.kind()) ? GalleryChecks.ADMISSION : GalleryChecks.READMISSION;
        transaction.executeWithoutResult(tx -> {
            jdbc.sql("delete from gallery_work where id = :id").param("id", work.id()).update();
            if (!checks.searched(kind, work.caseReference(), status, found, gallery.size())) {
                return;
            }
            AuditAction action = switch (status) {
                case HELD_FOR_REVIEW -> AuditAction.GALLERY_MATCH_HELD;
                case REENTRY -> AuditAction.GALLERY_REENTRY_FLAGGED;
                case NOT_SEARCHABLE -> AuditAction.GALLERY_NOT_SEARCHABLE;
                default -> AuditAction.GALLERY_SEARCHED;
            };
            audit.record(AuditTrail.Entry.of(NODE, AuditChannel.CASEWORK, action, AuditOutcome.OK).partner(work.partner())
                    .message(work.messageId(), null, null).caseReference(work.caseReference())
                    .code(status.name(), detail));
        });
        Counter.builder("passerelle.gallery.searches").description("Gallery searches by outcome")
                .tag("kind", work.kind()).tag("outcome", status.name()).register(meters).increment();
    }

    private void enrol(Work work) {
        Optional<TransferredCases.Transferred> returned = transferred.transferred(work.caseReference(),
                work.partner());
        if (returned.isEmpty()) {
            // The partner's report of a transfer this node did not request, or a case that did not reach TRANSFERRED.
            transaction.executeWithoutResult(tx -> {
                jdbc.sql("delete from gallery_work where id = :id").param("id", work.id()).update();
                audit.record(AuditTrail.Entry.of(NODE,
                        AuditChannel.CASEWORK, AuditAction.GALLERY_ENROLMENT_SKIPPED, AuditOutcome.OK)
                        .partner(work.partner()).message(work.messageId(), null, null)
                        .caseReference(work.caseReference())
                        .detail("no readmission case requested by this node is TRANSFERRED under this reference"));
            });
            return;
        }
        Optional<List<FingerprintImage>> images = imagesOf(returned.get().requestMessageId());
        LocalDate day = returned.get().at().atOffset(ZoneOffset.UTC).toLocalDate();
        Optional<Gallery.Entry> entry = images.flatMap(i -> gallery.enrol(work.caseReference(), work.partner(),
                "PREVIOUSLY_RETURNED", "TRANSFER_COMPLETED", day, i, NODE));
        transaction.executeWithoutResult(tx -> {
            jdbc.sql("delete from gallery_work where id = :id").param("id", work.id()).update();
            if (entry.isEmpty()) {
                audit.record(AuditTrail.Entry.of(NODE,
                        AuditChannel.CASEWORK, AuditAction.GALLERY_ENROLMENT_SKIPPED, AuditOutcome.OK)
                        .partner(work.partner()).caseReference(work.caseReference())
                        .code("FINGERPRINTS_REQUIRED", images.isEmpty() ? "the request's payload is no longer stored"
                                : "the request holds no fingerprint image the matcher can use"));
            }
        });
    }

    /**
     * The fingerprint images of a stored message's biometric set (none when it has no set, or none the node can
     * read); empty when the payload is no longer stored.
     */
    private Optional<List<FingerprintImage>> imagesOf(String messageId) {
        Optional<byte[]> payload = messages.payload(messageId);
        if (payload.isEmpty()) {
            return Optional.empty();
        }
        Body body;
        try {
            body = codec.decodeHandedOver(payload.get()).envelope().getBody(); // the payload is ours alone
        } catch (ContractViolationException e) {
            // Stored under an earlier version of the contract that no longer reads: nothing to search with.
            return Optional.of(List.of());
        }
        BiometricSet set = body.getAdmissionReferral() != null ? body.getAdmissionReferral().getBiometricSet()
                : body.getReadmissionRequest() != null ? body.getReadmissionRequest().getBiometricSet() : null;
        if (set == null) {
            return Optional.of(List.of());
        }
        try {
            return Optional.of(transactions.images(set.getTransaction()));
        } catch (ContractViolationException e) {
            return Optional.of(List.of());
        }
    }

    private void failed(Work work, RuntimeException e) {
        int attempts = work.attempts();
        // The class only: a message could carry values from the database or the transaction.
        String reason = e.getClass().getName();
        reason = reason.length() > 200 ? reason.substring(0, 200) : reason;
        Instant next = clock.instant().plus(Duration.ofSeconds(Math.min(3600, 5L << Math.min(attempts, 10))));
        String lastError = reason;
        transaction.executeWithoutResult(tx -> {
            jdbc.sql("""
                    update gallery_work set last_error = :e, due_at = :due, claimed_by = null, claimed_until = null
                    where id = :id""")
                    .param("e", lastError).param("due", next.atOffset(ZoneOffset.UTC)).param("id", work.id()).update();
            if (attempts >= properties.maxAttempts()) {
                audit.record(AuditTrail.Entry.of(NODE,
                        AuditChannel.CASEWORK, AuditAction.GALLERY_WORK_FAILED, AuditOutcome.FAILED)
                        .partner(work.partner()).message(work.messageId(), null, null)
                        .caseReference(work.caseReference()).code(work.kind(), lastError));
            }
        });
        log.warn("Gallery {} of case {} failed (attempt {} of {}): {}", work.kind(), work.caseReference(), attempts,
                properties.maxAttempts(), e.getClass().getSimpleName());
    }
}
