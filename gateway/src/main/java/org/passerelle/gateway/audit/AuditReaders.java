package org.passerelle.gateway.audit;

/**
 * Who reads the audit log: the actor and role each reading is recorded under. Owned here and supplied by access from
 * the request's authenticated caller, so the audit log does not depend on how callers sign in.
 */
public interface AuditReaders {

    /** The reader behind the current request; {@link Reader#UNKNOWN} when nobody is authenticated. */
    Reader current();

    /**
     * @param name the actor recorded
     * @param role the role recorded, or null
     */
    record Reader(String name, String role) {

        public static final Reader UNKNOWN = new Reader("unknown", null);
    }
}
