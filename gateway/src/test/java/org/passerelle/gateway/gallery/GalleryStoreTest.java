package org.passerelle.gateway.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.contracts.biometrics.FingerprintImage;
import org.passerelle.gateway.MovableClock;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gallery on a real node's database: templates stored sealed (no template bytes in the table), found again after
 * the index is rebuilt from the table, corrected with a note, and erased when the retention ends, each change audited
 * naming the entry.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class GalleryStoreTest {

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        r.add("passerelle.gallery.retention", () -> "30d");
        r.add("passerelle.gallery.work-interval", () -> "1h");
        r.add("passerelle.gallery.purge-interval", () -> "1h");
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    @Autowired
    Gallery gallery;
    @Autowired
    AuditTrail audit;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MovableClock clock;

    @BeforeEach
    void emptyGallery() {
        jdbc.sql("delete from gallery_entry").update();
        gallery.sync();
    }

    @Test
    void anEntryIsSealedFoundCorrectedAndErasedWhenItsRetentionEnds() {
        LocalDate returnedOn = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<FingerprintImage> card = GallerySamples.images(GallerySamples.TYPE_4_TPCARD);
        Gallery.Entry entry = gallery.enrol("GB-RA-2026-100001", "FR", "PREVIOUSLY_RETURNED", "TRANSFER_COMPLETED",
                returnedOn, card, "node").orElseThrow();
        assertThat(entry.fingers()).isEqualTo(10);
        assertThat(entry.retainUntil()).isEqualTo(returnedOn.atStartOfDay().toInstant(ZoneOffset.UTC).plus(Duration.ofDays(30)));
        assertThat(gallery.enrol("GB-RA-2026-100001", "FR", "PREVIOUSLY_RETURNED", "TRANSFER_COMPLETED", returnedOn, card,
                "node")).contains(entry);

        // the table holds ciphertext: no template's bytes appear in it
        byte[] stored = jdbc.sql("select templates from gallery_entry where id = :id").param("id", entry.id())
                .query(byte[].class).single();
        byte[] oneTemplate = GallerySamples.template(GallerySamples.image(GallerySamples.TYPE_4_TPCARD, 1)).serialized();
        assertThat(indexOf(stored, Arrays.copyOfRange(oneTemplate, 0, 32))).isEqualTo(-1);

        // the same person's slaps find the entry
        List<Gallery.Candidate> found = gallery.search(GallerySamples.images(GallerySamples.SLAPS));
        assertThat(found).extracting(Gallery.Candidate::entryId).containsExactly(entry.id());
        assertThat(found.get(0).caseReference()).isEqualTo("GB-RA-2026-100001");

        // a correction needs a note, and names the entry in the audit log
        assertThatThrownBy(() -> gallery.correct(entry.id(), "PREVIOUS_IRREGULAR_ENTRY", " ", "admin-1"))
                .isInstanceOf(GatewayException.class).hasMessageContaining("incomplete");
        assertThatThrownBy(() -> gallery.correct(entry.id(), "SOMETHING_ELSE", "why", "admin-1"))
                .isInstanceOf(GatewayException.class);
        Gallery.Entry corrected = gallery.correct(entry.id(), "PREVIOUS_IRREGULAR_ENTRY", "wrong reason recorded", "admin-1");
        assertThat(corrected.reason()).isEqualTo("PREVIOUS_IRREGULAR_ENTRY");
        assertThat(corrected.correctedBy()).isEqualTo("admin-1");
        assertThat(audit.latest(20)).anyMatch(e -> e.action().equals("GALLERY_ENTRY_CORRECTED")
                && e.resource().equals("gallery-entry:" + entry.id()) && e.actor().equals("admin-1"));

        // nothing is erased before the retention ends; everything due is, each entry audited by name
        clock.advance(Duration.ofDays(29));
        assertThat(gallery.purgeExpired()).isZero();
        clock.advance(Duration.ofDays(2));
        assertThat(gallery.purgeExpired()).isEqualTo(1);
        assertThat(gallery.find(entry.id())).isEmpty();
        assertThat(gallery.search(GallerySamples.images(GallerySamples.SLAPS))).isEmpty();
        List<AuditEvent> erased = audit.latest(20).stream().filter(e -> e.action().equals("GALLERY_ENTRY_ERASED")).toList();
        assertThat(erased).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("gallery-entry:" + entry.id());
            assertThat(e.caseReference()).isEqualTo("GB-RA-2026-100001");
            assertThat(e.detail()).contains("retention ended");
        });
    }

    @Test
    void anEntryAnotherNodeErasedIsNotFoundOnceTheIndexCatchesUp() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Gallery.Entry entry = gallery.enrol("GB-RA-2026-100002", "FR", "PREVIOUSLY_RETURNED", "TRANSFER_COMPLETED", today,
                GallerySamples.images(GallerySamples.TYPE_14_TPCARD), "node").orElseThrow();
        // another node erased it directly in the shared table: this node's index follows before its next search
        jdbc.sql("delete from gallery_entry where id = :id").param("id", entry.id()).update();
        assertThat(gallery.search(GallerySamples.images(GallerySamples.SLAPS))).extracting(Gallery.Candidate::entryId)
                .doesNotContain(entry.id());
    }

    @Test
    void anEntryWhoseRowWasAlteredNoLongerOpensAndSearchesRefuseToAnswerUntilItIsResolved() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Gallery.Entry entry = gallery.enrol("GB-RA-2026-100003", "FR", "PREVIOUSLY_RETURNED", "TRANSFER_COMPLETED", today,
                GallerySamples.images(GallerySamples.TYPE_4_TPCARD), "node").orElseThrow();
        // whoever holds the database copies a person's sealed templates under another case: the seal, bound to the
        // entry and its case, does not open there, and a search that could miss someone refuses to answer rather than
        // answer "nobody"
        List<FingerprintImage> slaps = GallerySamples.images(GallerySamples.SLAPS);
        jdbc.sql("insert into gallery_entry (entry_uid, case_reference, partner, reason, source, event_date, recorded_by,"
                        + " recorded_at, retain_until, algorithm, finger_count, key_id, iv, templates)"
                        + " select 'z' || substr(entry_uid, 2), 'GB-RA-2026-100004', partner, reason, source, event_date,"
                        + " recorded_by, recorded_at, retain_until, algorithm, finger_count, key_id, iv, templates"
                        + " from gallery_entry where id = :id").param("id", entry.id()).update();
        assertThatThrownBy(() -> gallery.search(slaps)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot be opened");
        jdbc.sql("delete from gallery_entry where case_reference = 'GB-RA-2026-100004'").update();
        assertThat(gallery.search(slaps)).extracting(Gallery.Candidate::entryId).containsExactly(entry.id());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
