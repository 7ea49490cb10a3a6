package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.access.Purpose;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.search.BiometricSearches;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.records.Records;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/**
 * A liaison officer's biometric search: the upload form, the confirmation, and the search's status with the partner's
 * answer. Submitted through {@link BiometricSearches}, the service behind {@code POST /api/v1/searches} (rules, rate
 * limit, intake, audit); the status and answer read through {@link Records}, scoped and audited as record views. The
 * transaction's bytes go to the intake and nowhere else: no page shows them.
 */
@Controller
class SearchPages {

    static final String SUBMITTED = "console.submittedSearches";

    /** The purposes a search may state: all but a compliance review, which reads records and searches nobody. */
    static final List<Purpose> PURPOSES = List.of(Purpose.READMISSION_CASE, Purpose.ADMISSION_CASE,
            Purpose.IDENTITY_VERIFICATION, Purpose.PARTNER_LIAISON);

    private final BiometricSearches searches;
    private final Records records;
    private final NodeProperties node;
    private final Words words;

    SearchPages(BiometricSearches searches, Records records, NodeProperties node, Words words) {
        this.searches = searches;
        this.records = records;
        this.node = node;
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

    @GetMapping("/console/searches")
    @PreAuthorize("hasRole('LIAISON_OFFICER')")
    String form(HttpSession session, Model model) {
        WorkingContext context = WorkingContext.of(session);
        String purpose = context != null && PURPOSES.contains(context.purpose()) ? context.purpose().name() : null;
        return form(model, purpose, context == null ? null : context.caseReference(), "NORMAL", List.of());
    }

    @PostMapping("/console/searches")
    @PreAuthorize("hasRole('LIAISON_OFFICER')")
    String submit(@RequestParam(required = false) MultipartFile transaction,
                  @RequestParam(required = false) String purpose,
                  @RequestParam(required = false) String caseReference,
                  @RequestParam(required = false) String urgency,
                  HttpSession session, Model model) throws IOException {
        Caller caller = Callers.current();
        List<RecordsPages.FieldError> errors = new ArrayList<>();
        Purpose stated = PURPOSES.stream().filter(p -> p.name().equals(purpose)).findFirst().orElse(null);
        if (stated == null) {
            errors.add(new RecordsPages.FieldError("purpose", words.text("searches.error.purpose")));
        }
        String reference = caseReference == null ? "" : caseReference.trim().toUpperCase(Locale.ROOT);
        if (reference.isEmpty()) {
            errors.add(new RecordsPages.FieldError("caseReference", words.text("error.case-reference.required")));
        } else if (!RecordsPages.REFERENCE.matcher(reference).matches()) {
            errors.add(new RecordsPages.FieldError("caseReference", words.text("error.case-reference.invalid")));
        }
        if (!"NORMAL".equals(urgency) && !"URGENT".equals(urgency)) {
            errors.add(new RecordsPages.FieldError("urgency", words.text("searches.error.urgency")));
        }
        long max = node.maxBodySize().toBytes();
        if (transaction == null || transaction.isEmpty()) {
            errors.add(new RecordsPages.FieldError("transaction", words.text("searches.error.transaction")));
        } else if (transaction.getSize() > max) {
            errors.add(new RecordsPages.FieldError("transaction",
                    words.text("searches.error.too-large", node.maxBodySize().toString())));
        }
        if (!errors.isEmpty()) {
            return form(model, purpose, caseReference, urgency, errors);
        }
        BiometricSearches.Submitted submitted;
        try {
            submitted = searches.submit(caller, caller.partner(), stated.name(), reference, urgency,
                    transaction::getBytes);
        } catch (GatewayException e) {
            if (e.status().value() != 400 && e.status().value() != 422 && e.status().value() != 413) {
                throw e;
            }
            return form(model, purpose, caseReference, urgency, List.of(new RecordsPages.FieldError("transaction",
                    words.text("searches.error.refused", words.problem(e.code().name(), e.getMessage()),
                            e.code().name()))));
        }
        submitted(session).add(submitted.messageId());
        // The officer stated why and for which case: that is now their working context, so the case's records
        // (where the partner's answer will appear) open without asking again.
        new WorkingContext(stated, reference).keep(session);
        return "redirect:/console/searches/" + submitted.messageId() + "/submitted";
    }

    @GetMapping("/console/searches/{messageId}/submitted")
    @PreAuthorize("hasRole('LIAISON_OFFICER')")
    String confirmation(@PathVariable String messageId, HttpSession session, Model model) {
        if (!submitted(session).contains(messageId)) {
            return "redirect:/console/searches/" + messageId;
        }
        model.addAttribute("messageId", messageId);
        return "console/search-submitted";
    }

    @GetMapping("/console/searches/{messageId}")
    @PreAuthorize("hasRole('LIAISON_OFFICER')")
    String status(@PathVariable String messageId, HttpSession session, Model model) {
        WorkingContext context = WorkingContext.of(session);
        if (context == null) {
            return "redirect:/console/records/context";
        }
        Caller caller = Callers.current();
        Records.RecordDetail request = records.view(caller, messageId, context.purpose().name(),
                context.caseReference());
        if (!"MESSAGE".equals(request.record().kind())
                || !"BiometricSearchRequest".equals(request.record().messageType())) {
            return "redirect:/console/records";
        }
        Optional<Records.RecordDetail> answer = records.answer(caller, messageId, context.purpose().name(),
                context.caseReference());
        model.addAttribute("request", request);
        model.addAttribute("answer", answer.orElse(null));
        return "console/search";
    }

    private String form(Model model, String purpose, String caseReference, String urgency,
                        List<RecordsPages.FieldError> errors) {
        model.addAttribute("purposes", PURPOSES);
        model.addAttribute("purpose", purpose);
        model.addAttribute("caseReference", caseReference);
        model.addAttribute("urgency", urgency);
        model.addAttribute("errors", errors);
        return "console/searches";
    }

    @SuppressWarnings("unchecked")
    private static Set<String> submitted(HttpSession session) {
        Set<String> ids = (Set<String>) session.getAttribute(SUBMITTED);
        if (ids == null) {
            ids = new HashSet<>();
            session.setAttribute(SUBMITTED, ids);
        }
        return ids;
    }
}
