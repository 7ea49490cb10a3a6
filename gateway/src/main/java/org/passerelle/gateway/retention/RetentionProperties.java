package org.passerelle.gateway.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long payloads are kept ({@code passerelle.retention}).
 *
 * @param enabled               whether the node purges at all
 * @param closedCasePayloads    how long after a case closes the payloads of its messages are erased; metadata,
 *                              status history, receipts and the audit log are kept
 * @param checkInterval         how often the node looks for payloads due for erasure
 * @param batchSize             how many closed cases (and search messages) one pass handles at most
 * @param searchPayloads        how long after acceptance the payloads of biometric search requests and responses
 *                              (fingerprints, Eurodac hits) are erased, whether or not this node holds their case:
 *                              a liaison search is often made for a case another system keeps
 */
@ConfigurationProperties("passerelle.retention")
public record RetentionProperties(@DefaultValue("true") boolean enabled,
                                  @DefaultValue("180d") Duration closedCasePayloads,
                                  @DefaultValue("1h") Duration checkInterval,
                                  @DefaultValue("200") int batchSize,
                                  @DefaultValue("90d") Duration searchPayloads) {
}
