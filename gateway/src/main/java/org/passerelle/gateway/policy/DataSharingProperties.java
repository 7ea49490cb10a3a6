package org.passerelle.gateway.policy;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The data-sharing policy as configured under {@code passerelle.data-sharing}: for each partner, the basis of the
 * sharing and which categories of data may not cross in each direction as this node sees it. A partner without an
 * entry exchanges nothing (fail-closed).
 *
 * @param dataSharing party code (ISO 3166-1 alpha-2) → that partner's policy
 */
@ConfigurationProperties("passerelle")
record DataSharingProperties(Map<String, PartnerPolicy> dataSharing) {

    DataSharingProperties {
        dataSharing = dataSharing == null ? Map.of() : Map.copyOf(dataSharing);
    }

    /**
     * What may not cross between this node and one partner.
     *
     * @param basis    the agreement (and its annex) under which data is shared with this partner, for the records of
     *                 processing; an entry without one is refused at start
     * @param inbound  what the partner may not send to this node (checked at the partner inbox)
     * @param outbound what this node may not send to the partner (checked at intake, before the message leaves)
     */
    record PartnerPolicy(String basis, @DefaultValue Flow inbound, @DefaultValue Flow outbound) {
    }

    /**
     * One direction of a partner policy.
     *
     * @param forbidden categories ({@link DataCategory}, leaves or groups such as {@code PERSONAL_DATA}) that no
     *                  message in this direction may carry
     * @param exempt    message type → categories that this type may carry all the same (for a type the agreement
     *                  requires to carry them); empty by default
     */
    record Flow(@DefaultValue List<DataCategory> forbidden, @DefaultValue Map<String, List<DataCategory>> exempt) {

        Flow {
            forbidden = forbidden == null ? List.of() : List.copyOf(forbidden);
            exempt = exempt == null ? Map.of() : Map.copyOf(exempt);
        }
    }
}
