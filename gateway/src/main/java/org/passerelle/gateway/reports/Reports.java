package org.passerelle.gateway.reports;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.passerelle.gateway.agreement.Agreements;
import org.passerelle.gateway.agreement.Exclusion;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Builds the scheme's accountability report for a period from what the node holds: returns and admissions per
 * partner and ISO week (the ledger), refusals by code and exclusions by rule (the audit log), timeliness against each
 * legal clock (readmission cases' transitions), waiting times per admission stage, and biometric searches with their
 * hit rates per partner. Counts and durations only: no case reference, no person. Test traffic is left out.
 */
@Component
public class Reports {

    /** The longest period one report covers. */
    static final int MAX_DAYS = 366;

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final NodeProperties node;
    private final Agreements agreements;

    Reports(JdbcClient jdbc, AuditTrail audit, NodeProperties node, Agreements agreements) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.node = node;
        this.agreements = agreements;
    }

    /** The report from {@code from} (inclusive) to {@code to} (exclusive); REPORT_PERIOD_INVALID when it is not a period. */
    public SchemeReport report(LocalDate from, LocalDate to) {
        if (from == null || to == null || !to.isAfter(from) || from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new GatewayException(GatewayErrorCode.REPORT_PERIOD_INVALID, "A report covers from a day to a later"
                    + " day, at most " + MAX_DAYS + " days", List.of("from=YYYY-MM-DD", "to=YYYY-MM-DD (exclusive)"), null);
        }
        audit.sealNow();
        OffsetDateTime start = from.atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime end = to.atStartOfDay().atOffset(ZoneOffset.UTC);
        return new SchemeReport(node.party(), from, to, List.of(
                balance(from, to), places(start, end), refusals(start, end), exclusions(start, end),
                timeliness(start, end), admissionStages(start, end), searches(start, end)));
    }

    private SchemeReport.Section balance(LocalDate from, LocalDate to) {
        Map<String, long[]> byWeek = new TreeMap<>();
        Map<String, LocalDate> firstDay = new TreeMap<>();
        jdbc.sql("""
                select partner, iso_week, kind, count(*) n, min(event_date) first_day from ledger_entry
                where event_date >= :from and event_date < :to group by partner, iso_week, kind""")
                .param("from", from).param("to", to)
                .query((rs, i) -> {
                    String key = rs.getString("partner") + "," + rs.getString("iso_week");
                    long[] c = byWeek.computeIfAbsent(key, k -> new long[2]);
                    c["RETURN".equals(rs.getString("kind")) ? 0 : 1] += rs.getLong("n");
                    firstDay.merge(key, rs.getObject("first_day", LocalDate.class), (a, b) -> a.isBefore(b) ? a : b);
                    return null;
                }).list();
        List<List<String>> rows = new ArrayList<>();
        byWeek.forEach((key, c) -> {
            String[] k = key.split(",");
            // The policy in force on the week's Monday (the week of any day counted in it).
            LocalDate monday = firstDay.get(key).with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
            String policy = agreements.termsOrStandard(k[0], monday.atStartOfDay(ZoneOffset.UTC).toInstant())
                    .equivalence().policy().name();
            rows.add(List.of(k[0], k[1], Long.toString(c[0]), Long.toString(c[1]), policy));
        });
        return new SchemeReport.Section("returns_admissions", "Completed returns and admissions per partner and ISO week",
                List.of("partner", "iso_week", "returns", "admissions", "policy"), rows);
    }

    /** New cases started against the caps, per partner, phase, ISO week and kind, and how many an override let past. */
    private SchemeReport.Section places(OffsetDateTime start, OffsetDateTime end) {
        List<List<String>> rows = jdbc.sql("""
                select partner, phase, iso_week, kind, count(*) n, count(override_id) o from cap_place
                where taken_at >= :start and taken_at < :end group by partner, phase, iso_week, kind""")
                .param("start", start).param("end", end)
                .query((rs, i) -> List.of(rs.getString("partner"), rs.getString("phase"), rs.getString("iso_week"),
                        rs.getString("kind"), Long.toString(rs.getLong("n")), Long.toString(rs.getLong("o"))))
                .list().stream().sorted(Comparator.comparing((List<String> r) -> String.join("\u0000", r.subList(0, 4))))
                .toList();
        return new SchemeReport.Section("cases_started", "New cases started against the caps, per partner, phase and"
                + " ISO week (test traffic takes no place), and how many an override let past a full cap",
                List.of("partner", "phase", "iso_week", "kind", "cases", "past_a_cap_by_override"), rows);
    }

    private SchemeReport.Section refusals(OffsetDateTime start, OffsetDateTime end) {
        List<List<String>> rows = jdbc.sql("""
                select coalesce(partner, '') p, channel, code, count(*) n from audit_event
                where action = 'MESSAGE_REFUSED' and at >= :start and at < :end
                group by coalesce(partner, ''), channel, code""")
                .param("start", start).param("end", end)
                .query((rs, i) -> List.of(rs.getString("p"), rs.getString("channel"), rs.getString("code"),
                        Long.toString(rs.getLong("n"))))
                .list().stream().sorted(Comparator.comparing((List<String> r) -> String.join("\u0000", r.subList(0, 3))))
                .toList();
        return new SchemeReport.Section("refusals", "Messages refused, by partner, where (channel) and code",
                List.of("partner", "channel", "code", "refusals"), rows);
    }

    private SchemeReport.Section exclusions(OffsetDateTime start, OffsetDateTime end) {
        Map<String, Long> counts = new TreeMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        jdbc.sql("""
                select coalesce(partner, '') p, detail, message_id from audit_event
                where action = 'MESSAGE_REFUSED' and code = 'EXCLUDED_FROM_READMISSION' and at >= :start and at < :end""")
                .param("start", start).param("end", end)
                .query((rs, i) -> {
                    String detail = rs.getString("detail") == null ? "" : rs.getString("detail");
                    String partner = rs.getString("p");
                    if (rs.getString("message_id") != null && !seen.add(rs.getString("message_id"))) {
                        return null; // the same request sent again: one request, however often it was refused
                    }
                    Arrays.stream(Exclusion.values()).filter(e -> detail.contains(e.name()))
                            .forEach(e -> counts.merge(partner + "," + e.name(), 1L, Long::sum));
                    return null;
                }).list();
        List<List<String>> rows = new ArrayList<>();
        counts.forEach((k, n) -> rows.add(List.of(k.split(",")[0], k.split(",")[1], Long.toString(n))));
        return new SchemeReport.Section("exclusions", "Readmission requests stopped by an exclusion, by rule (a request"
                + " can name several)", List.of("partner", "exclusion", "requests"), rows);
    }

    /** One readmission case's events, in order, as timeliness reads them. */
    private record CaseEvents(String partner, Instant arrivedAt, Instant began, boolean exceptional, List<String> events,
                              List<Instant> at) {

        Instant first(String prefix) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).startsWith(prefix)) {
                    return at.get(i);
                }
            }
            return null;
        }
    }

    private SchemeReport.Section timeliness(OffsetDateTime start, OffsetDateTime end) {
        Map<Long, CaseEvents> cases = new LinkedHashMap<>();
        jdbc.sql("""
                select c.id, c.partner, c.arrived_at, c.created_at, c.exceptional, t.event, t.at
                from readmission_case c join readmission_transition t on t.case_id = c.id
                join message m on m.message_id = c.request_message_id
                where m.test_indicator = false and c.updated_at >= :start and c.created_at < :end
                order by c.id, t.id""")
                .param("start", start).param("end", end)
                .query((rs, i) -> {
                    CaseEvents c = cases.computeIfAbsent(rs.getLong("id"), k -> {
                        try {
                            return new CaseEvents(rs.getString("partner"),
                                    rs.getObject("arrived_at", OffsetDateTime.class).toInstant(),
                                    rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                                    rs.getBoolean("exceptional"), new ArrayList<>(), new ArrayList<>());
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    c.events().add(rs.getString("event"));
                    c.at().add(rs.getObject("at", OffsetDateTime.class).toInstant());
                    return null;
                }).list();
        Map<String, List<Duration[]>> measures = new TreeMap<>();
        Instant s = start.toInstant();
        Instant e = end.toInstant();
        for (CaseEvents c : cases.values()) {
            // The clocks of the phase the case began in, as the workflow applies them.
            Scheme.Clocks clocks = agreements.termsOrStandard(c.partner(), c.began()).clocks();
            Instant request = c.first("REQUEST");
            Instant receipt = c.first("RECEIPT");
            Instant decision = c.first("DECISION_");
            Instant accepted = c.first("DECISION_ACCEPTED");
            Instant transferred = c.first("TRANSFER_COMPLETED");
            measure(measures, c.partner(), "1 request (arrival to request)", c.arrivedAt(), request, clocks.requestWithin(), s, e);
            measure(measures, c.partner(), "2 reply (receipt to decision)", receipt, decision,
                    c.exceptional() ? clocks.exceptionalReplyWithin() : clocks.replyWithin(), s, e);
            measure(measures, c.partner(), "3 transfer (acceptance to transfer)", accepted, transferred, null, s, e);
            measure(measures, c.partner(), "4 whole process (arrival to transfer)", c.arrivedAt(), transferred,
                    transferred == null ? null : Duration.between(c.arrivedAt(), clocks.processDue(c.arrivedAt())), s, e);
        }
        List<List<String>> rows = new ArrayList<>();
        measures.forEach((key, list) -> {
            String[] k = key.split("\\|");
            rows.add(stats(List.of(k[0], k[1].substring(2)), list));
        });
        return new SchemeReport.Section("timeliness", "Readmission timeliness against each legal clock, for steps"
                + " completed in the period", List.of("partner", "step", "cases", "median_hours", "worst_hours",
                "clock_hours", "past_the_clock"), rows);
    }

    private static void measure(Map<String, List<Duration[]>> measures, String partner, String step, Instant from,
                                Instant to, Duration clock, Instant start, Instant end) {
        if (from == null || to == null || to.isBefore(start) || !to.isBefore(end)) {
            return;
        }
        measures.computeIfAbsent(partner + "|" + step, k -> new ArrayList<>())
                .add(new Duration[] {Duration.between(from, to), clock});
    }

    private SchemeReport.Section admissionStages(OffsetDateTime start, OffsetDateTime end) {
        record Step(String ref, String partner, String state, Instant at) {
        }
        List<Step> steps = jdbc.sql("""
                select h.case_reference, a.partner, h.to_state, h.at from admission_case_history h
                join admission_case a on a.case_reference = h.case_reference
                where a.updated_at >= :start and a.opened_at < :end
                  and not exists (select 1 from admission_case_history r join message m on m.message_id = r.message_id
                                  where r.case_reference = h.case_reference and m.test_indicator = true)
                order by h.case_reference, h.id""")
                .param("start", start).param("end", end)
                .query((rs, i) -> new Step(rs.getString("case_reference"), rs.getString("partner"),
                        rs.getString("to_state"), rs.getObject("at", OffsetDateTime.class).toInstant())).list();
        Map<String, List<Duration[]>> waits = new TreeMap<>();
        for (int i = 0; i + 1 < steps.size(); i++) {
            Step a = steps.get(i);
            Step b = steps.get(i + 1);
            if (a.ref().equals(b.ref()) && !b.at().isBefore(start.toInstant()) && b.at().isBefore(end.toInstant())) {
                waits.computeIfAbsent(a.partner() + "|" + a.state(), k -> new ArrayList<>())
                        .add(new Duration[] {Duration.between(a.at(), b.at()), null});
            }
        }
        List<List<String>> rows = new ArrayList<>();
        waits.forEach((key, list) -> rows.add(stats(List.of(key.split("\\|")), list)));
        return new SchemeReport.Section("admission_stages", "Admission cases: time spent at each stage, for stages left"
                + " in the period", List.of("partner", "stage", "cases", "median_hours", "worst_hours", "clock_hours",
                "past_the_clock"), rows);
    }

    private SchemeReport.Section searches(OffsetDateTime start, OffsetDateTime end) {
        Map<String, long[]> byPartner = new TreeMap<>();
        jdbc.sql("""
                select case when direction = 'OUTBOUND' then to_party else from_party end partner, direction, count(*) n
                from message where message_type = 'BiometricSearchRequest' and test_indicator = false
                  and accepted_at >= :start and accepted_at < :end
                group by case when direction = 'OUTBOUND' then to_party else from_party end, direction""")
                .param("start", start).param("end", end)
                .query((rs, i) -> {
                    byPartner.computeIfAbsent(rs.getString("partner") + "," + rs.getString("direction"),
                            k -> new long[3])[0] += rs.getLong("n");
                    return null;
                }).list();
        // Answers: ours to the partner's searches are OUTBOUND responses; the partner's to ours are INBOUND.
        jdbc.sql("""
                select partner, direction, outcome, count(*) n from search_outcome
                where test = false and at >= :start and at < :end group by partner, direction, outcome""")
                .param("start", start).param("end", end)
                .query((rs, i) -> {
                    String asked = "INBOUND".equals(rs.getString("direction")) ? "OUTBOUND" : "INBOUND";
                    long[] c = byPartner.computeIfAbsent(rs.getString("partner") + "," + asked, k -> new long[3]);
                    c[1] += rs.getLong("n");
                    if ("HIT".equals(rs.getString("outcome"))) {
                        c[2] += rs.getLong("n");
                    }
                    return null;
                }).list();
        List<List<String>> rows = new ArrayList<>();
        byPartner.forEach((key, c) -> {
            String[] k = key.split(",");
            rows.add(List.of(k[0], "OUTBOUND".equals(k[1]) ? "ours to partner" : "partner's to us",
                    Long.toString(c[0]), Long.toString(c[1]), Long.toString(c[2]),
                    c[1] == 0 ? "" : String.format(java.util.Locale.ROOT, "%.1f", 100.0 * c[2] / c[1])));
        });
        return new SchemeReport.Section("biometric_searches", "Biometric liaison searches and hit rates per partner",
                List.of("partner", "direction", "requests", "answers", "hits", "hit_rate_percent"), rows);
    }

    /** Count, median and worst in hours, the clock in hours and how many passed it. */
    private static List<String> stats(List<String> key, List<Duration[]> measures) {
        List<Duration> sorted = measures.stream().map(m -> m[0]).sorted(Comparator.naturalOrder()).toList();
        Duration median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : sorted.get(sorted.size() / 2 - 1).plus(sorted.get(sorted.size() / 2)).dividedBy(2);
        Duration clock = measures.get(0)[1];
        boolean sameClock = measures.stream().allMatch(m -> java.util.Objects.equals(m[1], clock));
        long past = measures.stream().filter(m -> m[1] != null && m[0].compareTo(m[1]) > 0).count();
        List<String> row = new ArrayList<>(key);
        row.add(Integer.toString(sorted.size()));
        row.add(hours(median));
        row.add(hours(sorted.get(sorted.size() - 1)));
        row.add(clock == null ? "" : sameClock ? hours(clock) : "per case");
        row.add(clock == null ? "" : Long.toString(past));
        return row;
    }

    private static String hours(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 3_600_000.0);
    }
}
