package org.passerelle.gateway.gallery;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.util.List;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The biometric gallery over the API: its entries' metadata for administrators and auditors (never a template, never
 * an image), and corrections and erasures by an administrator, each with a note saying why, audited naming the entry.
 */
@RestController
@RequestMapping(path = "/api/v1/gallery", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Biometric gallery", description = "People returned under the scheme, as fingerprint templates searched 1:N")
class GalleryController {

    record Correction(String reason, String note) {
    }

    record Erasure(String note) {
    }

    private final Gallery gallery;
    private final AuditTrail audit;

    GalleryController(Gallery gallery, AuditTrail audit) {
        this.gallery = gallery;
        this.audit = audit;
    }

    @GetMapping("/entries")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
    @Operation(summary = "The gallery's entries, newest first: case, partner, reason, dates, retention; never templates (roles ADMIN, AUDITOR)")
    List<Gallery.Entry> entries(@RequestParam(defaultValue = "100") int limit, Principal principal) {
        List<Gallery.Entry> entries = gallery.entries(Math.max(1, Math.min(limit, 1000)));
        audit.record(AuditTrail.Entry.of(principal.getName(),
                AuditChannel.API, AuditAction.GALLERY_ENTRIES_VIEWED, AuditOutcome.GRANTED)
                .resource("gallery").detail(entries.size() + " entries"));
        return entries;
    }

    @GetMapping("/entries/{id}")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
    @Operation(summary = "One gallery entry's metadata (roles ADMIN, AUDITOR)")
    Gallery.Entry entry(@PathVariable long id, Principal principal) {
        Gallery.Entry entry = gallery.find(id).orElseThrow(() -> new GatewayException(
                GatewayErrorCode.GALLERY_ENTRY_NOT_FOUND, "No gallery entry " + id));
        audit.record(AuditTrail.Entry.of(principal.getName(),
                AuditChannel.API, AuditAction.GALLERY_ENTRY_VIEWED, AuditOutcome.GRANTED)
                .resource(Gallery.resource(id)).caseReference(entry.caseReference()));
        return entry;
    }

    @PatchMapping(path = "/entries/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Correct an entry's reason, with a note saying why (role ADMIN)",
            description = "reason: PREVIOUSLY_RETURNED or PREVIOUS_IRREGULAR_ENTRY; note: 1 to 200 characters. Audited as GALLERY_ENTRY_CORRECTED naming the entry.")
    Gallery.Entry correct(@PathVariable long id, @RequestBody Correction body, Principal principal) {
        try {
            return gallery.correct(id, body == null ? null : body.reason(), body == null ? null : body.note(),
                    principal.getName());
        } catch (GatewayException e) {
            throw refused(principal, AuditAction.GALLERY_ENTRY_CORRECTED, id, e);
        }
    }

    @PostMapping(path = "/entries/{id}/erasure", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('ADMIN')")
    @Operation(summary = "Erase an entry recorded in error, with a note saying why (role ADMIN)",
            description = "Audited as GALLERY_ENTRY_REMOVED naming the entry and its case; answers 204.")
    org.springframework.http.ResponseEntity<Void> erase(@PathVariable long id, @RequestBody Erasure body,
                                                        Principal principal) {
        try {
            gallery.erase(id, body == null ? null : body.note(), principal.getName());
            return org.springframework.http.ResponseEntity.noContent().build();
        } catch (GatewayException e) {
            throw refused(principal, AuditAction.GALLERY_ENTRY_REMOVED, id, e);
        }
    }

    private GatewayException refused(Principal principal, AuditAction action, long id, GatewayException e) {
        audit.refused(AuditTrail.Entry.of(principal.getName(), AuditChannel.API, action, AuditOutcome.REFUSED)
                .resource(Gallery.resource(id))
                .code(e.code(), e.getMessage()));
        return e;
    }
}
