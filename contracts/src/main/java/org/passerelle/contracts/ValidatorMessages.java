package org.passerelle.contracts;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes parser and validator messages safe to hand to partners and logs: the value of the offending element, which may
 * be a name, a date of birth or a whole biometric transaction, is withheld.
 */
final class ValidatorMessages {

    static final String WITHHELD = "(value withheld)";
    /** Anything quoted that is longer than a schema type or element name is treated as a value. */
    private static final Pattern LONG_QUOTED = Pattern.compile("'[^']{65,}'");
    private static final Pattern VALUE_QUOTED = Pattern.compile("(?i)(value )'[^']*'");

    private ValidatorMessages() {
    }

    /**
     * @param message         the message as the validator wrote it
     * @param textStart       the first characters of the element's text (possibly all of it)
     * @param textLength      the full length of the element's text
     */
    static String withholdValues(String message, String textStart, long textLength) {
        String result = message;
        if (!textStart.isEmpty()) {
            int at = result.indexOf("'" + textStart);
            while (at >= 0) {
                long end = at + 1 + textLength;
                if (end < result.length() && result.charAt((int) end) == '\'') {
                    result = result.substring(0, at) + WITHHELD + result.substring((int) end + 1);
                    at = result.indexOf("'" + textStart, at + WITHHELD.length());
                } else {
                    break;
                }
            }
        }
        result = VALUE_QUOTED.matcher(result).replaceAll("$1" + Matcher.quoteReplacement(WITHHELD));
        return LONG_QUOTED.matcher(result).replaceAll(Matcher.quoteReplacement(WITHHELD));
    }
}
