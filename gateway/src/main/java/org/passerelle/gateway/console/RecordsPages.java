package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.access.Purpose;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.records.Records;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The records pages: search cases and messages, one case with its deadlines and timeline, one message with its history,
 * receipts and payload as the records policy shows it — all through {@link Records}, the service behind
 * {@code /api/v1/records}, so each query and view is scoped, refused and audited exactly as the API does. A liaison
 * officer first states their working context (purpose and case), kept in the session.
 */
@Controller
class RecordsPages {

    static final String ROLES = "hasAnyRole('LIAISON_OFFICER', 'CASEWORKER', 'AUDITOR', 'ADMIN')";

    /** Case references, conversation ids and the like: what the records API accepts as a filter token. */
    static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9_.:\\-]{1,64}");

    static final Map<String, String> SORTS = sorts();

    private final Records records;
    private final Clock clock;
    private final Words words;

    RecordsPages(Records records, Clock clock, Words words) {
        this.records = records;
        this.clock = clock;
        this.words = words;
    }

    @ModelAttribute("words")
    Words words() {
        return words;
    }

    @ModelAttribute("context")
    WorkingContext context(HttpSession session) {
        return WorkingContext.of(session);
    }

    /** A form field's error: the field's id (for the summary's link) and the message. */
    record FieldError(String field, String message) {
    }

    // ---- working context -----------------------------------------------------------------------------------------

    @GetMapping("/console/records/context")
    @PreAuthorize("hasRole('LIAISON_OFFICER')")
    String contextForm(HttpSession session, Model model) {
        WorkingContext current = WorkingContext.of(session);
        model.addAttribute("purposes", Purpose.values());
        model.addAttribute("purpose", current == null ? null : current.purpose().name());
        model.addAttribute("caseReference", current == null ? null : current.caseReference());
        model.addAttribute("errors", List.of());
        return "console/records-context";
    }

    @PostMapping("/console/records/context")
    @PreAuthorize("hasRole('LIAISON_OFFICER')")
    String context(@RequestParam(required = false) String purpose, @RequestParam(required = false) String caseReference,
                   HttpSession session, Model model) {
        List<FieldError> errors = new ArrayList<>();
        Purpose stated = null;
        try {
            stated = purpose == null ? null : Purpose.valueOf(purpose);
        } catch (IllegalArgumentException e) {
            stated = null;
        }
        if (stated == null) {
            errors.add(new FieldError("purpose", words.text("records.error.purpose")));
        }
        String reference = caseReference == null ? "" : caseReference.trim();
        if (reference.isEmpty()) {
            errors.add(new FieldError("caseReference", words.text("error.case-reference.required")));
        } else if (!REFERENCE.matcher(reference).matches()) {
            errors.add(new FieldError("caseReference", words.text("error.case-reference.invalid")));
        }
        if (!errors.isEmpty()) {
            model.addAttribute("purposes", Purpose.values());
            model.addAttribute("purpose", purpose);
            model.addAttribute("caseReference", caseReference);
            model.addAttribute("errors", errors);
            return "console/records-context";
        }
        new WorkingContext(stated, reference.toUpperCase(Locale.ROOT)).keep(session);
        return "redirect:/console/records";
    }

    // ---- search ----------------------------------------------------------------------------------------------------

    @GetMapping("/console/records")
    @PreAuthorize(ROLES)
    String search(@RequestParam(required = false) String caseReference,
                  @RequestParam(required = false) String conversationId,
                  @RequestParam(required = false) String messageType,
                  @RequestParam(required = false) String partner,
                  @RequestParam(required = false) String status,
                  @RequestParam(required = false) String from,
                  @RequestParam(required = false) String to,
                  @RequestParam(required = false) String kind,
                  @RequestParam(required = false) String sort,
                  @RequestParam(required = false) Integer page,
                  HttpSession session, Model model) {
        Caller caller = Callers.current();
        WorkingContext context = WorkingContext.of(session);
        boolean officer = caller.has(Caller.Role.LIAISON_OFFICER);
        if (officer && context == null) {
            return "redirect:/console/records/context";
        }
        // An officer's query is for the case of their working context; nobody else's needs one.
        String reference = officer ? context.caseReference() : blank(caseReference);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("caseReference", officer ? null : blank(caseReference));
        filters.put("conversationId", blank(conversationId));
        filters.put("messageType", blank(messageType));
        filters.put("partner", officer ? null : blank(partner));
        filters.put("status", blank(status));
        filters.put("from", blank(from));
        filters.put("to", blank(to));
        filters.put("kind", blank(kind));
        filters.put("sort", SORTS.containsKey(blank(sort)) ? blank(sort) : null);
        model.addAttribute("filters", filters);
        model.addAttribute("sorts", SORTS);
        model.addAttribute("officer", officer);

        List<FieldError> errors = new ArrayList<>();
        Instant fromInstant = day(from, "from", words.text("records.error.from"), errors);
        Instant toDay = day(to, "to", words.text("records.error.to"), errors);
        if (reference != null && !REFERENCE.matcher(reference).matches()) {
            errors.add(new FieldError("caseReference", words.text("error.case-reference.invalid")));
        }
        if (!errors.isEmpty()) {
            model.addAttribute("errors", errors);
            return "console/records";
        }
        Instant toInstant = toDay == null ? null : toDay.plusSeconds(86_400);
        Records.RecordPage found;
        try {
            found = records.search(caller, officer ? context.purpose().name() : null, new Records.Filters(reference,
                    filters.get("conversationId"), filters.get("messageType"), filters.get("partner"),
                    filters.get("status"), fromInstant == null ? null : fromInstant.toString(),
                    toInstant == null ? null : toInstant.toString(), filters.get("kind"),
                    page == null ? 0 : Math.max(0, page), 20, filters.get("sort")));
        } catch (GatewayException e) {
            if (e.status().value() != 400) {
                throw e;
            }
            model.addAttribute("errors", List.of(new FieldError("filters",
                    words.text("records.error.refused", words.problem(e.code().name(), e.getMessage()), e.code().name()))));
            return "console/records";
        }
        model.addAttribute("errors", List.of());
        model.addAttribute("results", found);
        model.addAttribute("pages", pages(found, filters));
        return "console/records";
    }

    /** The pagination links of a result: each page's number, URL (filters carry no personal data) and whether current. */
    record PageLink(int number, String href, boolean current) {

        /** The item's classes (built here: Thymeleaf reads a double underscore in an expression as preprocessing). */
        public String cssClass() {
            String item = "govuk-pagination__item";
            return number == -1 ? item + " " + item + "--ellipses" : current ? item + " " + item + "--current" : item;
        }
    }

    record Pages(List<PageLink> links, String previous, String next) {
    }

    private static Pages pages(Records.RecordPage found, Map<String, String> filters) {
        int count = (int) Math.min(Integer.MAX_VALUE, (found.total() + found.size() - 1) / found.size());
        List<PageLink> links = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            if (count <= 9 || p == 0 || p == count - 1 || Math.abs(p - found.page()) <= 2) {
                links.add(new PageLink(p + 1, href(filters, p), p == found.page()));
            } else if (!links.isEmpty() && links.getLast().number() != -1) {
                links.add(new PageLink(-1, null, false));
            }
        }
        return new Pages(links, found.page() > 0 ? href(filters, found.page() - 1) : null,
                found.page() + 1 < count ? href(filters, found.page() + 1) : null);
    }

    private static String href(Map<String, String> filters, int page) {
        UriComponentsBuilder b = UriComponentsBuilder.fromPath("/console/records");
        filters.forEach((k, v) -> {
            if (v != null) {
                b.queryParam(k, v);
            }
        });
        return b.queryParam("page", page).encode().build().toUriString();
    }

    private static Instant day(String value, String field, String message, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, message));
            return null;
        }
    }

    // ---- one case, one message -------------------------------------------------------------------------------------

    /** One entry of a case's timeline: a transition of the case or one of its messages. */
    record TimelineEntry(Instant at, String kind, Records.RecordSummary message, Records.Step step) {
    }

    /** A deadline as the case page states it: its label ("Reply due"), and when overdue by how long, in words. */
    record DeadlineView(String label, Instant dueAt, boolean running, boolean overdue, String overdueBy,
                        String overdueLabel) {
    }

    @GetMapping("/console/cases/{caseReference}")
    @PreAuthorize(ROLES)
    String caseFile(@PathVariable String caseReference, HttpSession session, Model model) {
        Caller caller = Callers.current();
        WorkingContext context = WorkingContext.of(session);
        if (caller.has(Caller.Role.LIAISON_OFFICER) && context == null) {
            return "redirect:/console/records/context";
        }
        Records.CaseFile file = records.view(caller, caseReference, context == null ? null : context.purpose().name(),
                context == null ? null : context.caseReference(), true);
        Records.RecordSummary record = file.detail().record();
        if ("MESSAGE".equals(record.kind())) {
            return "redirect:/console/messages/" + record.id();
        }
        Instant now = clock.instant();
        List<DeadlineView> deadlines = file.deadlines().stream().map(d -> {
            boolean overdue = d.running() && d.dueAt().isBefore(now);
            String by = overdue ? words.span(d.dueAt(), now) : null;
            String name = words.deadline(d.name());
            return new DeadlineView(words.text("case.deadline.due", name), d.dueAt(), d.running(), overdue, by,
                    overdue ? words.text("case.deadline.overdue", name, by) : null);
        }).toList();
        List<TimelineEntry> timeline = new ArrayList<>();
        record.history().forEach(step -> timeline.add(new TimelineEntry(step.at(), "TRANSITION", null, step)));
        file.messages().forEach(m -> timeline.add(new TimelineEntry(m.at(), "MESSAGE", m, null)));
        timeline.sort(Comparator.comparing(TimelineEntry::at, Comparator.nullsLast(Comparator.naturalOrder())));
        model.addAttribute("record", record);
        model.addAttribute("deadlines", deadlines);
        model.addAttribute("timeline", timeline);
        return "console/case";
    }

    @GetMapping("/console/messages/{id}")
    @PreAuthorize(ROLES)
    String message(@PathVariable String id, HttpSession session, Model model) {
        Caller caller = Callers.current();
        WorkingContext context = WorkingContext.of(session);
        if (caller.has(Caller.Role.LIAISON_OFFICER) && context == null) {
            return "redirect:/console/records/context";
        }
        Records.RecordDetail detail = records.view(caller, id, context == null ? null : context.purpose().name(),
                context == null ? null : context.caseReference());
        if (!"MESSAGE".equals(detail.record().kind())) {
            return "redirect:/console/cases/" + detail.record().id();
        }
        model.addAttribute("detail", detail);
        return "console/message";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The sort orders offered, each with the message key of its name. */
    private static Map<String, String> sorts() {
        Map<String, String> sorts = new LinkedHashMap<>();
        sorts.put("at,desc", "records.sort.newest");
        sorts.put("at,asc", "records.sort.oldest");
        sorts.put("updatedAt,desc", "records.sort.updated");
        sorts.put("caseReference,asc", "records.sort.case-reference");
        sorts.put("messageType,asc", "records.sort.message-type");
        sorts.put("status,asc", "records.sort.status");
        sorts.put("partner,asc", "records.sort.partner");
        return sorts;
    }
}
