package org.passerelle.gateway.console;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * How the operations, audit and equivalence pages put states, rates and times into words ({@code ${words}}), in the
 * console's language: the words come from the console's message bundle, the month names from the language's calendar.
 */
@Component
public class ConsoleWords {

    /**
     * The report's cells that are words rather than counts, codes or weeks (the timeliness steps and the search
     * directions, as org.passerelle.gateway.reports.Reports writes them in its CSV), by their message keys.
     */
    private static final Map<String, String> REPORT_WORDS = Map.of(
            "request (arrival to request)", "reports.value.request",
            "reply (receipt to decision)", "reports.value.reply",
            "transfer (acceptance to transfer)", "reports.value.transfer",
            "whole process (arrival to transfer)", "reports.value.whole-process",
            "ours to partner", "reports.value.ours-to-partner",
            "partner's to us", "reports.value.partners-to-us");

    private final MessageSource messages;

    ConsoleWords(MessageSource messages) {
        this.messages = messages;
    }

    /** A circuit breaker's state in words, e.g. "Closed – sending normally". */
    public String circuit(String state) {
        return known("circuit." + ("METRICS_ONLY".equals(state) ? "DISABLED" : state), state);
    }

    /** A failure rate in words; a negative rate means too few deliveries to tell. */
    public String failureRate(float rate) {
        return rate < 0 ? text("failure-rate.unknown") : String.format(locale(), "%.1f%%", rate);
    }

    public String time(Instant at) {
        return at == null ? "" : formatter("format.time").withZone(ZoneOffset.UTC).format(at);
    }

    public String day(LocalDate day) {
        return day == null ? "" : formatter("format.day").format(day);
    }

    /** An equivalence level in words. */
    public String level(String level) {
        return known("level." + level, level);
    }

    /** An equivalence rule in words. */
    public String rule(String rule) {
        return known("rule." + rule, rule);
    }

    /**
     * A limit's standing in numbers: in English the ledger's own sentence, which names every number behind it; in
     * another language the bundle's words for the rule with the value and the limit.
     */
    public String standing(String rule, long value, long limit, String detail) {
        Locale locale = locale();
        if (english(locale) && detail != null && !detail.isBlank()) {
            return detail;
        }
        String words = messages.getMessage("standing." + rule, new Object[] {value, limit}, null, locale);
        return words != null ? words : text("standing.default", value, limit);
    }

    /** The GOV.UK tag colour modifier for a level; the level is always in words too. */
    public String levelTag(String level) {
        return switch (level) {
            case "OK" -> "govuk-tag--green";
            case "NEAR_BREACH" -> "govuk-tag--yellow";
            default -> "govuk-tag--red";
        };
    }

    /** A cell of the scheme report: its words in the bundle's language; a count, code or week as it is. */
    public String reportCell(String value) {
        String key = value == null ? null : REPORT_WORDS.get(value);
        return key == null ? value : text(key);
    }

    /** A break in the audit chain in words. */
    public String breakKind(String kind) {
        return known("break." + kind, kind);
    }

    /**
     * What to tell a person about a refusal or failure with a stable code: in English the exception's own message (the
     * catalogue's messages are English, written for the API as well); in another language the bundle's words for the
     * code, or its words for any problem. The code itself is shown beside it, unchanged.
     */
    public String problem(String code, String message) {
        return problem(messages, code, message);
    }

    static String problem(MessageSource messages, String code, String message) {
        Locale locale = locale();
        if (english(locale) && message != null && !message.isBlank()) {
            return message;
        }
        String words = messages.getMessage("problem." + code, null, null, locale);
        return words != null ? words : messages.getMessage("problem.default", null, locale);
    }

    String text(String key, Object... args) {
        return messages.getMessage(key, args, locale());
    }

    /** The bundle's words for a key; a code the bundle does not know is shown as the code. */
    private String known(String key, String code) {
        String words = messages.getMessage(key, null, null, locale());
        return words != null ? words : code;
    }

    private DateTimeFormatter formatter(String patternKey) {
        Locale locale = locale();
        return DateTimeFormatter.ofPattern(text(patternKey), english(locale) ? Locale.UK : locale);
    }

    static Locale locale() {
        return LocaleContextHolder.getLocale();
    }

    /** English as the console has always written it (British month names and abbreviations). */
    static boolean english(Locale locale) {
        return "en".equals(locale.getLanguage());
    }
}
