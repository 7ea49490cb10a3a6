package org.passerelle.gateway.console;

import jakarta.servlet.http.HttpServletRequest;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.reports.ReportFiles;
import org.passerelle.gateway.reports.Reports;
import org.passerelle.gateway.reports.SchemeReport;
import org.passerelle.security.CmsSigner;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The scheme's accountability report as a page (one table per section, counts and durations only), with the same
 * report to download as CSV or as CSV signed by the node. Every view and download is audited.
 */
@Controller
@PreAuthorize("hasAnyRole('AUDITOR', 'ADMIN')")
class ReportPages {

    private final Reports reports;
    private final CmsSigner signer;
    private final PageViews views;
    private final ConsoleWords words;

    ReportPages(Reports reports, CmsSigner signer, PageViews views, ConsoleWords words) {
        this.reports = reports;
        this.signer = signer;
        this.views = views;
        this.words = words;
    }

    @ModelAttribute("words")
    ConsoleWords words() {
        return words;
    }

    @GetMapping("/console/reports")
    @PreAuthorize("hasAnyRole('AUDITOR', 'ADMIN')")
    String page(@RequestParam(required = false) String from, @RequestParam(required = false) String to, Model model,
                HttpServletRequest request) {
        LocalDate[] period = period(from, to);
        model.addAttribute("from", from == null ? period[0].toString() : from);
        model.addAttribute("to", to == null ? period[1].toString() : to);
        try {
            model.addAttribute("report", reports.report(period[0], period[1]));
        } catch (GatewayException e) {
            model.addAttribute("periodError", words.problem(e.code().name(), e.getMessage()));
        }
        views.record(request);
        return "console/reports";
    }

    @GetMapping("/console/reports/csv")
    @PreAuthorize("hasAnyRole('AUDITOR', 'ADMIN')")
    ResponseEntity<byte[]> csv(@RequestParam String from, @RequestParam String to, HttpServletRequest request) {
        SchemeReport report = reports.report(period(from, to)[0], period(from, to)[1]);
        views.record(request);
        return ReportFiles.csv(report);
    }

    @GetMapping("/console/reports/signed")
    @PreAuthorize("hasAnyRole('AUDITOR', 'ADMIN')")
    ResponseEntity<byte[]> signed(@RequestParam String from, @RequestParam String to, HttpServletRequest request) {
        SchemeReport report = reports.report(period(from, to)[0], period(from, to)[1]);
        views.record(request);
        return ReportFiles.signed(report, signer);
    }

    /** The period asked for; by default the last four complete ISO weeks. An unreadable day is no period. */
    static LocalDate[] period(String from, String to) {
        LocalDate thisWeek = LocalDate.now(ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        try {
            return new LocalDate[] {from == null ? thisWeek.minusWeeks(4) : LocalDate.parse(from),
                    to == null ? thisWeek : LocalDate.parse(to)};
        } catch (DateTimeParseException e) {
            return new LocalDate[] {null, null};
        }
    }
}
