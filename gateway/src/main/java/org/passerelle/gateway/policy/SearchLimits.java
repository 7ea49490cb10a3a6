package org.passerelle.gateway.policy;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.passerelle.contracts.biometric.v1.BiometricSearchResponse;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.exchange.MessageRule;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.messagelog.MessageStore;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Holds biometric liaison to its limits: a search request over the partner's daily cap in its direction is refused
 * ({@code SEARCH_CAP_REACHED}), never queued; a search response listing more candidates than allowed is refused
 * ({@code TOO_MANY_CANDIDATES}). Searches are counted in the transaction that stores them, so a refused or
 * rolled-back message uses no quota and concurrent searches cannot overshoot the cap.
 */
@Component
@Order(200)
class SearchLimits implements MessageRule, MessageObserver {

    static final String SEARCH = "BiometricSearchRequest";
    static final String RESPONSE = "BiometricSearchResponse";

    private final SearchLimitsProperties limits;
    private final JdbcClient jdbc;
    private final MessageStore store;
    private final Clock clock;

    SearchLimits(SearchLimitsProperties limits, JdbcClient jdbc, MessageStore store, Clock clock) {
        this.limits = limits;
        this.jdbc = jdbc;
        this.store = store;
        this.clock = clock;
    }

    /** Before anything is stored: refuses an oversized candidate list, and a search when the cap is already used up. */
    @Override
    public void check(MessageContext message) {
        String partner = partnerOf(message);
        if (message.facts().testIndicator() && SEARCH.equals(message.facts().messageType())) {
            // Test traffic takes no quota (README "Test traffic").
            return;
        }
        switch (message.facts().messageType()) {
            case RESPONSE -> checkCandidates(message, partner);
            case SEARCH -> {
                // A resubmission of a search already stored is answered by intake as before; it uses no new quota.
                if (!store.exists(message.facts().messageId())) {
                    checkQuota(message.direction(), partner);
                }
            }
            default -> {
            }
        }
    }

    /** In the storing transaction: takes one search from the day's quota, or refuses if another took the last one. */
    @Override
    public void accepted(MessageContext message) {
        if (!SEARCH.equals(message.facts().messageType()) || message.facts().testIndicator()) {
            return;
        }
        String partner = partnerOf(message);
        int cap = cap(message.direction(), partner);
        LocalDate day = today();
        int taken = jdbc.sql("""
                        update search_quota set used = used + 1
                        where partner = :partner and direction = :direction and quota_day = :day and used < :cap""")
                .param("partner", partner).param("direction", message.direction().name()).param("day", day)
                .param("cap", cap).update();
        if (taken == 0) {
            if (used(partner, message.direction(), day) == null && cap > 0) {
                // The day turned between check and store: this is the day's first search.
                jdbc.sql("insert into search_quota (partner, direction, quota_day, used) values (:p, :d, :day, 1)")
                        .param("p", partner).param("d", message.direction().name()).param("day", day).update();
                return;
            }
            throw capReached(message.direction(), partner, cap);
        }
    }

    private void checkCandidates(MessageContext message, String partner) {
        BiometricSearchResponse response = message.envelope().getBody().getBiometricSearchResponse();
        if (response == null) {
            return;
        }
        // The codec holds CandidateCount to the number of Hit elements; the larger is judged all the same.
        int candidates = Math.max(response.getHit().size(), response.getCandidateCount());
        int max = limits.maxCandidates(partner);
        if (candidates > max) {
            throw new GatewayException(GatewayErrorCode.TOO_MANY_CANDIDATES,
                    "A search response between this node and " + partner + " may list at most " + max
                            + " candidates; this one lists " + candidates,
                    List.of("/Envelope/Body/BiometricSearchResponse/CandidateCount is " + candidates + ", at most "
                            + max + " allowed"), null);
        }
    }

    private void checkQuota(Direction direction, String partner) {
        int cap = cap(direction, partner);
        LocalDate day = today();
        Integer used = used(partner, direction, day);
        if (used == null) {
            try {
                jdbc.sql("insert into search_quota (partner, direction, quota_day, used) values (:p, :d, :day, 0)")
                        .param("p", partner).param("d", direction.name()).param("day", day).update();
            } catch (DuplicateKeyException race) {
                // Another search created the day's row at the same moment: it is there, which is all we need.
            }
            used = 0;
        }
        if (used >= cap) {
            throw capReached(direction, partner, cap);
        }
    }

    private Integer used(String partner, Direction direction, LocalDate day) {
        return jdbc.sql("select used from search_quota where partner = :p and direction = :d and quota_day = :day")
                .param("p", partner).param("d", direction.name()).param("day", day)
                .query(Integer.class).optional().orElse(null);
    }

    private int cap(Direction direction, String partner) {
        return limits.perDay(partner, direction == Direction.INBOUND);
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), limits.zone());
    }

    private static String partnerOf(MessageContext message) {
        return message.direction() == Direction.INBOUND ? message.facts().from() : message.facts().to();
    }

    private GatewayException capReached(Direction direction, String partner, int cap) {
        String which = direction == Direction.INBOUND
                ? "Partner " + partner + " has used its " + cap + " biometric searches to this node for the day"
                : "This node has used its " + cap + " biometric searches to " + partner + " for the day";
        return new GatewayException(GatewayErrorCode.SEARCH_CAP_REACHED, which + " (" + today() + ", " + limits.zone() + ")",
                List.of("cap " + cap + " a day, " + direction.name().toLowerCase() + ", partner " + partner), null);
    }
}
