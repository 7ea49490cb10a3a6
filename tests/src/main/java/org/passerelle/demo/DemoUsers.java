package org.passerelle.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.gateway.access.PasswordHash;

/**
 * The people of the demo's scheme nodes, one per role, with development passwords printed by the demo. Only the
 * Argon2 hashes go into the nodes' settings, as in production.
 */
final class DemoUsers {

    /** One demo person: name, development password, role, and the partner or team the role needs. */
    record User(String username, String password, String role, String partner, String team) {
    }

    static final User OFFICER = new User("officer", "demo-officer-password", "LIAISON_OFFICER", "the partner", null);
    static final User CASEWORKER = new User("caseworker", "demo-caseworker-password", "CASEWORKER", null, "casework");
    static final User AUDITOR = new User("auditor", "demo-auditor-password", "AUDITOR", null, null);
    static final User ADMIN = new User("admin", "demo-admin-password", "ADMIN", null, null);
    static final List<User> ALL = List.of(OFFICER, CASEWORKER, AUDITOR, ADMIN);

    private DemoUsers() {
    }

    /**
     * Settings provisioning every demo user on a node, each with a fresh Argon2 hash of its password; the liaison
     * officer belongs to the node's partner state.
     */
    static Map<String, Object> settings(String partner) {
        Map<String, Object> p = new LinkedHashMap<>();
        var encoder = PasswordHash.encoder();
        for (int i = 0; i < ALL.size(); i++) {
            User u = ALL.get(i);
            String prefix = "passerelle.access.users[" + i + "].";
            p.put(prefix + "username", u.username());
            p.put(prefix + "password-hash", encoder.encode(u.password()));
            p.put(prefix + "roles[0]", u.role());
            if (u.partner() != null) {
                p.put(prefix + "partner", partner);
            }
            if (u.team() != null) {
                p.put(prefix + "team", u.team());
            }
        }
        return p;
    }
}
