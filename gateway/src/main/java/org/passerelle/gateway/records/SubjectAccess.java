package org.passerelle.gateway.records;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.passerelle.contracts.MessageCodec;
import org.passerelle.contracts.common.v1.PersonIdentity;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.MessageStore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Subject access (UK GDPR art. 15; DPA 2018 s.45): everything this node holds about one person, found by the case
 * references the requester gives and by the person's identity (family name, given names, date of birth, compared with
 * every readmission request and admission referral held), exported for the response, and recorded as done. The
 * export holds the person's records as a back-end system sees them (the fingerprint set described, never its bytes),
 * the gallery's entries about them (metadata, never a template), their ledger entries, and what was done on their
 * cases by role and time (the officials' names are other people's data and are left out).
 */
@Component
public class SubjectAccess {

    /** Who is asked about: case references, an identity, or both. */
    public record Request(String requestReference, List<String> caseReferences, String familyName, String givenNames,
                          LocalDate dateOfBirth) {
    }

    public record GalleryEntry(long id, String caseReference, String partner, String reason, LocalDate returnedOn,
                               Instant retainUntil) {
    }

    public record LedgerEntry(String partner, String kind, String caseReference, LocalDate date) {
    }

    public record Action(Instant at, String action, String outcome, String channel, String role, String caseReference,
                         String messageId) {
    }

    /** The export: what was asked, how the person was found, and everything held about them. */
    public record Export(String requestReference, Instant at, List<String> caseReferences, List<String> foundByIdentity,
                         List<Records.CaseFile> cases, List<Records.RecordDetail> messages, List<GalleryEntry> gallery,
                         List<LedgerEntry> ledger, List<Action> actions) {
    }

    private static final String REFERENCE = "[A-Za-z0-9][A-Za-z0-9/_.-]{0,63}";
    private static final String CASE = "[A-Z]{2}-(RA|AD|BS)-\\d{4}-\\d{6}";
    /** The message types that state who a person is. */
    private static final List<String> IDENTIFYING = List.of("ReadmissionRequest", "AdmissionReferral");

    private final Records records;
    private final RecordsRepository repository;
    private final MessageStore store;
    private final MessageCodec codec;
    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final RecordsProperties properties;
    /** One request at a time on a node: the identity search reads every request and referral held. */
    private final java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(1);

    SubjectAccess(Records records, RecordsRepository repository, MessageStore store, MessageCodec codec, JdbcClient jdbc,
                  AuditTrail audit, RecordsProperties properties) {
        this.properties = properties;
        this.records = records;
        this.repository = repository;
        this.store = store;
        this.codec = codec;
        this.jdbc = jdbc;
        this.audit = audit;
    }

    public Export export(Caller caller, Request request) {
        if (!properties.subjectAccessSystems().contains(caller.name())) {
            audit.refused(entry(caller, AuditOutcome.REFUSED, request.requestReference())
                    .code(GatewayErrorCode.FORBIDDEN.name(), "not a subject-access system"));
            throw new GatewayException(GatewayErrorCode.FORBIDDEN, "Only the subject-access unit's systems"
                    + " (passerelle.records.subject-access-systems) make subject access requests");
        }
        if (!running.tryAcquire()) {
            throw new GatewayException(GatewayErrorCode.NODE_BUSY, "A subject access request is running; send again later");
        }
        try {
            return exportOne(caller, request);
        } finally {
            running.release();
        }
    }

    private Export exportOne(Caller caller, Request request) {
        List<String> asked = request.caseReferences() == null ? List.of() : request.caseReferences();
        // Family name, given names and date of birth, all three: a family name and a date alone (1 January is a common
        // placeholder) would export other people's records.
        boolean byIdentity = !blank(request.familyName()) && !blank(request.givenNames()) && request.dateOfBirth() != null;
        if (request.requestReference() == null || !request.requestReference().matches(REFERENCE)
                || asked.stream().anyMatch(r -> r == null || !r.matches(CASE)) || asked.isEmpty() && !byIdentity) {
            audit.refused(entry(caller, AuditOutcome.REFUSED, request.requestReference())
                    .code(GatewayErrorCode.SUBJECT_ACCESS_INVALID.name(), "request reference, case references or identity missing or malformed"));
            throw new GatewayException(GatewayErrorCode.SUBJECT_ACCESS_INVALID, "A subject access request names its"
                    + " reference and the person: case references, or family name, given names and date of birth",
                    List.of("requestReference", "caseReferences", "familyName + givenNames + dateOfBirth"), null);
        }
        TreeSet<String> refs = new TreeSet<>(asked);
        List<String> found = byIdentity ? byIdentity(request) : List.of();
        refs.addAll(found);
        List<Records.CaseFile> cases = new ArrayList<>();
        List<Records.RecordDetail> messages = new ArrayList<>();
        for (String ref : refs) {
            if (repository.find(ref).isEmpty()) {
                continue;
            }
            Records.CaseFile file = records.view(caller, ref, null, null, true);
            cases.add(file);
            for (String id : file.detail().messages()) {
                messages.add(records.view(caller, id, null, null));
            }
        }
        Export export = new Export(request.requestReference(), Instant.now(), List.copyOf(refs), found, cases, messages,
                gallery(refs), ledger(refs), actions(refs));
        audit.record(entry(caller, AuditOutcome.GRANTED, request.requestReference())
                .detail(refs.size() + " case(s), " + messages.size() + " message(s), " + export.gallery().size()
                        + " gallery entr(y/ies)" + (byIdentity ? "; identity compared with every request and referral, "
                        + found.size() + " matched" : "")));
        return export;
    }

