package org.passerelle.gateway.casework.readmission;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.passerelle.gateway.gallery.TransferredCases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The gallery's view of the readmission cases this node requested and saw TRANSFERRED. */
@Component
class ReadmissionTransfers implements TransferredCases {

    private final JdbcClient jdbc;

    ReadmissionTransfers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Transferred> transferred(String caseReference, String partner) {
        return jdbc.sql("""
                select request_message_id, updated_at from readmission_case
                where case_reference = :case and partner = :partner and role = 'REQUESTING' and state = 'TRANSFERRED'""")
                .param("case", caseReference).param("partner", partner)
                .query((rs, n) -> new Transferred(rs.getString("request_message_id"),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .optional();
    }
}
