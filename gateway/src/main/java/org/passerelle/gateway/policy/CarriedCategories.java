package org.passerelle.gateway.policy;

import java.util.EnumSet;
import java.util.Set;
import org.passerelle.contracts.envelope.v1.Envelope;

/** Which categories of data a message carries, by the same walk the data-sharing rule makes (never the values). */
public final class CarriedCategories {

    private static final Set<DataCategory> LEAVES;

    static {
        EnumSet<DataCategory> leaves = EnumSet.copyOf(DataCategory.PERSONAL_DATA.leaves());
        leaves.add(DataCategory.EURODAC_HITS);
        LEAVES = leaves;
    }

    private CarriedCategories() {
    }

    /** The leaf categories present anywhere in the envelope. */
    public static Set<DataCategory> of(Envelope envelope) {
        EnumSet<DataCategory> found = EnumSet.noneOf(DataCategory.class);
        DataFinder.find(envelope, "Envelope", LEAVES).forEach(f -> found.add(f.category()));
        return found;
    }
}
