package org.passerelle.gateway.casework.readmission;

import java.util.Optional;
import org.passerelle.gateway.access.AccessRules;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Tells the access rules whether a readmission case an officer states exists with their partner, and is open. */
@Component
class ReadmissionStatedCases implements AccessRules.CaseLookup {

    private final JdbcClient jdbc;

    ReadmissionStatedCases(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<AccessRules.StatedCase> find(String caseReference, String partner) {
        return jdbc.sql("select state from readmission_case where case_reference = :ref and partner = :partner")
                .param("ref", caseReference).param("partner", partner).query(String.class).optional()
                // A suspended case is open: a legal challenge holds it, and resuming returns it to where it was.
                .map(state -> new AccessRules.StatedCase(AccessRules.StatedCase.Kind.READMISSION,
                        !ReadmissionState.valueOf(state).terminal()));
    }
}
