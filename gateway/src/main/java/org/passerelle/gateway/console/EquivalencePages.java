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

    private static final List<SvgBarChart.Series> SERIES = List.of(
            new SvgBarChart.Series("Returns", "returns"), new SvgBarChart.Series("Admissions", "admissions"));

    private final EquivalenceOverview overview;
    private final PageViews views;

    EquivalencePages(EquivalenceOverview overview, PageViews views) {
        this.overview = overview;
        this.views = views;
    }

    @ModelAttribute("words")
    ConsoleWords words() {
        return ConsoleWords.INSTANCE;
    }

    @GetMapping("/console/equivalence")
    @PreAuthorize("hasAnyRole('LIAISON_OFFICER', 'CASEWORKER', 'AUDITOR', 'ADMIN')")
    String equivalence(Model model, HttpServletRequest request) {
        List<EquivalenceOverview.PartnerBalance> balances = visible(overview.all(), Callers.current());
        Map<String, String> charts = new LinkedHashMap<>();
        Map<String, List<String>> differences = new LinkedHashMap<>();
        for (EquivalenceOverview.PartnerBalance b : balances) {
            charts.put(b.partner(), chart(b));
            differences.put(b.partner(), differences(b.partner(), b.lastReconciliation()));
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
    static List<String> differences(String partner, EquivalenceOverview.Reconciliation r) {
        List<String> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        difference(out, partner, "returns", r.theirReturns(), r.ourReturns());
        difference(out, partner, "admissions", r.theirAdmissions(), r.ourAdmissions());
        if (r.theirPolicy() != null && !r.theirPolicy().equals(r.ourPolicy())) {
            out.add(partner + " states the policy " + r.theirPolicy() + "; this node applies " + r.ourPolicy() + ".");
        }
        if (out.isEmpty() && !r.agreed()) {
            out.add("The statement did not reconcile; an administrator can see the case-by-case detail in the ledger.");
        }
        return out;
    }

    private static void difference(List<String> out, String partner, String what, int theirs, Integer ours) {
        if (ours != null && theirs != ours) {
            long gap = Math.abs((long) theirs - ours);
            out.add(partner + " counts " + theirs + " " + what + "; this node counts " + ours + " ("
                    + gap + (theirs > ours ? " more" : " fewer") + " on " + partner + "'s side).");
        }
    }

    static String chart(EquivalenceOverview.PartnerBalance b) {
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
        return SvgBarChart.render("chart-" + b.partner(), "Returns and admissions with " + b.partner() + " per week, "
                        + first + " to " + last,
                "Bar chart of completed returns (solid bars) and completed admissions (outlined bars) with "
                        + b.partner() + " in each of the last " + b.weeks().size() + " ISO weeks: " + returns
                        + " returns and " + admissions + " admissions in all. The table below gives each week's numbers.",
                SERIES, groups);
    }
}
