package org.passerelle.gateway.records;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.passerelle.gateway.access.Callers;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Searches and views messages and cases for people and systems through {@link Records}: each request scoped by the access rules (which
 * audits every refusal) and audited when granted.
 */
@RestController
@RequestMapping(path = "/api/v1/records", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Records", description = "Messages and cases, scoped to who asks: officers their partner state, "
        + "caseworkers their team, auditors and administrators metadata only")
class RecordsController {

    private final Records records;
    private final SubjectAccess subjectAccess;

    RecordsController(Records records, SubjectAccess subjectAccess) {
        this.records = records;
        this.subjectAccess = subjectAccess;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('LIAISON_OFFICER', 'CASEWORKER', 'AUDITOR', 'ADMIN', 'SYSTEM')")
    @Operation(summary = "Search messages and cases (roles LIAISON_OFFICER, CASEWORKER, AUDITOR, ADMIN, SYSTEM)",
            description = "Filters by case reference, conversation, message type, partner, status and time range "
                    + "(from inclusive, to exclusive, on when the record was accepted or opened); paginated (size up "
                    + "to 100) and sorted (sort=field,asc|desc; fields at, updatedAt, caseReference, messageType, "
                    + "status, partner, kind). Each result carries its status history, never a payload. A liaison "
                    + "officer must state purpose and caseReference, a case of their partner state fitting the purpose "
                    + "(403 CASE_NOT_FOUND_FOR_PURPOSE, PURPOSE_CASE_MISMATCH, CASE_CLOSED_FOR_PURPOSE), and sees only "
                    + "their partner state's records of that case (another partner: 403 PARTNER_NOT_ALLOWED); a caseworker sees only their team's cases and "
                    + "their messages. Searches are rate-limited per person (429 SEARCH_RATE_LIMITED). Audited.")
    Records.RecordPage search(
            @Parameter(description = "Why (one of access.Purpose); required of liaison officers") @RequestParam(required = false) String purpose,
            @Parameter(description = "The case the query is for; required of liaison officers, and a filter") @RequestParam(required = false) String caseReference,
            @RequestParam(required = false) String conversationId,
            @RequestParam(required = false) String messageType,
            @RequestParam(required = false) String partner,
            @RequestParam(required = false) String status,
            @Parameter(description = "ISO-8601 instant, inclusive") @RequestParam(required = false) String from,
            @Parameter(description = "ISO-8601 instant, exclusive") @RequestParam(required = false) String to,
            @Parameter(description = "MESSAGE, CASE or ALL (default)") @RequestParam(required = false) String kind,
            @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer size,
            @RequestParam(required = false) String sort) {
        return records.search(Callers.current(), purpose, new Records.Filters(caseReference, conversationId,
                messageType, partner, status, from, to, kind, page, size, sort));
    }

    @org.springframework.web.bind.annotation.PostMapping(path = "/subject-access", consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('SYSTEM')")
    @Operation(summary = "Subject access: everything held about one person, by case references and/or identity (family"
            + " name, given names, date of birth), for the response (role SYSTEM: the subject-access unit's system)."
            + " Recorded as SUBJECT_ACCESS_EXPORTED with the request reference")
    SubjectAccess.Export subjectAccess(@org.springframework.web.bind.annotation.RequestBody SubjectAccess.Request body) {
        return subjectAccess.export(Callers.current(), body);
    }

    @GetMapping("/query-results/{id}")
    @PreAuthorize("hasAnyRole('AUDITOR', 'ADMIN')")
    @Operation(summary = "Which records a records query returned (roles AUDITOR, ADMIN): the query's audit entry names"
            + " query-result:<id> and the SHA-256 of this list. Audited.")
    RecordsRepository.QueryResult queryResult(@PathVariable long id) {
        return records.queryResult(Callers.current(), id);
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('LIAISON_OFFICER', 'CASEWORKER', 'AUDITOR', 'ADMIN', 'SYSTEM')")
    @Operation(summary = "One message (by message id) or case (by case reference) with its history (roles "
            + "LIAISON_OFFICER, CASEWORKER, AUDITOR, ADMIN, SYSTEM)",
            description = "A message comes with its receipts (by digest) and its payload as a list of {path, value} "
                    + "fields: to SYSTEM, LIAISON_OFFICER and CASEWORKER, without the fields "
                    + "passerelle.records.withheld names for the role; to AUDITOR and ADMIN never (payload WITHHELD). "
                    + "Biometric data is never shown: a transaction only by SHA-256, size and record counts. A "
                    + "liaison officer states purpose and caseReference, a case of their partner state fitting the "
                    + "purpose (403 CASE_NOT_FOUND_FOR_PURPOSE, PURPOSE_CASE_MISMATCH, CASE_CLOSED_FOR_PURPOSE), and "
                    + "sees only their partner state's records of that case (403 RECORD_NOT_IN_CASE); a caseworker "
                    + "only their team's. Views are rate-limited per person (429 VIEW_RATE_LIMITED). Audited.")
    Records.RecordDetail view(@PathVariable String id,
                      @RequestParam(required = false) String purpose,
                      @RequestParam(required = false) String caseReference) {
        return records.view(Callers.current(), id, purpose, caseReference);
    }
}
