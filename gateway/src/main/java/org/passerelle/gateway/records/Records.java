package org.passerelle.gateway.records;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.passerelle.gateway.access.AccessRules;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.SearchRateLimiter;
import org.passerelle.gateway.access.ViewRateLimiter;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.springframework.stereotype.Service;

/**
 * Searches and views messages and cases for a caller, each request scoped by {@link AccessRules} (which audits every
 * refusal) and audited when granted: what both the records API and the console's records pages call, so that the
 * rules are decided in one place.
 */
@Service
public class Records {

    static final AuditAction QUERY = AuditAction.RECORDS_QUERY;
    static final AuditAction VIEW = AuditAction.RECORD_VIEW;
    static final String RECORDS = "records";

    /** A record as listed: metadata and its status history, never a payload. */
    public record RecordSummary(String kind, String id, String caseKind, String caseReference, String conversationId,
                                String messageType, String partner, String direction, String status, Instant at,
                                Instant updatedAt, String team, List<Step> history) {
    }

    /** One step of a record's history: a message's status or a case's transition. */
    public record Step(String from, String to, String event, String reason, String detail, String messageId, String actor,
                Instant at) {
    }

    /** A page of records. */
    public record RecordPage(List<RecordSummary> items, int page, int size, long total, String sort) {
    }

    /** A receipt of a message: who acknowledged what, by digest only. */
    public record ReceiptView(String kind, String acknowledgedSha256, String receiptSha256, int receiptSize,
                              Instant at) {
    }

    /** One record in full: metadata, history, receipts, the messages of a case, and the payload as policy allows. */
    public record RecordDetail(RecordSummary record, String payloadSha256, Long payloadSize, List<ReceiptView> receipts,
                               List<String> messages, PayloadPresenter.PayloadView payload) {
    }

    /** The filters of a search, as the API takes them (each optional; times ISO-8601 instants). */
    public record Filters(String caseReference, String conversationId, String messageType, String partner,
                          String status, String from, String to, String kind, Integer page, Integer size,
                          String sort) {
    }

    private final AccessRules rules;
    private final SearchRateLimiter limiter;
    private final ViewRateLimiter viewLimiter;
    private final RecordsRepository records;
    private final MessageStore store;
    private final PayloadPresenter presenter;

    Records(AccessRules rules, SearchRateLimiter limiter, ViewRateLimiter viewLimiter, RecordsRepository records,
            MessageStore store, PayloadPresenter presenter) {
        this.rules = rules;
        this.limiter = limiter;
        this.viewLimiter = viewLimiter;
        this.records = records;
        this.store = store;
        this.presenter = presenter;
    }

    /** A page of the records the caller may see that match the filters; rate-limited and audited. */
    public RecordPage search(Caller caller, String purpose, Filters f) {
        AccessRules.Scope scope = rules.forRecords(caller, QUERY, RECORDS, purpose, f.caseReference(),
                blankToNull(f.partner()));
        limiter.acquire(scope, QUERY, RECORDS);
        RecordQuery query = RecordQuery.parse(f.kind(), f.caseReference(), f.conversationId(), f.messageType(),
                f.partner(), f.status(), f.from(), f.to(), f.page(), f.size(), f.sort());
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
        RecordsRepository.QueryResult returned = records.saveQueryResult(caller.name(),
                found.rows().stream().map(r -> r.kind() + ":" + r.id()).toList(), java.time.Instant.now());
        rules.granted(scope, QUERY, RECORDS, e -> e.detail(found.rows().size() + " of " + found.total()
                + " records" + (query.partner() == null ? "" : " with " + query.partner()) + "; returned: query-result:"
                + returned.id() + " (sha256 " + returned.sha256() + ")"));
        return new RecordPage(items, query.page(), query.size(), found.total(),
                RecordQuery.SORTS.entrySet().stream().filter(s -> s.getValue().equals(query.sortColumn()))
                        .map(s -> s.getKey()).findFirst().orElse("at") + (query.ascending() ? ",asc" : ",desc"));
    }

