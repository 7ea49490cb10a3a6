package org.passerelle.gateway.access;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling, with the attributes access is decided on: a back-end system, or a person with a role, the
 * partner state a liaison officer belongs to and the team a caseworker belongs to.
 *
 * @param name    the stable name recorded as actor in the audit log (a user name, {@code system:<name>}, or a token's name)
 * @param kind    a system or a person
 * @param roles   what the caller may do
 * @param partner the partner state (ISO 3166-1 alpha-2) a liaison officer belongs to; null for other roles
 * @param team    the casework team a caseworker belongs to; null for other roles
 */
public record Caller(String name, Kind kind, Set<Role> roles, String partner, String team) {

    public Caller {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    /** Whether the caller is a back-end system or a person. */
    public enum Kind { SYSTEM, PERSON }

    /** Roles; each maps to the Spring Security authority {@code ROLE_<name>}. */
    public enum Role {
        /** A back-end system of this party: submits and reads messages and cases. */
        SYSTEM,
        /** A liaison officer: sees exchanges and cases with their own partner state only, for a stated purpose. */
        LIAISON_OFFICER,
        /** A caseworker: sees the cases of their team. */
        CASEWORKER,
        /** A compliance auditor: reads the audit log and message metadata, never payloads or biometric data. */
        AUDITOR,
        /** An administrator: manages partners and replays parked messages; never reads payloads. */
        ADMIN;

        public String authority() {
            return "ROLE_" + name();
        }
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** The role recorded in the audit log: the most specific the caller holds. */
    public String auditRole() {
        for (Role r : new Role[] {Role.LIAISON_OFFICER, Role.CASEWORKER, Role.AUDITOR, Role.ADMIN, Role.SYSTEM}) {
            if (roles.contains(r)) {
                return r.name();
            }
        }
        return null;
    }
}
