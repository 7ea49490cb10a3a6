package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.ledger.EquivalenceOverview;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Returns against admissions per partner, week by week, as counts only (no case references, no personal data): a
 * server-drawn chart with the same numbers in a table, the policy in force and its standing, the alerts raised, and the
 * last reconciliation with any difference stated plainly.
 */
@Controller
@PreAuthorize("hasAnyRole('LIAISON_OFFICER', 'CASEWORKER', 'AUDITOR', 'ADMIN')")
class EquivalencePages {

    private final EquivalenceOverview overview;
    private final PageViews views;
    private final ConsoleWords words;

    EquivalencePages(EquivalenceOverview overview, PageViews views, ConsoleWords words) {
        this.overview = overview;
        this.views = views;
        this.words = words;
    }

    @ModelAttribute("words")
    ConsoleWords words() {
        return words;
    }

    @GetMapping("/console/equivalence")
    @PreAuthorize("hasAnyRole('LIAISON_OFFICER', 'CASEWORKER', 'AUDITOR', 'ADMIN')")
    String equivalence(Model model, HttpServletRequest request) {
        List<EquivalenceOverview.PartnerBalance> balances = visible(overview.all(), Callers.current());
        Map<String, String> charts = new LinkedHashMap<>();
        Map<String, List<String>> differences = new LinkedHashMap<>();
        for (EquivalenceOverview.PartnerBalance b : balances) {
            charts.put(b.partner(), chart(b, words));
            differences.put(b.partner(), differences(b.partner(), b.lastReconciliation(), words));
        }
        model.addAttribute("differences", differences);
        model.addAttribute("balances", balances);
        model.addAttribute("charts", charts);
        model.addAttribute("weeks", EquivalenceOverview.WEEKS);
        views.record(request);
        return "console/equivalence";
    }

    /**
     * A liaison officer sees only their own partner state's balance (the other partners' counts are not theirs to
     * know); caseworkers, auditors and administrators see every partner's.
     */
    static List<EquivalenceOverview.PartnerBalance> visible(List<EquivalenceOverview.PartnerBalance> all, Caller caller) {
        if (caller == null || !caller.has(Caller.Role.LIAISON_OFFICER)) {
            return all;
        }
        return all.stream().filter(b -> b.partner().equals(caller.partner())).toList();
    }

    /** What differs between the partner's last statement and this node's counts, in words (empty: nothing). */
    static List<String> differences(String partner, EquivalenceOverview.Reconciliation r, ConsoleWords words) {
        List<String> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        difference(out, partner, "returns", r.theirReturns(), r.ourReturns(), words);
        difference(out, partner, "admissions", r.theirAdmissions(), r.ourAdmissions(), words);
        if (r.theirPolicy() != null && !r.theirPolicy().equals(r.ourPolicy())) {
            out.add(words.text("equivalence.difference.policy", partner, r.theirPolicy(), r.ourPolicy()));
        }
        if (out.isEmpty() && !r.agreed()) {
            out.add(words.text("equivalence.difference.unreconciled"));
        }
        return out;
    }

    private static void difference(List<String> out, String partner, String what, int theirs, Integer ours,
                                   ConsoleWords words) {
        if (ours != null && theirs != ours) {
            long gap = Math.abs((long) theirs - ours);
            out.add(words.text("equivalence.difference." + what + (theirs > ours ? ".more" : ".fewer"), partner,
                    theirs, ours, gap));
        }
    }

    static String chart(EquivalenceOverview.PartnerBalance b, ConsoleWords words) {
        List<SvgBarChart.Group> groups = new ArrayList<>();
        long returns = 0;
        long admissions = 0;
        for (EquivalenceOverview.WeekCount w : b.weeks()) {
            groups.add(new SvgBarChart.Group(w.week().substring(5), new long[] {w.returns(), w.admissions()}));
            returns += w.returns();
            admissions += w.admissions();
        }
        String first = b.weeks().getFirst().week();
        String last = b.weeks().getLast().week();
        List<SvgBarChart.Series> series = List.of(new SvgBarChart.Series(words.text("equivalence.chart.returns"), "returns"),
                new SvgBarChart.Series(words.text("equivalence.chart.admissions"), "admissions"));
        return SvgBarChart.render("chart-" + b.partner(),
                words.text("equivalence.chart.title", b.partner(), first, last),
                words.text("equivalence.chart.description", b.partner(), b.weeks().size(), returns, admissions),
                series, groups);
    }
}
