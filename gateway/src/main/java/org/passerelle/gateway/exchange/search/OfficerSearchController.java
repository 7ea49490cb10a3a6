package org.passerelle.gateway.exchange.search;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import org.passerelle.gateway.access.Callers;
import org.passerelle.gateway.exchange.BoundedBody;
import org.passerelle.gateway.node.NodeProperties;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A liaison officer's biometric search of their own partner state: the ANSI/NIST-ITL transaction in, a
 * {@code BiometricSearchRequest} out through the ordinary intake (validation, data-sharing policy, daily caps, message
 * log, outbox), rate-limited per officer and audited. The partner's answer is then a record like any other.
 */
@RestController
@RequestMapping(path = "/api/v1/searches", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Searches", description = "Liaison officers search their partner state's fingerprint records")
class OfficerSearchController {

    private final BiometricSearches searches;
    private final NodeProperties node;

    OfficerSearchController(BiometricSearches searches, NodeProperties node) {
        this.searches = searches;
        this.node = node;
    }

    @PostMapping(consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @PreAuthorize("hasRole('LIAISON_OFFICER')")
    @Operation(summary = "Search a person's fingerprints in your partner state (role LIAISON_OFFICER)",
            description = "The body is the ANSI/NIST-ITL transaction (traditional encoding). The search goes to the "
                    + "officer's own partner state only (another: 403 PARTNER_NOT_ALLOWED), states a purpose and a case "
                    + "reference (403 PURPOSE_REQUIRED / CASE_REFERENCE_REQUIRED) of a readmission or admission case with "
                    + "that partner fitting the purpose (403 CASE_NOT_FOUND_FOR_PURPOSE, PURPOSE_CASE_MISMATCH, "
                    + "CASE_CLOSED_FOR_PURPOSE), is rate-limited per officer "
                    + "(429 SEARCH_RATE_LIMITED) and audited. Answers 202 with the message id; the partner's "
                    + "BiometricSearchResponse is then found with GET /api/v1/records?caseReference=...")
    ResponseEntity<Map<String, String>> search(
            InputStream body, HttpServletRequest request,
            @Parameter(description = "The partner state searched: the officer's own") @RequestParam(required = false) String partner,
            @Parameter(description = "Why (one of access.Purpose but COMPLIANCE_REVIEW)") @RequestParam(required = false) String purpose,
            @Parameter(description = "The readmission or admission case searched for, as the contract writes it (PP-RA-YYYY-NNNNNN or PP-AD-YYYY-NNNNNN)") @RequestParam(required = false) String caseReference,
            @Parameter(description = "NORMAL (answer within 24 h, the default) or URGENT (1 h)") @RequestParam(required = false) String urgency)
            throws IOException {
        long max = node.maxBodySize().toBytes();
        BiometricSearches.Submitted submitted = searches.submit(Callers.current(), partner, purpose, caseReference,
                urgency, () -> request.getContentLengthLong() > max ? null : BoundedBody.read(body, max));
        return ResponseEntity.accepted().location(URI.create("/api/v1/records/" + submitted.messageId()))
                .body(Map.of("messageId", submitted.messageId(), "partner", submitted.partner()));
    }
}
