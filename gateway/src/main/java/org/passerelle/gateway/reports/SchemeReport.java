package org.passerelle.gateway.reports;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

/**
 * The scheme's accountability report for a period: sections of rows, the same content whenever it is produced for the
 * same closed period (no time of production in it), so that a partner or a regulator can regenerate it and compare.
 *
 * @param party    the node's party
 * @param from     the first day (inclusive, UTC)
 * @param to       the day after the last (exclusive)
 * @param sections in a fixed order
 */
public record SchemeReport(String party, LocalDate from, LocalDate to, List<Section> sections) {

    /** One table: its key (the CSV's section name), its title, its columns and its rows. */
    public record Section(String key, String title, List<String> columns, List<List<String>> rows) {
    }

    /** The report as CSV (RFC 4180, CRLF): a line naming the report, then each section as its name, header and rows. */
    public byte[] csv() {
        StringBuilder out = new StringBuilder();
        line(out, List.of("report", "scheme accountability", "party", party, "from", from.toString(), "to (exclusive)",
                to.toString()));
        for (Section s : sections) {
            out.append("\r\n");
            line(out, List.of("section", s.key(), s.title()));
            line(out, s.columns());
            s.rows().forEach(r -> line(out, r));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String c = cells.get(i) == null ? "" : cells.get(i);
            if (!c.isEmpty() && "=+-@".indexOf(c.charAt(0)) >= 0) {
                c = "'" + c;   // never a formula in a spreadsheet
            }
            out.append(c.matches("[^,\"\r\n]*") ? c : "\"" + c.replace("\"", "\"\"") + "\"");
        }
        out.append("\r\n");
    }
}
