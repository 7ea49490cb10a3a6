package org.passerelle.gateway.records;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;

/**
 * A records search: filters (each optional), the page and the sort, validated. Sort fields come from a fixed list so
 * that nothing a caller sends reaches the SQL but as a bound value.
 */
record RecordQuery(Kind kind, String caseReference, String conversationId, String messageType, String partner,
                   String status, Instant from, Instant to, int page, int size, String sortColumn, boolean ascending) {

    static final int MAX_SIZE = 100;

    /** Which records: messages, cases, or both (the default). */
    enum Kind { MESSAGE, CASE, ALL }

    /** The sortable fields and their columns. */
    static final Map<String, String> SORTS = Map.of(
            "at", "at", "updatedAt", "updated_at", "caseReference", "case_reference", "messageType", "message_type",
            "status", "status", "partner", "partner", "kind", "kind");

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.:\\-]{1,64}");
    private static final Pattern PARTY = Pattern.compile("[A-Za-z]{2}");

    static RecordQuery parse(String kind, String caseReference, String conversationId, String messageType,
                             String partner, String status, String from, String to, Integer page, Integer size,
                             String sort) {
        Kind k = kind == null || kind.isBlank() ? Kind.ALL : enumOf(kind);
        int p = page == null ? 0 : page;
        int s = size == null ? 20 : size;
        if (p < 0 || s < 1 || s > MAX_SIZE) {
            throw invalid("page is 0 or more and size 1 to " + MAX_SIZE);
        }
        String[] sortParts = (sort == null || sort.isBlank() ? "at,desc" : sort).split(",", -1);
        String column = SORTS.get(sortParts[0].trim());
        if (column == null || sortParts.length > 2) {
            throw invalid("sort is field[,asc|desc] with field one of " + SORTS.keySet());
        }
        String direction = sortParts.length == 2 ? sortParts[1].trim().toLowerCase(Locale.ROOT) : "asc";
        if (!direction.equals("asc") && !direction.equals("desc")) {
            throw invalid("sort direction is asc or desc");
        }
        if (partner != null && !partner.isBlank() && !PARTY.matcher(partner).matches()) {
            throw invalid("partner is an ISO 3166-1 alpha-2 code");
        }
        return new RecordQuery(k, token(caseReference, "caseReference"), token(conversationId, "conversationId"),
                token(messageType, "messageType"), partner == null || partner.isBlank() ? null : partner.toUpperCase(Locale.ROOT),
                token(status, "status"), instant(from, "from"), instant(to, "to"), p, s, column,
                direction.equals("asc"));
    }

    private static Kind enumOf(String kind) {
        try {
            return Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("kind is MESSAGE, CASE or ALL");
        }
    }

    private static String token(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!TOKEN.matcher(value).matches()) {
            throw invalid(name + " has characters no " + name + " has");
        }
        return value;
    }

    private static Instant instant(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(name + " is an ISO-8601 instant such as 2026-03-02T09:15:00Z");
        }
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(GatewayErrorCode.RECORD_QUERY_INVALID, message);
    }
}
