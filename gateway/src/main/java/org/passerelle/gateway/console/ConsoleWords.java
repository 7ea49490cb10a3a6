package org.passerelle.gateway.console;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the operations, audit and equivalence pages put states, rates and times into words ({@code ${words}}). */
public final class ConsoleWords {

    static final ConsoleWords INSTANCE = new ConsoleWords();

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss 'UTC'", Locale.UK)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK);

    private ConsoleWords() {
    }

    /** A circuit breaker's state in words, e.g. "Closed – sending normally". */
    public String circuit(String state) {
        return switch (state) {
            case "CLOSED" -> "Closed – sending normally";
            case "OPEN" -> "Open – paused after failures";
            case "HALF_OPEN" -> "Half-open – trying a few deliveries again";
            case "FORCED_OPEN" -> "Forced open – not sending";
            case "DISABLED", "METRICS_ONLY" -> "Not in use – sending without a circuit breaker";
            default -> state;
        };
    }

    /** A failure rate in words; a negative rate means too few deliveries to tell. */
    public String failureRate(float rate) {
        return rate < 0 ? "Not enough deliveries yet to tell" : String.format(Locale.UK, "%.1f%%", rate);
    }

    public String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }

    public String day(LocalDate day) {
        return day == null ? "" : DAY.format(day);
    }

    /** An equivalence level in words. */
    public String level(String level) {
        return switch (level) {
            case "OK" -> "Within the limits";
            case "NEAR_BREACH" -> "Near breach";
            case "BREACH" -> "Breach";
            default -> level;
        };
    }

    /** An equivalence rule in words. */
    public String rule(String rule) {
        return switch (rule) {
            case "ONE_FOR_ONE" -> "One admission for each return";
            case "FAIR_SHARE" -> "Fair share of admissions to returns";
            case "WEEKLY_CAP" -> "Cap on returns in a week";
            case "PERIOD_CAP" -> "Cap on admissions in the phase";
            case "ONE_FOR_ONE_RETURNS_AHEAD" -> "Returns ahead of admissions";
            case "ADMISSIONS_WEEKLY_CAP" -> "Cap on admissions in a week";
            case "RETURNS_PERIOD_CAP" -> "Cap on returns in the phase";
            default -> rule;
        };
    }

    /** The GOV.UK tag colour modifier for a level; the level is always in words too. */
    public String levelTag(String level) {
        return switch (level) {
            case "OK" -> "govuk-tag--green";
            case "NEAR_BREACH" -> "govuk-tag--yellow";
            default -> "govuk-tag--red";
        };
    }

    /** A break in the audit chain in words. */
    public String breakKind(String kind) {
        return switch (kind) {
            case "ALTERED" -> "an entry was changed after it was written";
            case "DELETED" -> "an entry is missing";
            case "INSERTED" -> "an entry was added out of sequence";
            case "REORDERED" -> "entries are out of order";
            case "CHECKPOINT_FORGED" -> "a checkpoint's signature does not verify";
            case "CHECKPOINT_SIGNER_UNKNOWN" -> "a checkpoint was signed with a certificate the node does not hold";
            case "CHECKPOINT_MISMATCH" -> "a checkpoint does not match the chain";
            case "TRUNCATED" -> "the end of the chain is missing";
            case "WITNESS_MISMATCH" -> "the chain is not the one a partner witnessed";
            default -> kind;
        };
    }
}
