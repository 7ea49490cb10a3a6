package org.passerelle.contracts;

import java.util.HashMap;
import java.util.Map;

/** Where each element path first starts in a decoded document, so that checks made on the bound objects can point at the source. */
final class ElementLocations {

    private static final int MAX_PATHS = 10_000;

    private final Map<String, int[]> starts = new HashMap<>();

    void record(String path, int line, int column) {
        if (starts.size() < MAX_PATHS) {
            starts.putIfAbsent(path, new int[] {line, column});
        }
    }

    /** A violation at the element with this path, with its line and column when the document has it. */
    Violation violation(String path, String message) {
        int[] at = starts.get(path);
        return at == null ? new Violation(-1, -1, path, message) : new Violation(at[0], at[1], path, message);
    }

    /** For objects that were never parsed (nothing to point at). */
    static ElementLocations none() {
        return new ElementLocations();
    }
}
