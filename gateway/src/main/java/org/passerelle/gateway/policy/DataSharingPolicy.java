package org.passerelle.gateway.policy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.passerelle.gateway.agreement.AgreementCheck;
import org.passerelle.gateway.agreement.Agreements;
import org.passerelle.gateway.agreement.Scheme;
import org.passerelle.gateway.messagelog.Direction;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The data-sharing policy of the agreement in force ({@link Scheme#dataSharing()}: configured under
 * {@code passerelle.data-sharing} for the first version, changed later through the agreement's versions, each change
 * approved by a second administrator), resolved to the leaf categories forbidden per partner, direction and type once
 * per version. Also checks that an agreement names only categories this policy knows.
 */
@Component
public class DataSharingPolicy implements AgreementCheck {

    private record Key(String party, Direction direction) {
    }

    /** Per partner and direction: the forbidden leaves, and per message type the leaves it is exempt from. */
    private record Resolved(Set<DataCategory> forbidden, Map<String, Set<DataCategory>> exempt) {
    }

    /** One version's policy, resolved. */
    private record Snapshot(Scheme scheme, Map<Key, Resolved> policies, Map<String, String> bases) {
    }

    private final Supplier<Scheme> agreement;
    private volatile Snapshot snapshot;

    @Autowired
    DataSharingPolicy(Agreements agreements) {
        this(agreements::scheme);
    }

    DataSharingPolicy(Supplier<Scheme> agreement) {
        this.agreement = agreement;
    }

    /** The basis on which data is shared with the partner; empty when none is agreed (nothing may be exchanged). */
    public Optional<String> basis(String party) {
        return Optional.ofNullable(current().bases().get(party));
    }

    /** The leaf categories a message of this type may not carry between this node and the partner in this direction. */
    Set<DataCategory> forbidden(String party, Direction direction, String messageType) {
        Resolved resolved = current().policies().get(new Key(party, direction));
        if (resolved == null || resolved.forbidden().isEmpty()) {
            return Set.of();
        }
        EnumSet<DataCategory> forbidden = EnumSet.copyOf(resolved.forbidden());
        forbidden.removeAll(resolved.exempt().getOrDefault(messageType, Set.of()));
        return forbidden;
    }

    @Override
    public List<String> problems(Scheme scheme) {
        List<String> problems = new ArrayList<>();
        scheme.dataSharing().forEach((party, sharing) -> Map.of("inbound", sharing.inbound(), "outbound",
                sharing.outbound()).forEach((direction, flow) -> {
                    String where = "data-sharing " + party + " " + direction;
                    flow.forbidden().stream().filter(c -> category(c).isEmpty()).forEach(c ->
                            problems.add(where + ".forbidden: '" + c + "' is not a data category"));
                    flow.exempt().forEach((type, categories) -> categories.stream().filter(c -> category(c).isEmpty())
                            .forEach(c -> problems.add(where + ".exempt." + type + ": '" + c
                                    + "' is not a data category")));
                }));
        return problems;
    }

    private Snapshot current() {
        Scheme scheme = agreement.get();
        Snapshot s = snapshot;
        if (s == null || s.scheme() != scheme) {
            s = resolve(scheme);
            snapshot = s;
        }
        return s;
    }

    private static Snapshot resolve(Scheme scheme) {
        Map<Key, Resolved> policies = new HashMap<>();
        Map<String, String> bases = new HashMap<>();
        scheme.dataSharing().forEach((party, sharing) -> {
            if (sharing.basis() == null || sharing.basis().isBlank()) {
                // Never in force (the agreement's own check refuses it): fail closed all the same.
                return;
            }
            bases.put(party, sharing.basis());
            policies.put(new Key(party, Direction.INBOUND), resolve(sharing.inbound()));
            policies.put(new Key(party, Direction.OUTBOUND), resolve(sharing.outbound()));
        });
        return new Snapshot(scheme, Map.copyOf(policies), Map.copyOf(bases));
    }

    private static Resolved resolve(Scheme.Flow flow) {
        Map<String, Set<DataCategory>> exempt = new HashMap<>();
        // A name that is no category is never in force (see problems); should one be, it forbids everything and
        // exempts nothing, to fail closed.
        flow.exempt().forEach((type, categories) -> exempt.put(type, DataCategory.leavesOf(
                categories.stream().flatMap(n -> category(n).stream()).toList())));
        return new Resolved(DataCategory.leavesOf(flow.forbidden().stream()
                .map(n -> category(n).orElse(DataCategory.PERSONAL_DATA)).toList()), Map.copyOf(exempt));
    }

    private static Optional<DataCategory> category(String name) {
        try {
            return Optional.of(DataCategory.valueOf(name));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
