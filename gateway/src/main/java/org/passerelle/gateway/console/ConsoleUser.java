package org.passerelle.gateway.console;

import java.util.Map;
import java.util.Set;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.Caller.Role;

/**
 * The signed-in person as the console's pages see them: name, role, partner or team, and which sections they may
 * use. The sections mirror the {@code @PreAuthorize} rules of the console's controllers; those rules decide.
 */
public record ConsoleUser(String name, Caller caller) {

    /** Which roles use each section of the console. */
    static final Map<String, Set<Role>> SECTIONS = Map.of(
            "records", Set.of(Role.LIAISON_OFFICER, Role.CASEWORKER, Role.AUDITOR, Role.ADMIN),
            "searches", Set.of(Role.LIAISON_OFFICER),
            "equivalence", Set.of(Role.LIAISON_OFFICER, Role.CASEWORKER, Role.AUDITOR, Role.ADMIN),
            "operations", Set.of(Role.ADMIN),
            "audit", Set.of(Role.AUDITOR),
            "reports", Set.of(Role.AUDITOR, Role.ADMIN));

    static ConsoleUser of(Caller caller) {
        return caller == null ? null : new ConsoleUser(caller.name(), caller);
    }

    public boolean may(String section) {
        return SECTIONS.getOrDefault(section, Set.of()).stream().anyMatch(caller::has);
    }

    public String partner() {
        return caller.partner();
    }

    public String team() {
        return caller.team();
    }

    public boolean is(String role) {
        return caller.has(Role.valueOf(role));
    }

    /** The message key of the role's name, as the header shows it. */
    public String roleKey() {
        String role = caller.auditRole();
        return role == null ? "role.none" : "role." + role;
    }
}
