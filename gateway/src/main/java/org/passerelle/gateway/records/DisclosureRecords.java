package org.passerelle.gateway.records;

import java.util.Set;
import java.util.TreeSet;
import org.passerelle.contracts.biometric.v1.BiometricSearchRequest;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.exchange.MessageContext;
import org.passerelle.gateway.exchange.MessageObserver;
import org.passerelle.gateway.messagelog.Direction;
import org.passerelle.gateway.policy.CarriedCategories;
import org.passerelle.gateway.policy.DataCategory;
import org.passerelle.gateway.policy.DataSharingPolicy;
import org.springframework.stereotype.Component;

/**
 * The log of disclosures the Data Protection Act 2018 (Part 3, s.62) asks a controller to keep: for every message
 * accepted to go to a partner ({@code DATA_DISCLOSED}) and every message taken from one ({@code DATA_RECEIVED}), in
 * the transaction that stores it, one audit entry (so in the hash chain) with the date and time, the partner, the
 * purpose, the case, the categories of data it carries (named by the data-sharing walk, never a value), who is
 * responsible (the submitting system, and the operator where the message names one) and the basis of the sharing.
 */
@Component
class DisclosureRecords implements MessageObserver {

    private final AuditTrail audit;
    private final DataSharingPolicy sharing;

    DisclosureRecords(AuditTrail audit, DataSharingPolicy sharing) {
        this.audit = audit;
        this.sharing = sharing;
    }

    @Override
    public void accepted(MessageContext message) {
        Body body = message.envelope().getBody();
        boolean outbound = message.direction() == Direction.OUTBOUND;
        String partner = outbound ? message.facts().to() : message.facts().from();
        Set<DataCategory> carried = CarriedCategories.of(message.envelope());
        BiometricSearchRequest search = body.getBiometricSearchRequest();
        String operator = message.envelope().getHeader().getOperator();
        if (operator == null && search != null) {
            operator = search.getOperatorId();
        }
        // Outbound: the operator of the submitting system here; inbound: the partner's operator, as it names one.
        String responsible = operator == null ? message.actor() : "operator " + operator + " of " + message.actor();
        audit.record(AuditTrail.Entry.of(message.actor(), AuditChannel.EXCHANGE,
                        outbound ? AuditAction.DATA_DISCLOSED : AuditAction.DATA_RECEIVED, AuditOutcome.OK)
                .partner(partner)
                .message(message.facts().messageId(), message.facts().messageType(), message.facts().sha256())
                .purpose(purpose(message.facts().messageType(), body), MessageCaseIndex.caseReferenceOf(body))
                .detail("categories: " + (carried.isEmpty() ? "none" : String.join(", ",
                        new TreeSet<>(carried.stream().map(Enum::name).toList())))
                        + (message.facts().testIndicator() ? " (test traffic)" : "")
                        + "; responsible: " + responsible
                        + "; basis: " + sharing.basis(partner).orElse("none")));
    }

    /** The purpose of a message, as the scheme defines it for its type; a search states its own. */
    static String purpose(String messageType, Body body) {
        if (body.getBiometricSearchRequest() != null) {
            return body.getBiometricSearchRequest().getPurpose().value();
        }
        return switch (messageType) {
            case "ReadmissionRequest", "ReadmissionDecision", "TransferStatus" -> "READMISSION";
            case "AdmissionReferral", "EligibilityResult", "AdmissionDecision", "ArrivalConfirmation" -> "ADMISSION";
            case "BiometricSearchResponse" -> "BIOMETRIC_LIAISON";
            case "CaseStatusUpdate" -> "CASE_MANAGEMENT";
            case "EquivalenceStatement", "EquivalenceReconciliation" -> "SCHEME_ACCOUNTABILITY";
            case "AuditCheckpoint" -> "AUDIT_WITNESS";
            default -> "EXCHANGE";
        };
    }
}
