package org.passerelle.contracts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The versions of the contract a node serves, keyed by envelope namespace, so that two legal regimes can run side by
 * side during a change-over. A new version is a new set of schema files (e.g. {@code envelope-2.xsd} importing
 * {@code common-2.xsd}, bound to {@code ...envelope.v2}), a new {@link SchemaSet} naming them and a line in
 * {@link #standard()}; nothing served today changes.
 */
public final class SchemaCatalogue {

    private final Map<String, SchemaSet> byEnvelopeNamespace;

    private SchemaCatalogue(List<SchemaSet> sets) {
        Map<String, SchemaSet> map = new LinkedHashMap<>();
        for (SchemaSet set : sets) {
            if (map.putIfAbsent(set.envelopeNamespace(), set) != null) {
                throw new IllegalArgumentException("envelope namespace served twice: " + set.envelopeNamespace());
            }
        }
        this.byEnvelopeNamespace = Map.copyOf(map);
    }

    /** Every version this build knows: today, version 1 only. */
    public static SchemaCatalogue standard() {
        return new SchemaCatalogue(List.of(SchemaSet.v1()));
    }

    /** The envelope namespaces served. */
    public Set<String> servedNamespaces() {
        return byEnvelopeNamespace.keySet();
    }

    List<SchemaSet> sets() {
        return List.copyOf(byEnvelopeNamespace.values());
    }
}
