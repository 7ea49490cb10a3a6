package org.passerelle.gateway.casework.admission;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.readmission.v1.ReadmissionRequest;
import org.passerelle.contracts.readmission.v1.TransferStatus;
import org.passerelle.contracts.readmission.v1.TransferStatusValue;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.Digests;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The biometric references that make an applicant ineligible — people previously returned under the scheme or
 * recorded as having entered irregularly — fed by configuration, by administrators, and by observing the
 * exchange: a readmission request with a biometric set, then a TransferStatus COMPLETED for that case, registers
 * the person as previously returned. Only the reason ever leaves this class, never whose reference matched.
 */
@Component
class EligibilityRegistry implements MessageObserver {

    static final Set<String> REASONS = Set.of("PREVIOUSLY_RETURNED", "PREVIOUS_IRREGULAR_ENTRY");
    private static final Pattern REFERENCE = Pattern.compile("[0-9a-f]{64}");

    /** An entry as administrators see it: the reference digest and the reason, not the case it came from. */
    record Entry(String biometricReference, String reason, String source, java.time.Instant recordedAt) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditTrail audit;
    private final AdmissionProperties properties;

    EligibilityRegistry(JdbcClient jdbc, Clock clock, AuditTrail audit, AdmissionProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.properties = properties;
    }

    /** The reference of a biometric set: the SHA-256 of its ANSI/NIST-ITL transaction. */
    static String referenceOf(byte[] transaction) {
        return Digests.sha256Hex(transaction);
    }

    @EventListener(ApplicationReadyEvent.class)
    @Transactional
    public void loadConfigured() {
        properties.registry().forEach(r -> register(r.biometricReference(), r.reason(), "CONFIGURATION", null, "node"));
    }

    /** Why this reference makes an applicant ineligible, if it does. */
    Optional<String> reasonFor(String biometricReference) {
        if (biometricReference == null) {
            return Optional.empty();
        }
        return jdbc.sql("select reason from eligibility_registry where biometric_ref = :ref")
                .param("ref", biometricReference).query(String.class).optional();
    }

    /** Adds a reference unless it is already there; true when added. */
    boolean register(String reference, String reason, String source, String sourceCase, String actor) {
        if (reference == null || !REFERENCE.matcher(reference).matches() || !REASONS.contains(reason)) {
            throw new GatewayException(GatewayErrorCode.CASEWORK_REQUEST_INVALID.name(),
                    GatewayErrorCode.CASEWORK_REQUEST_INVALID.status(),
                    "A registry entry needs a SHA-256 (hex, lower case) reference and a reason",
                    List.of("reason must be one of " + REASONS), null);
        }
        if (reasonFor(reference).isPresent()) {
            return false;
        }
        int added = jdbc.sql("""
                insert into eligibility_registry (biometric_ref, reason, source, source_reference, recorded_by, recorded_at)
                values (:ref, :reason, :source, :case, :actor, :at)""")
                .param("ref", reference).param("reason", reason).param("source", source).param("case", sourceCase)
                .param("actor", actor).param("at", clock.instant().atOffset(ZoneOffset.UTC)).update();
        if (added == 1) {
            audit.record(AuditTrail.Entry.of(actor, "CASEWORK", "REGISTRY_ENTRY_ADDED", "OK").code(reason, source));
        }
        return added == 1;
    }

    boolean remove(String reference, String actor) {
        int removed = jdbc.sql("delete from eligibility_registry where biometric_ref = :ref").param("ref", reference)
                .update();
        if (removed == 1) {
            audit.record(AuditTrail.Entry.of(actor, "CASEWORK", "REGISTRY_ENTRY_REMOVED", "OK"));
        }
        return removed == 1;
    }

    List<Entry> entries() {
        return jdbc.sql("select * from eligibility_registry order by recorded_at")
                .query((rs, n) -> new Entry(rs.getString("biometric_ref"), rs.getString("reason"),
                        rs.getString("source"), rs.getObject("recorded_at", java.time.OffsetDateTime.class).toInstant()))
                .list();
    }

    @Override
    public void accepted(MessageContext message) {
        Body body = message.envelope().getBody();
        ReadmissionRequest request = body.getReadmissionRequest();
        if (request != null && request.getBiometricSet() != null && jdbc.sql(
                "select count(*) from returnee_biometric where case_reference = :case")
                .param("case", request.getCaseReference()).query(Integer.class).single() == 0) {
            jdbc.sql("""
                    insert into returnee_biometric (case_reference, biometric_ref, seen_at)
                    values (:case, :ref, :at)""")
                    .param("case", request.getCaseReference())
                    .param("ref", referenceOf(request.getBiometricSet().getTransaction()))
                    .param("at", clock.instant().atOffset(ZoneOffset.UTC)).update();
        }
        TransferStatus status = body.getTransferStatus();
        if (status != null && status.getStatus() == TransferStatusValue.COMPLETED) {
            jdbc.sql("select biometric_ref from returnee_biometric where case_reference = :case")
                    .param("case", status.getCaseReference()).query(String.class).optional()
                    .ifPresent(ref -> register(ref, "PREVIOUSLY_RETURNED", "TRANSFER_COMPLETED",
                            status.getCaseReference(), "node"));
        }
    }
}
