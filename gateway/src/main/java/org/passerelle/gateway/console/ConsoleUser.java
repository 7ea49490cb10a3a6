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

    /** The role in words, as the header shows it. */
    public String roleLabel() {
        String role = caller.auditRole();
        if (role == null) {
            return "no role";
        }
        return switch (role) {
            case "LIAISON_OFFICER" -> "liaison officer";
            case "CASEWORKER" -> "caseworker";
            case "AUDITOR" -> "auditor";
            case "ADMIN" -> "administrator";
            default -> role.toLowerCase();
        };
    }
}
