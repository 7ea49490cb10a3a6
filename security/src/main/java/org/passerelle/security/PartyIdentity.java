package org.passerelle.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who a certificate speaks for: its party code, whether it is a gateway, an officer or a back-end system,
 * that officer's id or system's name, and the roles it states.
 *
 * @param party the ISO 3166 alpha-2 party code, for example {@code GB}
 * @param kind  gateway (node), officer (person) or system (back-end client)
 * @param name  the officer id or system name; the party code for a gateway
 * @param roles the roles stated as {@code urn:passerelle:role:<role>} URIs (officers), possibly empty
 */
public record PartyIdentity(String party, Kind kind, String name, Set<String> roles) {

    /** The kinds of certificate holder. */
    public enum Kind { GATEWAY, OFFICER, SYSTEM }

    public PartyIdentity {
        Objects.requireNonNull(party, "party");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
    }
}
