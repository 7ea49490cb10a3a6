package org.passerelle.gateway.ledger;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The equivalence ledger ({@code passerelle.ledger}). The policy and caps each partner's ledger is held to, and the
 * counting period (the phase), are the agreement's ({@code agreement.Scheme}).
 *
 * @param weeklyStatements       whether the node sends each partner a statement of the last ISO week by itself
 * @param statementCheckInterval how often the node checks whether last week's statements have been sent
 */
@ConfigurationProperties("passerelle.ledger")
public record LedgerProperties(
        @DefaultValue("true") boolean weeklyStatements,
        @DefaultValue("1h") Duration statementCheckInterval) {
}
