package org.passerelle.gateway.gallery;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the gallery found for a case, and what a caseworker made of it. An admission applicant's search ends in
 * {@link Status#NO_MATCH} (the case goes on) or {@link Status#HELD_FOR_REVIEW} (never a refusal by the machine); a
 * caseworker then confirms the match ({@link Status#INELIGIBLE_PRIOR_RETURN}) or rejects it
 * ({@link Status#MATCH_REJECTED}). A person proposed for return who is found is flagged {@link Status#REENTRY}.
 */
@Component
public class GalleryChecks {

    /** The kind of case a check belongs to: case references of the two families are checked apart. */
    public static final String ADMISSION = "ADMISSION";
    public static final String READMISSION = "READMISSION";

    /** Where a case's gallery check stands. */
    public enum Status {
        /** The search has not run yet. */
        SEARCHING,
        /** Nobody in the gallery at or above the threshold. */
        NO_MATCH,
        /** Candidates at or above the threshold: a caseworker must confirm or reject. */
        HELD_FOR_REVIEW,
        /** The transaction holds no fingerprint the matcher can use: a caseworker must review. */
        NOT_SEARCHABLE,
        /** A caseworker confirmed the match: the applicant was returned before and is ineligible. */
        INELIGIBLE_PRIOR_RETURN,
        /** A caseworker rejected the match (or cleared an unsearchable set): the case goes on. */
        MATCH_REJECTED,
        /** A person proposed for return who is in the gallery already: returned once before. */
        REENTRY;

        /** Whether an ELIGIBLE result may go. */
        public boolean clears() {
            return this == NO_MATCH || this == MATCH_REJECTED;
        }
    }

    /** A case's check as caseworkers see it: candidates by entry and score, never a template or an image. */
    public record Check(String caseReference, String kind, Status status, Instant searchedAt, Integer gallerySize,
                        String reviewedBy, Instant reviewedAt, String reviewNote, List<Gallery.Candidate> candidates) {
    }

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final Clock clock;

    GalleryChecks(JdbcClient jdbc, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Opens a case's check as SEARCHING (in the caller's transaction). A case already checked is left as it is — a
     * second referral never replaces a search or a review — and false is returned.
     */
    boolean begin(String kind, String caseReference) {
        if (find(kind, caseReference).isPresent()) {
            return false;
        }
        jdbc.sql("insert into gallery_check (case_reference, case_kind, status) values (:case, :kind, 'SEARCHING')")
                .param("case", caseReference).param("kind", kind).update();
        return true;
    }

    public Optional<Check> find(String kind, String caseReference) {
        return jdbc.sql("select * from gallery_check where case_kind = :kind and case_reference = :case")
                .param("kind", kind).param("case", caseReference)
                .query((rs, n) -> new Check(rs.getString("case_reference"), rs.getString("case_kind"),
                        Status.valueOf(rs.getString("status")), instant(rs.getObject("searched_at", OffsetDateTime.class)),
                        (Integer) rs.getObject("gallery_size"), rs.getString("reviewed_by"),
                        instant(rs.getObject("reviewed_at", OffsetDateTime.class)), rs.getString("review_note"),
                        List.of()))
                .optional()
                .map(c -> new Check(c.caseReference(), c.kind(), c.status(), c.searchedAt(), c.gallerySize(),
                        c.reviewedBy(), c.reviewedAt(), c.reviewNote(), candidates(kind, caseReference)));
    }

    private List<Gallery.Candidate> candidates(String kind, String caseReference) {
        return jdbc.sql("""
                select * from gallery_candidate where case_kind = :kind and case_reference = :case
                order by score desc, entry_id""")
                .param("kind", kind).param("case", caseReference)
                .query((rs, n) -> new Gallery.Candidate(rs.getLong("entry_id"), rs.getDouble("score"),
                        rs.getString("entry_case"), rs.getString("entry_partner"), rs.getString("entry_reason"),
                        rs.getObject("entry_date", LocalDate.class)))
                .list();
    }

    /**
     * Records a search's outcome (in the caller's transaction), only over a check still SEARCHING: a search never
     * replaces another's outcome or a caseworker's review. False when the check had moved on.
     */
    boolean searched(String kind, String caseReference, Status status, List<Gallery.Candidate> found, int gallerySize) {
        int moved = jdbc.sql("""
                update gallery_check set status = :status, searched_at = :at, gallery_size = :size,
                    version = version + 1 where case_kind = :kind and case_reference = :case and status = 'SEARCHING'""")
                .param("status", status.name()).param("at", clock.instant().atOffset(ZoneOffset.UTC))
                .param("size", gallerySize).param("kind", kind).param("case", caseReference).update();
        if (moved != 1) {
            return false;
        }
        for (Gallery.Candidate c : found) {
            jdbc.sql("""
                    insert into gallery_candidate (case_kind, case_reference, entry_id, score, entry_case, entry_reason,
                        entry_partner, entry_date)
                    values (:kind, :case, :entry, :score, :entryCase, :reason, :partner, :date)""")
                    .param("kind", kind).param("case", caseReference).param("entry", c.entryId()).param("score", c.score())
                    .param("entryCase", c.caseReference()).param("reason", c.reason()).param("partner", c.partner())
                    .param("date", c.eventDate()).update();
        }
        return true;
    }

    /**
     * A caseworker's review of a held match: {@code confirmed} makes the applicant ineligible (prior return), otherwise
     * the case goes on. Refused with GALLERY_REVIEW_INVALID unless the check is held for review.
     */
    @Transactional
    public Check review(String caseReference, boolean confirmed, String note, String actor) {
        Check check = find(ADMISSION, caseReference).orElseThrow(() -> reviewInvalid(caseReference, "no gallery check for this case"));
        if (check.status() != Status.HELD_FOR_REVIEW && check.status() != Status.NOT_SEARCHABLE) {
            throw reviewInvalid(caseReference, "the check is " + check.status() + ", not held for review");
        }
        if (confirmed && check.status() == Status.NOT_SEARCHABLE) {
            throw reviewInvalid(caseReference, "no candidate to confirm: the fingerprints could not be searched");
        }
        if (!Gallery.validNote(note)) {
            throw reviewInvalid(caseReference, "a note saying why (1 to 200 characters, no control characters) is required");
        }
        Status to = confirmed ? Status.INELIGIBLE_PRIOR_RETURN : Status.MATCH_REJECTED;
        int moved = jdbc.sql("""
                update gallery_check set status = :to, reviewed_by = :by, reviewed_at = :at, review_note = :note,
                    version = version + 1 where case_kind = 'ADMISSION' and case_reference = :case and status = :from""")
                .param("to", to.name()).param("by", actor).param("at", clock.instant().atOffset(ZoneOffset.UTC))
                .param("note", note.strip()).param("case", caseReference).param("from", check.status().name()).update();
        if (moved != 1) {
            throw reviewInvalid(caseReference, "the check changed meanwhile; read the case again");
        }
        audit.record(AuditTrail.Entry.of(actor, AuditChannel.API,
                confirmed ? AuditAction.GALLERY_MATCH_CONFIRMED : AuditAction.GALLERY_MATCH_REJECTED, AuditOutcome.GRANTED)
                .caseReference(caseReference).resource("gallery-check:" + caseReference)
                .code(to.name(), check.status() + " -> " + to + (check.candidates().isEmpty() ? ""
                        : "; candidates " + Gallery.describe(check.candidates()))));
        return find(ADMISSION, caseReference).orElseThrow();
    }

    private static GatewayException reviewInvalid(String caseReference, String detail) {
        return new GatewayException(GatewayErrorCode.GALLERY_REVIEW_INVALID, "The gallery review of this case cannot be recorded",
                List.of(detail), null);
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }
}
