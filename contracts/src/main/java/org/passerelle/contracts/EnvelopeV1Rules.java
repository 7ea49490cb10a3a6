package org.passerelle.contracts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.passerelle.contracts.admission.v1.AdmissionDecision;
import org.passerelle.contracts.admission.v1.AdmissionDecisionOutcome;
import org.passerelle.contracts.admission.v1.EligibilityOutcome;
import org.passerelle.contracts.admission.v1.EligibilityResult;
import org.passerelle.contracts.biometric.v1.BiometricSearchResponse;
import org.passerelle.contracts.biometric.v1.SearchOutcome;
import org.passerelle.contracts.biometrics.Compression;
import org.passerelle.contracts.biometrics.DeclaredBiometrics;
import org.passerelle.contracts.biometrics.DeclaredFingerprint;
import org.passerelle.contracts.biometrics.ImpressionType;
import org.passerelle.contracts.biometrics.NistTransactionCheck;
import org.passerelle.contracts.common.v1.BiometricSet;
import org.passerelle.contracts.common.v1.Fingerprint;
import org.passerelle.contracts.common.v1.Header;
import org.passerelle.contracts.envelope.v1.Body;
import org.passerelle.contracts.envelope.v1.Envelope;
import org.passerelle.contracts.audit.v1.AuditCheckpoint;
import org.passerelle.contracts.equivalence.v1.EquivalenceReconciliation;
import org.passerelle.contracts.equivalence.v1.EquivalenceStatement;
import org.passerelle.contracts.equivalence.v1.ReconciliationOutcome;
import org.passerelle.contracts.readmission.v1.ReadmissionDecision;
import org.passerelle.contracts.readmission.v1.ReadmissionDecisionOutcome;

/** The version 1 rules that XML Schema 1.0 cannot state: header against body, dates in order, outcomes against their details, biometrics against the transaction. */
final class EnvelopeV1Rules implements EnvelopeRules {

    private static final String HEADER = "/Envelope/Header";
    private static final String BODY = "/Envelope/Body";

    @Override
    public List<Violation> check(Object root, ElementLocations where) {
        Envelope envelope = (Envelope) root;
        List<Violation> violations = new ArrayList<>();
        Header header = envelope.getHeader();
        Map<String, Object> bodies = bodies(envelope.getBody());
        if (bodies.size() == 1 && header.getMessageType() != null) {
            String bodyName = bodies.keySet().iterator().next();
            if (!header.getMessageType().value().equals(bodyName)) {
                violations.add(where.violation(HEADER + "/MessageType",
                        "MessageType " + header.getMessageType().value() + " does not name the body, which is " + bodyName));
            }
        }
        if (header.getFrom() != null && header.getFrom().equals(header.getTo())) {
            violations.add(where.violation(HEADER + "/To", "To must name another party than From"));
        }
        if (header.getCreatedAt() != null && header.getExpiresAt() != null
                && !header.getExpiresAt().isAfter(header.getCreatedAt())) {
            violations.add(where.violation(HEADER + "/ExpiresAt", "ExpiresAt must be after CreatedAt"));
        }
        bodies.forEach((name, body) -> checkBody(BODY + "/" + name, body, where, violations));
        return violations;
    }

    private static void checkBody(String path, Object body, ElementLocations where, List<Violation> violations) {
        switch (body) {
            case BiometricSearchResponse response -> {
                int hits = response.getHit().size();
                if (response.getCandidateCount() != hits) {
                    violations.add(where.violation(path + "/CandidateCount",
                            "CandidateCount is " + response.getCandidateCount() + " but the response lists " + hits + " hits"));
                }
                if ((response.getOutcome() == SearchOutcome.HIT) != (hits > 0)) {
                    violations.add(where.violation(path + "/Outcome", "Outcome HIT needs at least one Hit, and only HIT may list hits"));
                }
            }
            case ReadmissionDecision decision -> {
                if (decision.getDecision() != ReadmissionDecisionOutcome.ACCEPTED && decision.getReasonCode().isEmpty()) {
                    violations.add(where.violation(path + "/Decision", "a refusal or a request for more information states at least one ReasonCode"));
                }
            }
            case EligibilityResult result -> {
                if ((result.getResult() == EligibilityOutcome.INELIGIBLE) == result.getReasonCode().isEmpty()) {
                    violations.add(where.violation(path + "/Result", "INELIGIBLE states at least one ReasonCode, and ELIGIBLE none"));
                }
            }
            case AdmissionDecision decision -> {
                if (decision.getDecision() == AdmissionDecisionOutcome.REFUSED && decision.getReasonCode().isEmpty()) {
                    violations.add(where.violation(path + "/Decision", "a refusal states at least one ReasonCode"));
                }
                if (decision.getValidFrom() != null && decision.getValidUntil() != null
                        && decision.getValidUntil().isBefore(decision.getValidFrom())) {
                    violations.add(where.violation(path + "/ValidUntil", "ValidUntil must not be before ValidFrom"));
                }
            }
            case EquivalenceStatement statement -> {
                if (statement.getPeriodStart() != null && statement.getPeriodEnd() != null
                        && statement.getPeriodEnd().isBefore(statement.getPeriodStart())) {
                    violations.add(where.violation(path + "/PeriodEnd", "PeriodEnd must not be before PeriodStart"));
                }
            }
            case EquivalenceReconciliation reconciliation -> {
                if (reconciliation.getPeriodStart() != null && reconciliation.getPeriodEnd() != null
                        && reconciliation.getPeriodEnd().isBefore(reconciliation.getPeriodStart())) {
                    violations.add(where.violation(path + "/PeriodEnd", "PeriodEnd must not be before PeriodStart"));
                }
                if (reconciliation.getOutcome() == ReconciliationOutcome.AGREED
                        && (reconciliation.isPolicyDiffers() || !reconciliation.getCountedCase().isEmpty())) {
                    violations.add(where.violation(path + "/Outcome",
                            "AGREED lists no CountedCase and states the policy does not differ"));
                }
            }
            case AuditCheckpoint checkpoint -> {
                if (checkpoint.getExtends() != null
                        && checkpoint.getExtends().getFromSeq() >= checkpoint.getSeq()) {
                    violations.add(where.violation(path + "/Extends/FromSeq", "a checkpoint extends an earlier one"));
                }
            }
            default -> { }
        }
    }

