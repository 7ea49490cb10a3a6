package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.passerelle.gateway.audit.AuditChannel;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;
import org.passerelle.gateway.audit.AuditReading;

/**
 * The audit log for auditors: the chain's verification status and last checkpoint, a search of the entries (GET: the
 * filters are no personal data), and an export of a range as JSON Lines — through the same code as the API, each
 * audited as the API audits it.
 */
@Controller
@PreAuthorize("hasRole('AUDITOR')")
class AuditPages {

    static final int PAGE_SIZE = 20;
    private static final AuditChannel CHANNEL = AuditChannel.CONSOLE;

    private final AuditReading reading;
    private final ConsoleWords words;

    AuditPages(AuditReading reading, ConsoleWords words) {
        this.reading = reading;
        this.words = words;
    }

    @ModelAttribute("words")
    ConsoleWords words() {
        return words;
    }

    @GetMapping("/console/audit")
    @PreAuthorize("hasRole('AUDITOR')")
    String audit(Model model) {
        model.addAttribute("verification", reading.verify(CHANNEL));
        model.addAttribute("filters", Map.of());
        return "console/audit";
    }

    @GetMapping("/console/audit/entries")
    @PreAuthorize("hasRole('AUDITOR')")
    String entries(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                   @RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                   @RequestParam(required = false) String caseReference,
                   @RequestParam(required = false) String outcome, @RequestParam(defaultValue = "1") String page,
                   Model model, HttpServletResponse response) {
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("from", blankToNull(from));
        filters.put("to", blankToNull(to));
        filters.put("actor", blankToNull(actor));
        filters.put("action", blankToNull(action));
        filters.put("caseReference", blankToNull(caseReference));
        filters.put("outcome", blankToNull(outcome));
        model.addAttribute("filters", filters);
        Map<String, String> errors = new LinkedHashMap<>();
        Instant fromAt = time(from, false, "from", errors);
        Instant toAt = time(to, true, "to", errors);
        if (fromAt != null && toAt != null && !toAt.isAfter(fromAt)) {
            errors.put("to", words.text("audit.error.end-before-start"));
        }
        int pageNumber = 1;
        try {
            pageNumber = Integer.parseInt(page);
        } catch (NumberFormatException e) {
            pageNumber = 0;
        }
        if (pageNumber < 1) {
            errors.put("page", words.text("audit.error.page"));
        }
        if (!errors.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("errors", errors);
            return "console/audit-entries";
        }
        AuditReading.EntryPage result = reading.search(new AuditReading.Filters(fromAt, toAt, filters.get("actor"),
                filters.get("action"), filters.get("caseReference"), filters.get("outcome")), pageNumber - 1,
                PAGE_SIZE, CHANNEL);
        long pages = Math.max(1, (result.total() + PAGE_SIZE - 1) / PAGE_SIZE);
        model.addAttribute("result", result);
        model.addAttribute("pageNumber", pageNumber);
        model.addAttribute("pages", pages);
        model.addAttribute("previousHref", pageNumber > 1 ? pageHref(filters, pageNumber - 1) : null);
        model.addAttribute("nextHref", pageNumber < pages ? pageHref(filters, pageNumber + 1) : null);
        return "console/audit-entries";
    }

    @PostMapping("/console/audit/export")
    @PreAuthorize("hasRole('AUDITOR')")
    String export(@RequestParam(required = false) String fromSeq, @RequestParam(required = false) String toSeq,
                  @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                  Model model, HttpServletResponse response) throws IOException {
        Map<String, String> errors = new LinkedHashMap<>();
        Long first = seq(fromSeq, "fromSeq", errors);
        Long last = seq(toSeq, "toSeq", errors);
        Instant fromAt = time(from, false, "exportFrom", errors);
        Instant toAt = time(to, true, "exportTo", errors);
        if (errors.isEmpty() && (first != null || last != null) && (fromAt != null || toAt != null)) {
            errors.put("fromSeq", words.text("audit.error.numbers-or-dates"));
        }
        if (errors.isEmpty() && first != null && last != null && last < first) {
            errors.put("toSeq", words.text("audit.error.last-below-first"));
        }
        if (!errors.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("verification", reading.verify(CHANNEL));
            model.addAttribute("filters", Map.of());
            model.addAttribute("exportErrors", errors);
            model.addAttribute("export", Map.of("fromSeq", nullToBlank(fromSeq), "toSeq", nullToBlank(toSeq),
                    "from", nullToBlank(from), "to", nullToBlank(to)));
            return "console/audit";
        }
        AuditReading.Range range = reading.exportRange(first, last, fromAt, toAt, CHANNEL);
        response.setContentType(AuditReading.JSON_LINES);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + reading.fileName(range) + "\"");
        reading.export(range, response.getOutputStream());
        return null;
    }

    /** A date (the start of that day, UTC; for an end, the start of the next day) or an instant; null when blank. */
    private Instant time(String text, boolean end, String field, Map<String, String> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            if (t.length() == 10) {
                LocalDate day = LocalDate.parse(t);
                return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            errors.put(field, words.text("audit.error.time"));
            return null;
        }
    }

    private Long seq(String text, String field, Map<String, String> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(text.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            errors.put(field, words.text("audit.error.entry-number"));
            return null;
        }
    }

    private static String pageHref(Map<String, String> filters, int page) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath("/console/audit/entries");
        filters.forEach((name, value) -> {
            if (value != null) {
                uri.queryParam(name, value);
            }
        });
        return uri.queryParam("page", page).encode().build().toUriString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String nullToBlank(String s) {
        return s == null ? "" : s;
    }
}
