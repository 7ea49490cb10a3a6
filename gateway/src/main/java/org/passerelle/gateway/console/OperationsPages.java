package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.outbound.PartnerOperations;
import org.passerelle.gateway.messagelog.MessageRecord;
import org.passerelle.gateway.messagelog.MessageStore;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Operations for administrators: deliveries by partner (circuit, failure rate, suspension, waiting and parked
 * messages), the parked messages of a partner, and — each after a confirmation step — replaying a parked message and
 * suspending or resuming a partner, through the same code and audit as the API.
 */
@Controller
@PreAuthorize("hasRole('ADMIN')")
class OperationsPages {

    private static final int PARKED_SHOWN = 200;

    private final PartnerOperations operations;
    private final MessageStore store;
    private final PageViews views;
    private final ConsoleWords words;

    OperationsPages(PartnerOperations operations, MessageStore store, PageViews views, ConsoleWords words) {
        this.operations = operations;
        this.store = store;
        this.views = views;
        this.words = words;
    }

    @ModelAttribute("words")
    ConsoleWords words() {
        return words;
    }

    @GetMapping("/console/operations")
    @PreAuthorize("hasRole('ADMIN')")
    String partners(Model model, HttpServletRequest request) {
        model.addAttribute("partners", operations.all());
        views.record(request);
        return "console/operations";
    }

    @GetMapping("/console/operations/{party}/parked")
    @PreAuthorize("hasRole('ADMIN')")
    String parked(@PathVariable String party, Model model, HttpServletRequest request) {
        model.addAttribute("partner", operations.one(party));
        model.addAttribute("parked", operations.parked(party, PARKED_SHOWN));
        model.addAttribute("shownAtMost", PARKED_SHOWN);
        views.record(request);
        return "console/operations-parked";
    }

    @GetMapping("/console/operations/{party}/parked/{id}/replay")
    @PreAuthorize("hasRole('ADMIN')")
    String confirmReplay(@PathVariable String party, @PathVariable String id, Model model) {
        model.addAttribute("partner", operations.one(party));
        model.addAttribute("message", message(id));
        return "console/operations-replay";
    }

    @PostMapping("/console/operations/{party}/parked/{id}/replay")
    @PreAuthorize("hasRole('ADMIN')")
    String replay(@PathVariable String party, @PathVariable String id, RedirectAttributes redirect) {
        String partner = operations.one(party).party();
        message(id);
        try {
            operations.replay(id, PageViews.actor());
            redirect.addFlashAttribute("success", words.text("operations.replayed", id, partner));
        } catch (GatewayException e) {
            if (!e.is(GatewayErrorCode.NOT_PARKED)) {
                throw e;
            }
            redirect.addFlashAttribute("problem", words.text("operations.not-replayed", id));
            redirect.addFlashAttribute("problemCode", e.code());
        }
        return "redirect:/console/operations/" + partner + "/parked";
    }

    @GetMapping("/console/operations/{party}/suspend")
    @PreAuthorize("hasRole('ADMIN')")
    String confirmSuspend(@PathVariable String party, Model model) {
        model.addAttribute("partner", operations.one(party));
        model.addAttribute("maxReason", PartnerOperations.MAX_REASON);
        return "console/operations-suspend";
    }

    @PostMapping("/console/operations/{party}/suspend")
    @PreAuthorize("hasRole('ADMIN')")
    String suspend(@PathVariable String party, @RequestParam(required = false) String reason, Model model,
                   HttpServletResponse response, RedirectAttributes redirect) {
        PartnerOperations.PartnerView partner = operations.one(party);
        try {
            operations.suspend(partner.party(), reason, PageViews.actor());
        } catch (GatewayException e) {
            if (!e.is(GatewayErrorCode.SUSPENSION_REASON_REQUIRED)) {
                throw e;
            }
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("partner", partner);
            model.addAttribute("maxReason", PartnerOperations.MAX_REASON);
            model.addAttribute("reason", reason);
            model.addAttribute("reasonError", reason == null || reason.isBlank()
                    ? words.text("operations.suspend.error.reason-required", partner.party())
                    : words.text("operations.suspend.error.reason-too-long", PartnerOperations.MAX_REASON));
            return "console/operations-suspend";
        }
        redirect.addFlashAttribute("success", words.text("operations.suspended-banner", partner.party()));
        return "redirect:/console/operations";
    }

    @GetMapping("/console/operations/{party}/resume")
    @PreAuthorize("hasRole('ADMIN')")
    String confirmResume(@PathVariable String party, Model model) {
        model.addAttribute("partner", operations.one(party));
        return "console/operations-resume";
    }

    @PostMapping("/console/operations/{party}/resume")
    @PreAuthorize("hasRole('ADMIN')")
    String resume(@PathVariable String party, RedirectAttributes redirect) {
        PartnerOperations.PartnerView partner = operations.resume(party, PageViews.actor());
        redirect.addFlashAttribute("success", words.text("operations.resumed", partner.party()));
        return "redirect:/console/operations";
    }

    private MessageRecord message(String id) {
        return store.find(id).orElseThrow(() -> new GatewayException(GatewayErrorCode.MESSAGE_NOT_FOUND,
                "There is no message " + (id.matches("[0-9a-f-]{36}") ? id : "with that id")));
    }
}
