package org.passerelle.gateway.policy;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.passerelle.contracts.common.v1.MessageType;
import org.passerelle.gateway.messagelog.Direction;
import org.springframework.stereotype.Component;

/** The configured data-sharing policy, resolved once to the leaf categories forbidden per partner, direction and type. */
@Component
public class DataSharingPolicy {

    private static final Pattern PARTY = Pattern.compile("[A-Z]{2}");

    private record Key(String party, Direction direction) {
    }

    /** Per partner and direction: the forbidden leaves, and per message type the leaves it is exempt from. */
    private record Resolved(Set<DataCategory> forbidden, Map<String, Set<DataCategory>> exempt) {
    }

    private final Map<Key, Resolved> policies = new HashMap<>();
    private final Map<String, String> bases = new HashMap<>();

    DataSharingPolicy(DataSharingProperties properties) {
        properties.dataSharing().forEach((party, policy) -> {
            if (!PARTY.matcher(party).matches()) {
                throw new IllegalStateException("passerelle.data-sharing key '" + party
                        + "' is not an ISO 3166-1 alpha-2 party code");
            }
            if (policy.basis() == null || policy.basis().isBlank()) {
                throw new IllegalStateException("passerelle.data-sharing." + party
                        + " names no basis: say under which agreement data is shared with " + party);
            }
            bases.put(party, policy.basis().strip());
            policies.put(new Key(party, Direction.INBOUND), resolve(party, "inbound", policy.inbound()));
            policies.put(new Key(party, Direction.OUTBOUND), resolve(party, "outbound", policy.outbound()));
        });
    }

    /** The basis on which data is shared with the partner; empty when none is configured (nothing may be exchanged). */
    public java.util.Optional<String> basis(String party) {
        return java.util.Optional.ofNullable(bases.get(party));
    }

    /** The leaf categories a message of this type may not carry between this node and the partner in this direction. */
    Set<DataCategory> forbidden(String party, Direction direction, String messageType) {
        Resolved resolved = policies.get(new Key(party, direction));
        if (resolved == null || resolved.forbidden().isEmpty()) {
            return Set.of();
        }
        EnumSet<DataCategory> forbidden = EnumSet.copyOf(resolved.forbidden());
        forbidden.removeAll(resolved.exempt().getOrDefault(messageType, Set.of()));
        return forbidden;
    }

    private static Resolved resolve(String party, String direction, DataSharingProperties.Flow flow) {
        Map<String, Set<DataCategory>> exempt = new HashMap<>();
        flow.exempt().forEach((type, categories) -> {
            try {
                MessageType.fromValue(type);
            } catch (IllegalArgumentException e) {
                // A misspelt type would silently exempt nothing: refuse to start instead.
                throw new IllegalStateException("passerelle.data-sharing." + party + "." + direction + ".exempt: '"
                        + type + "' is not a message type", e);
            }
            exempt.put(type, DataCategory.leavesOf(categories));
        });
        return new Resolved(DataCategory.leavesOf(flow.forbidden()), Map.copyOf(exempt));
    }
}
