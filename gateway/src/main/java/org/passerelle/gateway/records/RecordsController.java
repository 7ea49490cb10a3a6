package org.passerelle.gateway.records;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.passerelle.gateway.access.AccessRules;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.access.SearchRateLimiter;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Searches and views messages and cases for people and systems, each request scoped by {@link AccessRules} (which
 * audits every refusal) and audited when granted.
 */
@RestController
@RequestMapping(path = "/api/v1/records", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Records", description = "Messages and cases, scoped to who asks: officers their partner state, "
        + "caseworkers their team, auditors and administrators metadata only")
class RecordsController {

    static final String QUERY = "RECORDS_QUERY";
    static final String VIEW = "RECORD_VIEW";
    static final String RECORDS = "records";

    /** A record as listed: metadata and its status history, never a payload. */
    record RecordSummary(String kind, String id, String caseKind, String caseReference, String conversationId,
                         String messageType, String partner, String direction, String status, Instant at,
                         Instant updatedAt, String team, List<RecordsRepository.Step> history) {
    }

    /** A page of records. */
    record RecordPage(List<RecordSummary> items, int page, int size, long total, String sort) {
    }

    /** A receipt of a message: who acknowledged what, by digest only. */
    record ReceiptView(String kind, String acknowledgedSha256, String receiptSha256, int receiptSize, Instant at) {
    }

    /** One record in full: metadata, history, receipts, the messages of a case, and the payload as policy allows. */
    record RecordDetail(RecordSummary record, String payloadSha256, Long payloadSize, List<ReceiptView> receipts,
                        List<String> messages, PayloadPresenter.PayloadView payload) {
    }

    private final AccessRules rules;
    private final SearchRateLimiter limiter;
    private final RecordsRepository records;
    private final MessageStore store;
    private final PayloadPresenter presenter;

