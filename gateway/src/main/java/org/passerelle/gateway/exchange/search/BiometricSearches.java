package org.passerelle.gateway.exchange.search;

import java.io.IOException;
import java.util.Locale;
import org.passerelle.contracts.biometric.v1.SearchPurpose;
import org.passerelle.contracts.biometric.v1.Urgency;
import org.passerelle.gateway.access.AccessRules;
import org.passerelle.gateway.access.Caller;
import org.passerelle.gateway.access.SearchRateLimiter;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.exchange.Faults;
import org.passerelle.gateway.exchange.outbound.IntakeService;
import org.springframework.stereotype.Service;

/**
 * A liaison officer's biometric search as both the searches API and the console submit it: the access rules (own
 * partner state, purpose, case reference), the rate limit, the envelope, the ordinary intake, and the audit entry.
 */
@Service
public class BiometricSearches {

    static final AuditAction ACTION = AuditAction.BIOMETRIC_SEARCH;
    static final String RESOURCE = "searches";

    /** Reads the transaction once the search may go on: null or empty when it is missing or too large. */
    @FunctionalInterface
    public interface Transaction {
        byte[] read() throws IOException;
    }

    /** A search accepted for delivery: its message id and the partner state searched. */
    public record Submitted(String messageId, String partner) {
    }

    private final AccessRules rules;
    private final SearchRateLimiter limiter;
    private final OfficerSearches searches;
    private final IntakeService intake;

    BiometricSearches(AccessRules rules, SearchRateLimiter limiter, OfficerSearches searches, IntakeService intake) {
        this.rules = rules;
        this.limiter = limiter;
        this.searches = searches;
        this.intake = intake;
    }

    /** Submits the search; every refusal is a {@code GatewayException} with its code, audited. */
    public Submitted submit(Caller caller, String partner, String purpose, String caseReference, String urgency,
                            Transaction source) throws IOException {
        AccessRules.Scope scope = rules.forSearch(caller, ACTION, RESOURCE, purpose, caseReference, partner);
        SearchPurpose searchPurpose = OfficerSearches.searchPurpose(scope.purpose());
        if (searchPurpose == null) {
            throw rules.refuse(scope, ACTION, RESOURCE, GatewayErrorCode.PURPOSE_REQUIRED,
                    scope.purpose() + " is no purpose for a biometric search");
        }
        limiter.acquire(scope, ACTION, RESOURCE);
        Urgency level = urgency(scope, urgency);
        byte[] transaction = source.read();
        if (transaction == null || transaction.length == 0) {
            throw rules.refuse(scope, ACTION, RESOURCE, GatewayErrorCode.SEARCH_REQUEST_INVALID,
                    "The body is the ANSI/NIST-ITL transaction, and it is empty or too large");
        }
        byte[] envelope;
        try {
            envelope = searches.envelope(transaction, scope.partner(), searchPurpose, caseReference, level,
                    caller.name());
        } catch (RuntimeException e) {
            throw rules.refused(scope, ACTION, RESOURCE, Faults.from(e));
        }
        String id;
        try {
            id = intake.submit(envelope, caller.name());
        } catch (RuntimeException e) {
            // Intake audited the message's refusal; this records the officer's search it ended, with purpose and case.
            throw rules.refused(scope, ACTION, RESOURCE, Faults.from(e));
        }
        rules.granted(scope, ACTION, RESOURCE, e -> e.message(id, "BiometricSearchRequest", null));
        return new Submitted(id, scope.partner());
    }

    private Urgency urgency(AccessRules.Scope scope, String urgency) {
        if (urgency == null || urgency.isBlank()) {
            return Urgency.NORMAL;
        }
        try {
            return Urgency.valueOf(urgency.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw rules.refuse(scope, ACTION, RESOURCE, GatewayErrorCode.SEARCH_REQUEST_INVALID,
                    "urgency is NORMAL or URGENT");
        }
    }
}
