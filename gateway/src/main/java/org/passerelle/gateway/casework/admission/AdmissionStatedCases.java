package org.passerelle.gateway.casework.admission;

import java.util.Optional;
import org.passerelle.gateway.access.AccessRules;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Tells the access rules whether an admission case an officer states exists with their partner, and is open. */
@Component
class AdmissionStatedCases implements AccessRules.CaseLookup {

    private final JdbcClient jdbc;

    AdmissionStatedCases(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<AccessRules.StatedCase> find(String caseReference, String partner) {
        return jdbc.sql("select state from admission_case where case_reference = :ref and partner = :partner")
                .param("ref", caseReference).param("partner", partner).query(String.class).optional()
                .map(state -> new AccessRules.StatedCase(AccessRules.StatedCase.Kind.ADMISSION,
                        !AdmissionState.valueOf(state).terminal()));
    }
}