    RecordsController(AccessRules rules, SearchRateLimiter limiter, RecordsRepository records, MessageStore store,
                      PayloadPresenter presenter) {
        this.rules = rules;
        this.limiter = limiter;
        this.records = records;
        this.store = store;
        this.presenter = presenter;
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('LIAISON_OFFICER', 'CASEWORKER', 'AUDITOR', 'ADMIN', 'SYSTEM')")
    @Operation(summary = "Search messages and cases (roles LIAISON_OFFICER, CASEWORKER, AUDITOR, ADMIN, SYSTEM)",
            description = "Filters by case reference, conversation, message type, partner, status and time range "
                    + "(from inclusive, to exclusive, on when the record was accepted or opened); paginated (size up "
                    + "to 100) and sorted (sort=field,asc|desc; fields at, updatedAt, caseReference, messageType, "
                    + "status, partner, kind). Each result carries its status history, never a payload. A liaison "
                    + "officer must state purpose and caseReference and sees only their partner state's records "
                    + "(another partner: 403 PARTNER_NOT_ALLOWED); a caseworker sees only their team's cases and "
                    + "their messages. Searches are rate-limited per person (429 SEARCH_RATE_LIMITED). Audited.")
    RecordPage search(
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
        Caller caller = Callers.current();
        AccessRules.Scope scope = rules.forRecords(caller, QUERY, RECORDS, purpose, caseReference, blankToNull(partner));
        limiter.acquire(scope, QUERY, RECORDS);
        RecordQuery query = RecordQuery.parse(kind, caseReference, conversationId, messageType, partner, status, from,
                to, page, size, sort);
        if (scope.team() != null && query.caseReference() != null) {
            Optional<Optional<String>> team = records.teamOfCase(query.caseReference());
            if (team.isPresent() && !team.get().equals(Optional.of(scope.team()))) {
                throw rules.refuse(scope, QUERY, RECORDS, GatewayErrorCode.TEAM_NOT_ALLOWED,
                        "This case is not of your team");
            }
        }
        RecordsRepository.Page found = records.search(query, scope);
        List<RecordSummary> items = new ArrayList<>(found.rows().size());
        for (RecordsRepository.Row row : found.rows()) {
            items.add(summary(row));
        }
        rules.granted(scope, QUERY, RECORDS, e -> e.code(null, found.rows().size() + " of " + found.total()
                + " records" + (query.partner() == null ? "" : " with " + query.partner())));
        return new RecordPage(items, query.page(), query.size(), found.total(),
                RecordQuery.SORTS.entrySet().stream().filter(s -> s.getValue().equals(query.sortColumn()))
                        .map(s -> s.getKey()).findFirst().orElse("at") + (query.ascending() ? ",asc" : ",desc"));
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('LIAISON_OFFICER', 'CASEWORKER', 'AUDITOR', 'ADMIN', 'SYSTEM')")
    @Operation(summary = "One message (by message id) or case (by case reference) with its history (roles "
            + "LIAISON_OFFICER, CASEWORKER, AUDITOR, ADMIN, SYSTEM)",
            description = "A message comes with its receipts (by digest) and its payload as a list of {path, value} "
                    + "fields: to SYSTEM, LIAISON_OFFICER and CASEWORKER, without the fields "
                    + "passerelle.records.withheld names for the role; to AUDITOR and ADMIN never (payload WITHHELD). "
                    + "Biometric data is never shown: a transaction only by SHA-256, size and record counts. A "
                    + "liaison officer states purpose and caseReference and sees only their partner state's records; "
                    + "a caseworker only their team's. Audited.")
    RecordDetail view(@PathVariable String id,
                      @RequestParam(required = false) String purpose,
                      @RequestParam(required = false) String caseReference) {
        Caller caller = Callers.current();
        String resource = "record:" + (id.matches("[A-Za-z0-9-]{1,40}") ? id : "?");
        AccessRules.Scope scope = rules.forRecords(caller, VIEW, resource, purpose, caseReference, null);
        RecordsRepository.Row row = records.find(id).orElseThrow(() -> rules.refuse(scope, VIEW, resource,
                GatewayErrorCode.RECORD_NOT_FOUND, "No message or case " + resource.substring("record:".length())));
        rules.checkRecord(scope, VIEW, resource, row.partner(), row.team());
        RecordSummary summary = summary(row);
        if (!"MESSAGE".equals(row.kind())) {
            List<String> messages = records.messagesOfCase(row.caseReference(), row.partner());
            rules.granted(scope, VIEW, resource, e -> e.partner(row.partner()).caseReference(row.caseReference()));
            return new RecordDetail(summary, null, null, List.of(), messages,
                    PayloadPresenter.PayloadView.withheld("a case has no payload of its own; see its messages"));
        }
        MessageRecord message = store.find(id).orElseThrow();
        PayloadPresenter.PayloadView payload = payload(scope, id);
        rules.granted(scope, VIEW, resource, e -> e.partner(row.partner())
                .message(id, message.messageType(), message.payloadSha256())
                .code(null, "payload " + payload.shown()));
        return new RecordDetail(summary, message.payloadSha256(), message.payloadSize(), receipts(message), List.of(),
                payload);
    }

    private PayloadPresenter.PayloadView payload(AccessRules.Scope scope, String id) {
        if (!scope.payload()) {
            return PayloadPresenter.PayloadView.withheld("withheld (" + scope.role() + ")");
        }
        Optional<byte[]> bytes = store.payload(id);
        if (bytes.isEmpty()) {
            return new PayloadPresenter.PayloadView("PURGED", "the payload has been purged", List.of(), List.of());
        }
        return presenter.present(bytes.get(), scope.role());
    }

    private List<ReceiptView> receipts(MessageRecord message) {
        List<ReceiptView> receipts = new ArrayList<>();
        store.inboundReceipt(message.messageId()).ifPresent(r -> receipts.add(new ReceiptView("ISSUED",
                r.payloadSha256(), Digests.sha256Hex(r.receipt()), r.receipt().length, null)));
        store.outboundReceipt(message.messageId()).ifPresent(r -> receipts.add(new ReceiptView("VERIFIED",
                message.payloadSha256(), Digests.sha256Hex(r), r.length, message.receiptAt())));
        return receipts;
    }

    private RecordSummary summary(RecordsRepository.Row row) {
        return new RecordSummary(row.kind(), row.id(), row.caseKind(), row.caseReference(), row.conversationId(),
                row.messageType(), row.partner(), row.direction(), row.status(), row.at(), row.updatedAt(), row.team(),
                records.history(row));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

}