    /** The cases whose request or referral names this person (family and given names compared case-blind). */
    private List<String> byIdentity(Request r) {
        List<String> ids = jdbc.sql("select message_id from message where message_type in (:types) order by accepted_at")
                .param("types", IDENTIFYING).query(String.class).list();
        TreeSet<String> refs = new TreeSet<>();
        List<String> unreadable = new ArrayList<>();
        for (String id : ids) {
            Optional<byte[]> payload = store.payload(id);
            if (payload.isEmpty()) {
                continue; // erased under retention: nothing of the person is left in it
            }
            Body body;
            try {
                body = codec.decode(payload.get()).envelope().getBody();
            } catch (RuntimeException e) {
                // One stored message the codec cannot read must not stop the search for the person in the others.
                unreadable.add(id);
                continue;
            }
            PersonIdentity person = body.getReadmissionRequest() != null ? body.getReadmissionRequest().getPerson()
                    : body.getAdmissionReferral() != null ? body.getAdmissionReferral().getPerson() : null;
            if (person != null && same(person.getFamilyName(), r.familyName())
                    && r.dateOfBirth().equals(person.getDateOfBirth()) && sameGivenNames(person.getGivenNames(), r.givenNames())) {
                Optional.ofNullable(MessageCaseIndex.caseReferenceOf(body)).ifPresent(refs::add);
            }
        }
        if (!unreadable.isEmpty()) {
            org.slf4j.LoggerFactory.getLogger(SubjectAccess.class).warn(
                    "Subject access: {} stored message(s) could not be read and were not compared: {}",
                    unreadable.size(), unreadable);
        }
        return List.copyOf(refs);
    }

    /** Names compared as people write them: case, accents and spacing aside ("Émile  Dupont" is "emile dupont"). */
    static boolean same(String a, String b) {
        return a != null && b != null && normal(a).equals(normal(b));
    }

    /** Every given name asked for is among the person's ("John" finds "John Adam"). */
    static boolean sameGivenNames(String held, String asked) {
        if (held == null || asked == null) {
            return false;
        }
        List<String> names = List.of(normal(held).split(" "));
        return names.containsAll(List.of(normal(asked).split(" ")));
    }

    static String normal(String name) {
        return java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFKD).replaceAll("\\p{M}", "")
                .replaceAll("[\\s\\-']+", " ").strip().toLowerCase(Locale.ROOT);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private List<GalleryEntry> gallery(TreeSet<String> refs) {
        if (refs.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                select id, case_reference, partner, reason, event_date, retain_until from gallery_entry
                where case_reference in (:refs) order by id""").param("refs", List.copyOf(refs))
                .query((rs, n) -> new GalleryEntry(rs.getLong("id"), rs.getString("case_reference"),
                        rs.getString("partner"), rs.getString("reason"), rs.getObject("event_date", LocalDate.class),
                        rs.getObject("retain_until", OffsetDateTime.class).toInstant())).list();
    }

    private List<LedgerEntry> ledger(TreeSet<String> refs) {
        if (refs.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                select partner, kind, case_reference, event_date from ledger_entry where case_reference in (:refs)
                order by id""").param("refs", List.copyOf(refs))
                .query((rs, n) -> new LedgerEntry(rs.getString("partner"), rs.getString("kind"),
                        rs.getString("case_reference"), rs.getObject("event_date", LocalDate.class))).list();
    }

    private List<Action> actions(TreeSet<String> refs) {
        if (refs.isEmpty()) {
            return List.of();
        }
        audit.sealNow();
        return jdbc.sql("""
                select at, action, outcome, channel, actor_role, case_reference, message_id from audit_event
                where case_reference in (:refs) order by seq""").param("refs", List.copyOf(refs))
                .query((rs, n) -> new Action(rs.getObject("at", OffsetDateTime.class).toInstant(),
                        rs.getString("action"), rs.getString("outcome"), rs.getString("channel"),
                        rs.getString("actor_role"), rs.getString("case_reference"), rs.getString("message_id"))).list();
    }

    private static AuditTrail.Entry entry(Caller caller, AuditOutcome outcome, String reference) {
        String ref = reference != null && reference.matches(REFERENCE) ? reference : "?";
        return AuditTrail.Entry.of(caller.name(), AuditChannel.API, AuditAction.SUBJECT_ACCESS_EXPORTED, outcome)
                .role(caller.auditRole()).resource("subject-access:" + ref);
    }
}