    /** Which records a query returned, for an auditor following its audit entry; audited as a view. */
    public RecordsRepository.QueryResult queryResult(Caller caller, long id) {
        AccessRules.Scope scope = rules.forRecords(caller, VIEW, "query-result:" + id, null, null, null);
        RecordsRepository.QueryResult result = records.queryResult(id).orElseThrow(() -> rules.refuse(scope, VIEW,
                "query-result:" + id, GatewayErrorCode.RECORD_NOT_FOUND, "No query result " + id));
        rules.granted(scope, VIEW, "query-result:" + id, e -> e.detail(result.records().size() + " records"));
        return result;
    }

    /** One message (by id) or case (by reference) as the caller may see it; audited. */
    public RecordDetail view(Caller caller, String id, String purpose, String caseReference) {
        return view(caller, id, purpose, caseReference, false).detail();
    }

    /** A record in full and, for a case, its legal deadlines. */
    public record CaseFile(RecordDetail detail, List<Deadline> deadlines, List<RecordSummary> messages) {
    }

    /**
     * A legal deadline of a case: {@code running} while the case's state keeps the clock going (as the deadline
     * watches have it), so an overdue deadline is one running and past.
     */
    public record Deadline(String name, Instant dueAt, boolean running) {
    }

    /** One record as {@link #view} has it, with a case's deadlines; the same access rules and audit. */
    public CaseFile view(Caller caller, String id, String purpose, String caseReference, boolean withDeadlines) {
        String resource = "record:" + (id.matches("[A-Za-z0-9-]{1,40}") ? id : "?");
        AccessRules.Scope scope = rules.forRecords(caller, VIEW, resource, purpose, caseReference, null);
        viewLimiter.acquire(scope, VIEW, resource);
        RecordsRepository.Row row = records.find(id).orElseThrow(() -> rules.refuse(scope, VIEW, resource,
                GatewayErrorCode.RECORD_NOT_FOUND, "No message or case " + resource.substring("record:".length())));
        rules.checkRecord(scope, VIEW, resource, row.partner(), row.team(), row.caseReference());
        RecordSummary summary = summary(row);
        if (!"MESSAGE".equals(row.kind())) {
            List<String> messages = records.messagesOfCase(row.caseReference(), row.partner());
            rules.granted(scope, VIEW, resource, e -> e.partner(row.partner()).caseReference(row.caseReference()));
            return new CaseFile(new RecordDetail(summary, null, null, List.of(), messages,
                    PayloadPresenter.PayloadView.withheld("a case has no payload of its own; see its messages")),
                    withDeadlines ? records.deadlines(row) : List.of(),
                    withDeadlines ? messages.stream().map(records::find).flatMap(Optional::stream).map(this::summary)
                            .toList() : List.of());
        }
        MessageRecord message = store.find(id).orElseThrow();
        PayloadPresenter.PayloadView payload = payload(scope, id);
        rules.granted(scope, VIEW, resource, e -> e.partner(row.partner())
                .message(id, message.messageType(), message.payloadSha256())
                .detail("payload " + payload.shown()));
        return new CaseFile(new RecordDetail(summary, message.payloadSha256(), message.payloadSize(),
                receipts(message), List.of(), payload), List.of(), List.of());
    }

    /**
     * The answer to a message the caller may see: the first message in its conversation that came in from the partner
     * state, viewed (and audited) like any record; empty while none has arrived.
     */
    public Optional<RecordDetail> answer(Caller caller, String id, String purpose, String caseReference) {
        RecordDetail request = view(caller, id, purpose, caseReference);
        String conversation = request.record().conversationId();
        if (conversation == null) {
            return Optional.empty();
        }
        return records.inboundOfConversation(conversation, request.record().partner()).stream()
                .filter(answer -> !answer.equals(id)).findFirst()
                .map(answer -> view(caller, answer, purpose, caseReference));
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
