package org.passerelle.gateway.gallery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.messagelog.PayloadVault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The biometric gallery: fingerprint templates of the people this party returned under the scheme, searched 1:N.
 *
 * <p>Templates are extracted by the {@link FingerprintMatcher} (one per finger, the best impression the transaction
 * holds), sealed with the party's data key (package keys) and stored in {@code gallery_entry}; they are decrypted
 * once into the in-memory {@link GalleryIndex}, which every search uses. A node catches up with entries other nodes
 * of its party added or erased before each search. Images and transactions are never kept; templates never leave this class, and
 * what the API shows of an entry is its metadata.
 *
 * <p>Every addition, correction and erasure is audited naming the entry ({@code gallery-entry:<id>}) and the case it
 * came from.
 */
@Component
public class Gallery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gallery.class);
    static final Set<String> REASONS = Set.of("PREVIOUSLY_RETURNED", "PREVIOUS_IRREGULAR_ENTRY");
    private static final String NODE = "node";
    private static final int MAX_NOTE = 200;
    /** The most images of one transaction the gallery extracts (a tenprint card holds 14). */
    static final int MAX_IMAGES = 20;
    /** How many entries one query loads into the index. */
    private static final int LOAD_BATCH = 500;
    /** Every column but the sealed templates. */
    private static final String METADATA = "id, case_reference, partner, reason, source, event_date, recorded_by,"
            + " recorded_at, retain_until, algorithm, finger_count, corrected_by, corrected_at, correction_note";

    /** An entry as administrators and auditors see it: never its templates. */
    public record Entry(long id, String caseReference, String partner, String reason, String source, LocalDate eventDate,
                        Instant recordedAt, String recordedBy, Instant retainUntil, int fingers, String algorithm,
                        String correctedBy, Instant correctedAt, String correctionNote) {
    }

    /** An entry a search found, with how close it came. */
    public record Candidate(long entryId, double score, String caseReference, String partner, String reason,
                            LocalDate eventDate) {
    }

    private final JdbcClient jdbc;
    private final PayloadVault vault;
    private final FingerprintMatcher matcher;
    private final GalleryIndex index;
    private final GalleryProperties properties;
    private final AuditTrail audit;
    private final Clock clock;
    private final TransactionTemplate transaction;
    /** The metadata of every entry in the index, by id. */
    private final Map<Long, Entry> loaded = new ConcurrentHashMap<>();
    /** Entries in the table this node could not open: while there are any, searches refuse to answer. */
    private final Set<Long> unreadable = ConcurrentHashMap.newKeySet();

    Gallery(JdbcClient jdbc, PayloadVault vault, FingerprintMatcher matcher, GalleryProperties properties,
            AuditTrail audit, Clock clock, TransactionTemplate transaction, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.vault = vault;
        this.matcher = matcher;
        this.index = new GalleryIndex(matcher, GalleryIndex.Cascade.DEFAULT, properties.threads());
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
        this.transaction = transaction;
        Gauge.builder("passerelle.gallery.entries", loaded, Map::size).description("People in the biometric gallery")
                .register(meters);
        Gauge.builder("passerelle.gallery.templates", index, GalleryIndex::templateCount)
                .description("Fingerprint templates in the biometric gallery").register(meters);
    }

    @EventListener(ApplicationReadyEvent.class)
    public void load() {
        long started = System.nanoTime();
        sync();
        log.info("Biometric gallery loaded: {} entries, {} templates, in {} ms", loaded.size(), index.templateCount(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Brings the index up to date with the table — entries added or erased since, by this node or another (ids are
     * compared as sets, so an entry another node committed late is not missed) — and says whether every entry could
     * be opened. An entry sealed under another key, or made by another matcher, is tried again at every sync.
     */
    synchronized boolean sync() {
        Set<Long> stored = new HashSet<>(jdbc.sql("select id from gallery_entry").query(Long.class).list());
        for (Long id : List.copyOf(loaded.keySet())) {
            if (!stored.contains(id)) {
                index.remove(id);
                loaded.remove(id);
            }
        }
        unreadable.retainAll(stored);
        List<Long> missing = stored.stream().filter(id -> !loaded.containsKey(id)).sorted().toList();
        // A few hundred rows a query: at start-up every entry is missing, and one query per entry would be thousands.
        for (int from = 0; from < missing.size(); from += LOAD_BATCH) {
            List<Long> batch = missing.subList(from, Math.min(missing.size(), from + LOAD_BATCH));
            List<Row> rows = jdbc.sql("select * from gallery_entry where id in (:ids)").param("ids", batch)
                    .query((rs, n) -> new Row(entryOf(rs), rs.getString("entry_uid"), rs.getString("key_id"),
                            rs.getBytes("iv"), rs.getBytes("templates"))).list();
            rows.forEach(this::open);
        }
        // Corrections change metadata only: read it again for what the index holds.
        jdbc.sql("select " + METADATA + " from gallery_entry where corrected_at is not null")
                .query((rs, n) -> entryOf(rs)).list().forEach(e -> loaded.computeIfPresent(e.id(), (id, old) -> e));
        return unreadable.isEmpty();
    }

    /** Puts an entry's templates in the index, or counts it unreadable. */
    private void open(Row row) {
        long id = row.entry().id();
        try {
            index.put(id, unseal(row));
            loaded.put(id, row.entry());
            unreadable.remove(id);
        } catch (RuntimeException e) {
            if (unreadable.add(id)) {
                // Another key or another matcher, or a row changed behind the node's back: no search answers until it
                // is resolved, and the operator is told which entry.
                log.error("Gallery entry {} cannot be opened on this node: {}", id, e.getClass().getSimpleName());
            }
        }
    }

    /** How many people the gallery holds. */
    public int size() {
        return loaded.size();
    }

    /**
     * Adds a person: extracts the templates of the images (one per finger), seals and stores them, and audits the
     * entry. A person already held for this case is not added twice.
     *
     * @return the entry, or empty when none of the images could serve
     */
    public Optional<Entry> enrol(String caseReference, String partner, String reason, String source, LocalDate eventDate,
                                 List<FingerprintImage> images, String actor) {
        if (!REASONS.contains(reason)) {
            throw new IllegalArgumentException("reason must be one of " + REASONS);
        }
        Optional<Entry> existing = findByCase(caseReference);
        if (existing.isPresent()) {
            return existing;
        }
        List<GalleryTemplate> templates = extract(GalleryTemplates.forEnrolment(capped(images)));
        if (templates.isEmpty()) {
            return Optional.empty();
        }
        String uid = UUID.randomUUID().toString();
        PayloadVault.Sealed sealed = vault.seal(aad(uid, caseReference, partner, eventDate, matcher.algorithm()),
                serialize(templates));
        Instant now = clock.instant();
        Instant retainUntil = eventDate.atStartOfDay().toInstant(ZoneOffset.UTC).plus(properties.retention());
        Entry entry = transaction.execute(tx -> {
            jdbc.sql("""
                    insert into gallery_entry (entry_uid, case_reference, partner, reason, source, event_date,
                        recorded_by, recorded_at, retain_until, algorithm, finger_count, key_id, iv, templates)
                    values (:uid, :case, :partner, :reason, :source, :date, :by, :at, :until, :algorithm, :fingers,
                        :key, :iv, :templates)""")
                    .param("uid", uid).param("case", caseReference).param("partner", partner).param("reason", reason)
                    .param("source", source).param("date", eventDate).param("by", actor).param("at", utc(now))
                    .param("until", utc(retainUntil)).param("algorithm", matcher.algorithm())
                    .param("fingers", templates.size()).param("key", sealed.keyId()).param("iv", sealed.iv())
                    .param("templates", sealed.ciphertext()).update();
            Entry added = findByCase(caseReference).orElseThrow();
            audit.record(AuditTrail.Entry.of(actor, AuditChannel.CASEWORK, AuditAction.GALLERY_ENTRY_ADDED, AuditOutcome.OK)
                    .partner(partner)
                    .resource(resource(added.id())).caseReference(caseReference)
                    .code(reason, "entry " + added.id() + ": " + templates.size() + " fingerprint templates, "
                            + source + " on " + eventDate + ", kept until " + retainUntil));
            return added;
        });
        sync();
        return Optional.of(entry);
    }

    /**
     * Searches the gallery for the person whose images these are: the entries at or above the threshold, best first,
     * at most {@code maxCandidates}.
     */
    public List<Candidate> search(List<FingerprintImage> images) {
        if (!sync()) {
            throw new IllegalStateException(unreadable.size() + " gallery entries cannot be opened on this node: a"
                    + " search now could miss the person");
        }
        List<GalleryTemplate> probe = extract(GalleryTemplates.forSearch(capped(images)));
        if (probe.isEmpty()) {
            return List.of();
        }
        List<Candidate> found = new ArrayList<>();
        for (GalleryIndex.Hit hit : index.search(probe, properties.threshold(), properties.maxCandidates())) {
            Entry e = loaded.get(hit.entryId());
            if (e != null) {
                found.add(new Candidate(e.id(), hit.score(), e.caseReference(), e.partner(), e.reason(), e.eventDate()));
            }
        }
        return List.copyOf(found);
    }

    /** Whether any of the images is one the matcher can use. */
    public static boolean searchable(List<FingerprintImage> images) {
        return !GalleryTemplates.forSearch(images).isEmpty();
    }

    /** The entries, newest first, at most {@code limit}: metadata only. */
    public List<Entry> entries(int limit) {
        return jdbc.sql("select " + METADATA + " from gallery_entry order by id desc fetch first :n rows only")
                .param("n", limit)
                .query((rs, n) -> entryOf(rs)).list();
    }

    public Optional<Entry> find(long id) {
        return jdbc.sql("select " + METADATA + " from gallery_entry where id = :id").param("id", id)
                .query((rs, n) -> entryOf(rs)).optional();
    }

    private Optional<Entry> findByCase(String caseReference) {
        return jdbc.sql("select " + METADATA + " from gallery_entry where case_reference = :case")
                .param("case", caseReference).query((rs, n) -> entryOf(rs)).optional();
    }

    /** Corrects an entry's reason, recording who did it and why. */
    public Entry correct(long id, String reason, String note, String actor) {
        if (reason == null || !REASONS.contains(reason)) {
            throw invalid("reason must be one of " + REASONS.stream().sorted().toList());
        }
        String why = note(note);
        Entry corrected = transaction.execute(tx -> {
            Entry e = find(id).orElseThrow(() -> notFound(id));
            jdbc.sql("""
                    update gallery_entry set reason = :reason, corrected_by = :by, corrected_at = :at,
                        correction_note = :note where id = :id""")
                    .param("reason", reason).param("by", actor).param("at", utc(clock.instant())).param("note", why)
                    .param("id", id).update();
            audit.record(AuditTrail.Entry.of(actor,
                    AuditChannel.API, AuditAction.GALLERY_ENTRY_CORRECTED, AuditOutcome.GRANTED).partner(e.partner())
                    .resource(resource(id)).caseReference(e.caseReference())
                    .code(reason, "entry " + id + ": reason " + e.reason() + " -> " + reason + "; " + why));
            return find(id).orElseThrow();
        });
        sync();
        return corrected;
    }

    /** Erases an entry recorded in error, recording who did it and why. */
    public void erase(long id, String note, String actor) {
        String why = note(note);
        transaction.executeWithoutResult(tx -> {
            Entry e = find(id).orElseThrow(() -> notFound(id));
            jdbc.sql("delete from gallery_entry where id = :id").param("id", id).update();
            audit.record(AuditTrail.Entry.of(actor,
                    AuditChannel.API, AuditAction.GALLERY_ENTRY_REMOVED, AuditOutcome.GRANTED).partner(e.partner())
                    .resource(resource(id)).caseReference(e.caseReference())
                    .code(e.reason(), "entry " + id + " erased: " + why));
        });
        sync();
    }

    /** Erases every entry whose retention has ended, auditing each; returns how many went. */
    /** Erases the entries whose retention has ended, each audited; scheduled by {@link GalleryWork}. */
    public int purgeExpired() {
        List<Entry> due = jdbc.sql("select " + METADATA + " from gallery_entry where retain_until <= :now order by id")
                .param("now", utc(clock.instant())).query((rs, n) -> entryOf(rs)).list();
        int erased = 0;
        for (Entry e : due) {
            Boolean gone = transaction.execute(tx -> {
                if (jdbc.sql("delete from gallery_entry where id = :id").param("id", e.id()).update() != 1) {
                    return false;
                }
                audit.record(AuditTrail.Entry.of(NODE,
                        AuditChannel.CASEWORK, AuditAction.GALLERY_ENTRY_ERASED, AuditOutcome.OK).partner(e.partner())
                        .resource(resource(e.id())).caseReference(e.caseReference())
                        .code(e.reason(), "entry " + e.id() + ": retention ended " + e.retainUntil()));
                return true;
            });
            if (Boolean.TRUE.equals(gone)) {
                erased++;
            }
        }
        if (erased > 0) {
            sync();
            log.info("Biometric gallery: {} entries erased at the end of their retention", erased);
        }
        return erased;
    }

    @Override
    public void close() {
        index.close();
    }

    private List<GalleryTemplate> extract(List<FingerprintImage> images) {
        return images.parallelStream().map(i -> new GalleryTemplate(i.position(), matcher.extract(i))).toList();
    }

    private static List<FingerprintImage> capped(List<FingerprintImage> images) {
        return images.size() <= MAX_IMAGES ? images : images.subList(0, MAX_IMAGES);
    }

    private List<GalleryTemplate> unseal(Row row) {
        if (!row.entry().algorithm().equals(matcher.algorithm())) {
            throw new IllegalStateException("Gallery entry " + row.entry().id() + " was made by "
                    + row.entry().algorithm() + ", this node matches with " + matcher.algorithm());
        }
        Entry e = row.entry();
        return deserialize(vault.open(aad(row.uid(), e.caseReference(), e.partner(), e.eventDate(), e.algorithm()),
                row.keyId(), row.iv(), row.sealed()));
    }

    /** Templates as stored: a count, then per template its finger position, length and bytes. */
    private static byte[] serialize(List<GalleryTemplate> templates) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(templates.size());
            for (GalleryTemplate t : templates) {
                byte[] serialized = t.template().serialized();
                out.writeInt(t.position());
                out.writeInt(serialized.length);
                out.write(serialized);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<GalleryTemplate> deserialize(byte[] blob) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(blob))) {
            int count = in.readInt();
            List<GalleryTemplate> templates = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int position = in.readInt();
                byte[] serialized = new byte[in.readInt()];
                in.readFully(serialized);
                templates.add(new GalleryTemplate(position, matcher.read(serialized)));
            }
            return templates;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the seal binds the templates to: the entry and the facts a search reports about it. */
    private static String aad(String uid, String caseReference, String partner, LocalDate eventDate, String algorithm) {
        return "gallery-entry:v1|" + uid + "|" + caseReference + "|" + partner + "|" + eventDate + "|" + algorithm;
    }

    static String resource(long id) {
        return "gallery-entry:" + id;
    }

    private static String note(String note) {
        if (!validNote(note)) {
            throw invalid("a note saying why (1 to " + MAX_NOTE + " characters, no control characters) is required");
        }
        return note.strip();
    }

    /** A note a person gives for a decision: 1 to 200 characters once trimmed, no control characters. */
    static boolean validNote(String note) {
        return note != null && !note.isBlank() && note.strip().length() <= MAX_NOTE
                && note.strip().codePoints().noneMatch(Character::isISOControl);
    }

    private static GatewayException invalid(String detail) {
        return new GatewayException(GatewayErrorCode.GALLERY_CORRECTION_INVALID, "The gallery correction is incomplete",
                List.of(detail), null);
    }

    private static GatewayException notFound(long id) {
        return new GatewayException(GatewayErrorCode.GALLERY_ENTRY_NOT_FOUND, "No gallery entry " + id);
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static Entry entryOf(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Entry(rs.getLong("id"), rs.getString("case_reference"), rs.getString("partner"),
                rs.getString("reason"), rs.getString("source"), rs.getObject("event_date", LocalDate.class),
                rs.getObject("recorded_at", OffsetDateTime.class).toInstant(), rs.getString("recorded_by"),
                rs.getObject("retain_until", OffsetDateTime.class).toInstant(), rs.getInt("finger_count"),
                rs.getString("algorithm"), rs.getString("corrected_by"),
                Optional.ofNullable(rs.getObject("corrected_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant)
                        .orElse(null), rs.getString("correction_note"));
    }

    private record Row(Entry entry, String uid, String keyId, byte[] iv, byte[] sealed) {
    }

    static String describe(List<Candidate> candidates) {
        return candidates.stream().map(c -> "entry " + c.entryId() + " score " + Math.round(c.score()))
                .collect(Collectors.joining(", "));
    }
}
