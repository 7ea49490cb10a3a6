package org.passerelle.gateway.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import org.passerelle.gateway.access.Purpose;

/** How the console's pages put codes, states and times into words (the pages call it as {@code words}). */
public final class Words {

    static final Words INSTANCE = new Words();

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.UK)
            .withZone(ZoneOffset.UTC);

    private static final Set<String> BAD = Set.of("FAILED", "REJECTED", "PARKED", "EXPIRED", "REFUSED", "LAPSED",
            "CANCELLED", "WITHDRAWN", "DEAD_LETTERED", "UNDELIVERABLE", "RELEASED");
    private static final Set<String> GOOD = Set.of("DELIVERED", "RECEIPT_VERIFIED", "ACCEPTED", "TRANSFERRED", "APPROVED",
            "ARRIVED", "RECEIPTED", "COMPLETED", "PROCESSED");

    private Words() {
    }

    /** A purpose in words. */
    public static String purpose(Purpose purpose) {
        if (purpose == null) {
            return "";
        }
        return switch (purpose) {
            case READMISSION_CASE -> "Preparing or answering a readmission request";
            case ADMISSION_CASE -> "Assessing an admission through the safe legal route";
            case IDENTITY_VERIFICATION -> "Confirming a person's identity against a biometric search result";
            case PARTNER_LIAISON -> "Following up a delivery or a discrepancy with the partner state";
            case COMPLIANCE_REVIEW -> "Reviewing the gateway's handling of data for compliance";
        };
    }

    public String purposeOf(Purpose purpose) {
        return purpose(purpose);
    }

    /** A code such as {@code MORE_INFORMATION_REQUESTED} as "More information requested". */
    public String code(String code) {
        if (code == null || code.isBlank()) {
            return "";
        }
        String words = code.replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** The govuk-tag modifier of a status: red for failures, green for done, grey otherwise (the words say it all). */
    public String tag(String status) {
        if (status == null) {
            return "govuk-tag--grey";
        }
        if (BAD.contains(status)) {
            return "govuk-tag--red";
        }
        return GOOD.contains(status) ? "govuk-tag--green" : "govuk-tag--blue";
    }

    public String when(Instant at) {
        return at == null ? "" : WHEN.format(at);
    }

    /** "3 days", "1 day", "5 hours" — how long between two instants, in words. */
    public String span(Instant earlier, Instant later) {
        Duration d = Duration.between(earlier, later);
        long days = d.toDays();
        if (days >= 1) {
            return days + (days == 1 ? " day" : " days");
        }
        long hours = d.toHours();
        if (hours >= 1) {
            return hours + (hours == 1 ? " hour" : " hours");
        }
        long minutes = d.toMinutes();
        if (minutes >= 1) {
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        return "less than a minute";
    }
}
