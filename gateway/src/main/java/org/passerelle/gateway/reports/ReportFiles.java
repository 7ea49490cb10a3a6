package org.passerelle.gateway.reports;

import org.passerelle.security.CmsSigner;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/** A report as a file to download, the same from the API and the console: CSV, or CSV signed by the node. */
public final class ReportFiles {

    private ReportFiles() {
    }

    public static ResponseEntity<byte[]> csv(SchemeReport report) {
        return file(report.csv(), "text/csv; charset=utf-8", report, "csv");
    }

    /** The CSV inside a CMS SignedData made with the node's gateway key ({@code openssl cms -verify} reads it). */
    public static ResponseEntity<byte[]> signed(SchemeReport report, CmsSigner signer) {
        return file(signer.sign(report.csv()), "application/pkcs7-mime; smime-type=signed-data", report, "csv.p7m");
    }

    private static ResponseEntity<byte[]> file(byte[] body, String type, SchemeReport report, String extension) {
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_TYPE, type)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"passerelle-report-" + report.party()
                        + "-" + report.from() + "-" + report.to() + "." + extension + "\"")
                .body(body);
    }
}
