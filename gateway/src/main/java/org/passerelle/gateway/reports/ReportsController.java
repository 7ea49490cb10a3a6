package org.passerelle.gateway.reports;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.security.CmsSigner;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The scheme's accountability report for a period: as JSON, as CSV, and as CSV signed by the node (CMS SignedData,
 * the CSV inside, {@code openssl cms -verify} reads it). Each read is audited as a view.
 */
@RestController
@RequestMapping("/api/v1/reports")
@Tag(name = "Reports", description = "The scheme's accountability statistics per partner over a period, signed")
class ReportsController {

    private final Reports reports;
    private final CmsSigner signer;

    ReportsController(Reports reports, CmsSigner signer) {
        this.reports = reports;
        this.signer = signer;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
    @Operation(summary = "The report from `from` (a day) to `to` (a later day, exclusive), as JSON (roles ADMIN, AUDITOR)")
    SchemeReport json(@RequestParam String from, @RequestParam String to) {
        return reports.report(day(from), day(to));
    }

    @GetMapping(path = "/csv", produces = "text/csv")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
    @Operation(summary = "The same report as CSV (roles ADMIN, AUDITOR): the same bytes for the same closed period")
    ResponseEntity<byte[]> csv(@RequestParam String from, @RequestParam String to) {
        return ReportFiles.csv(reports.report(day(from), day(to)));
    }

    @GetMapping(path = "/signed", produces = "application/pkcs7-mime")
    @PreAuthorize("hasAnyRole('ADMIN', 'AUDITOR')")
    @Operation(summary = "The CSV signed by the node's gateway key, CMS SignedData with the CSV inside (roles ADMIN, AUDITOR)")
    ResponseEntity<byte[]> signed(@RequestParam String from, @RequestParam String to) {
        return ReportFiles.signed(reports.report(day(from), day(to)), signer);
    }

    static LocalDate day(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new GatewayException(GatewayErrorCode.REPORT_PERIOD_INVALID, "'" + text + "' is not a day (YYYY-MM-DD)",
                    List.of("from=YYYY-MM-DD", "to=YYYY-MM-DD (exclusive)"), null);
        }
    }
}
