package org.passerelle.gateway.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.gateway.access.Purpose;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * How the console's pages put codes, states and times into words (the pages call it as {@code words}), in the
 * console's language, from its message bundle.
 */
@Component
public class Words {

    private static final Set<String> BAD = Set.of("FAILED", "REJECTED", "PARKED", "EXPIRED", "REFUSED", "LAPSED",
            "CANCELLED", "WITHDRAWN", "DEAD_LETTERED", "UNDELIVERABLE", "RELEASED");
    private static final Set<String> GOOD = Set.of("DELIVERED", "RECEIPT_VERIFIED", "ACCEPTED", "TRANSFERRED", "APPROVED",
            "ARRIVED", "RECEIPTED", "COMPLETED", "PROCESSED");

    private static final Pattern WITHHELD_FOR_ROLE = Pattern.compile("withheld \\(([A-Z_]+)\\)");

    private final MessageSource messages;

    Words(MessageSource messages) {
        this.messages = messages;
    }

    /** A purpose in words. */
    public String purposeOf(Purpose purpose) {
        return purpose == null ? "" : text("purpose." + purpose.name());
    }

    /**
     * A code such as {@code MORE_INFORMATION_REQUESTED} in words: the bundle's ("More information requested"); for a
     * code it does not list, in English the code as a sentence, in another language the code as it is.
     */
    public String code(String code) {
        if (code == null || code.isBlank()) {
            return "";
        }
        Locale locale = ConsoleWords.locale();
        String words = messages.getMessage("code." + code, null, null, locale);
        if (words != null) {
            return words;
        }
        if (!ConsoleWords.english(locale)) {
            return code;
        }
        String sentence = code.replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
    }

    /** A case's deadline by name ("Reply"); one the bundle does not list, as {@link #code} words it. */
    public String deadline(String name) {
        String words = messages.getMessage("deadline." + name, null, null, ConsoleWords.locale());
        return words != null ? words : code(name);
    }

    /** What to tell a person about a refusal with a stable code (as {@link ConsoleWords#problem}). */
    public String problem(String code, String message) {
        return ConsoleWords.problem(messages, code, message);
    }

    /**
     * Why a payload is withheld, as the records service says it ("withheld (AUDITOR)"): a role's withholding in the
     * bundle's words with the role's code; any other reason as it is in English, in another language the bundle's
     * words for any withholding.
     */
    public String withheld(String reason) {
        Matcher role = WITHHELD_FOR_ROLE.matcher(reason == null ? "" : reason);
        if (role.matches()) {
            return text("payload.withheld.role", role.group(1));
        }
        return ConsoleWords.english(ConsoleWords.locale()) && reason != null ? reason : text("payload.withheld.other");
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
        if (at == null) {
            return "";
        }
        Locale locale = ConsoleWords.locale();
        return DateTimeFormatter.ofPattern(text("format.when"), ConsoleWords.english(locale) ? Locale.UK : locale)
                .withZone(ZoneOffset.UTC).format(at);
    }

    /** "3 days", "1 day", "5 hours" — how long between two instants, in words. */
    public String span(Instant earlier, Instant later) {
        Duration d = Duration.between(earlier, later);
        if (d.toDays() >= 1) {
            return text("span.days", d.toDays());
        }
        if (d.toHours() >= 1) {
            return text("span.hours", d.toHours());
        }
        if (d.toMinutes() >= 1) {
            return text("span.minutes", d.toMinutes());
        }
        return text("span.less-than-a-minute");
    }

    String text(String key, Object... args) {
        return messages.getMessage(key, args, ConsoleWords.locale());
    }
}