    @Override
    public void checkBiometrics(Object root, ElementLocations where, NistTransactionCheck check) {
        Envelope envelope = (Envelope) root;
        Body body = envelope.getBody();
        Map<String, BiometricSet> sets = new LinkedHashMap<>();
        if (body.getBiometricSearchRequest() != null) {
            sets.put(BODY + "/BiometricSearchRequest/BiometricSet", body.getBiometricSearchRequest().getBiometricSet());
        }
        if (body.getReadmissionRequest() != null && body.getReadmissionRequest().getBiometricSet() != null) {
            sets.put(BODY + "/ReadmissionRequest/BiometricSet", body.getReadmissionRequest().getBiometricSet());
        }
        if (body.getAdmissionReferral() != null) {
            sets.put(BODY + "/AdmissionReferral/BiometricSet", body.getAdmissionReferral().getBiometricSet());
        }
        sets.forEach((path, set) -> {
            try {
                check.check(set.getTransaction(), declared(set));
            } catch (ContractViolationException refused) {
                List<Violation> placed = refused.violations().stream()
                        .map(v -> where.violation(path, v.path().isEmpty() ? v.message() : v.path() + ": " + v.message()))
                        .toList();
                throw new ContractViolationException(refused.code(), placed, refused.getCause());
            }
        });
    }

    /** What a biometric set states about its transaction, in the terms of the transaction check. */
    static DeclaredBiometrics declared(BiometricSet set) {
        List<DeclaredFingerprint> fingerprints = new ArrayList<>();
        for (Fingerprint f : set.getFingerprint()) {
            fingerprints.add(new DeclaredFingerprint(f.getRecordType(), f.getPosition(), impression(f.getImpressionType()),
                    compression(f.getCompression()), f.getResolutionPpi(), f.getQuality()));
        }
        return new DeclaredBiometrics(fingerprints, set.getFacialImage() != null, set.getIrisImage() != null);
    }

    private static ImpressionType impression(org.passerelle.contracts.common.v1.ImpressionType type) {
        return switch (type) {
            case LIVE_PLAIN -> ImpressionType.LIVE_PLAIN;
            case LIVE_ROLLED -> ImpressionType.LIVE_ROLLED;
            case NONLIVE_PLAIN -> ImpressionType.NONLIVE_PLAIN;
            case NONLIVE_ROLLED -> ImpressionType.NONLIVE_ROLLED;
        };
    }

    private static Compression compression(org.passerelle.contracts.common.v1.Compression compression) {
        return switch (compression) {
            case NONE -> Compression.NONE;
            case WSQ -> Compression.WSQ;
            case JPEG -> Compression.JPEG;
            case JPEG_2000 -> Compression.JPEG2000;
            case PNG -> Compression.PNG;
        };
    }

    /** The bodies present, by element name; the schema allows exactly one. */
    private static Map<String, Object> bodies(Body body) {
        Map<String, Object> present = new LinkedHashMap<>();
        if (body == null) {
            return present;
        }
        put(present, "BiometricSearchRequest", body.getBiometricSearchRequest());
        put(present, "BiometricSearchResponse", body.getBiometricSearchResponse());
        put(present, "ReadmissionRequest", body.getReadmissionRequest());
        put(present, "ReadmissionDecision", body.getReadmissionDecision());
        put(present, "TransferStatus", body.getTransferStatus());
        put(present, "AdmissionReferral", body.getAdmissionReferral());
        put(present, "EligibilityResult", body.getEligibilityResult());
        put(present, "AdmissionDecision", body.getAdmissionDecision());
        put(present, "ArrivalConfirmation", body.getArrivalConfirmation());
        put(present, "CaseStatusUpdate", body.getCaseStatusUpdate());
        put(present, "EquivalenceStatement", body.getEquivalenceStatement());
        put(present, "EquivalenceReconciliation", body.getEquivalenceReconciliation());
        put(present, "AuditCheckpoint", body.getAuditCheckpoint());
        put(present, "Receipt", body.getReceipt());
        put(present, "Fault", body.getFault());
        return present;
    }

    private static void put(Map<String, Object> present, String name, Object body) {
        if (body != null) {
            present.put(name, body);
        }
    }
}
