package org.passerelle.gateway.reports;

import java.time.Clock;
import java.time.ZoneOffset;
import org.passerelle.contracts.biometric.v1.BiometricSearchResponse;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.messagelog.Direction;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Notes the outcome of every biometric search response accepted, either way, for the reports' hit rates. */
@Component
class SearchOutcomes implements MessageObserver {

    private final JdbcClient jdbc;
    private final Clock clock;

    SearchOutcomes(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void accepted(MessageContext message) {
        BiometricSearchResponse response = message.envelope().getBody().getBiometricSearchResponse();
        if (response == null) {
            return;
        }
        boolean inbound = message.direction() == Direction.INBOUND;
        jdbc.sql("""
                insert into search_outcome (message_id, partner, direction, outcome, candidates, test, at)
                values (:id, :partner, :direction, :outcome, :candidates, :test, :at)""")
                .param("id", message.facts().messageId())
                .param("partner", inbound ? message.facts().from() : message.facts().to())
                .param("direction", message.direction().name()).param("outcome", response.getOutcome().value())
                .param("candidates", response.getCandidateCount()).param("test", message.facts().testIndicator())
                .param("at", clock.instant().atOffset(ZoneOffset.UTC)).update();
    }
}
