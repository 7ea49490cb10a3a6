package org.passerelle.gateway.error;

import org.passerelle.contracts.ErrorCode;
import org.springframework.http.HttpStatus;

/**
 * The node's catalogue of stable error codes, beside the contract ({@code XML_*}, {@code BIO_*}) and
 * security codes it passes through unchanged. Partner systems and auditors read these codes: a code never
 * changes meaning, and new ones are only ever added. Names put the subject first and what is wrong with it after
 * ({@code X_NOT_FOUND} for an API resource that does not exist, {@code X_INVALID}, {@code X_REQUIRED},
 * {@code X_NOT_ALLOWED}); {@code UNKNOWN_PARTNER} and {@code UNKNOWN_CASE} keep their names, as partners' Faults
 * carry them. {@code ErrorCatalogueTest} holds every code to being raised, tested and listed in README.
 */
public enum GatewayErrorCode implements ErrorCode {
    /** A message to or from a party that is not in the partner registry. */
    UNKNOWN_PARTNER(HttpStatus.FORBIDDEN),
    /** The partner may not send (or we may not send it) this message type. */
    MESSAGE_TYPE_NOT_ALLOWED(HttpStatus.FORBIDDEN),
    /** The body is bigger than the configured limit; it was not read in full. */
    BODY_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),
    /** The request's media type is not the one this endpoint takes. */
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    /** A message id already used for different content. */
    REPLAYED_MESSAGE(HttpStatus.CONFLICT),
    /** The message's expiresAt has passed. */
    MESSAGE_EXPIRED(HttpStatus.BAD_REQUEST),
    /** The envelope's createdAt lies further ahead of this node's clock than the allowed clock skew. */
    CREATED_IN_FUTURE(HttpStatus.BAD_REQUEST),
    /** Signer, TLS client and header {@code from} are not one and the same party. */
    SENDER_MISMATCH(HttpStatus.FORBIDDEN),
    /** The header's {@code to} (or, at intake, {@code from}) is not this node's party. */
    WRONG_NODE(HttpStatus.BAD_REQUEST),
    /** No credentials, or credentials this node does not accept. */
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED),
    /** Authenticated but not allowed to do this. */
    FORBIDDEN(HttpStatus.FORBIDDEN),
    /** A console form was posted without the session's CSRF token, or with a forged or expired one. */
    CSRF_TOKEN_INVALID(HttpStatus.FORBIDDEN),
    /** The partner has sent more than its configured rate. */
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS),
    /** No such message. */
    MESSAGE_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** Only a parked message can be replayed. */
    NOT_PARKED(HttpStatus.CONFLICT),
    /** Releasing a parked message needs a reason (1 to 200 characters), recorded in the audit log and its history. */
    RELEASE_REASON_REQUIRED(HttpStatus.BAD_REQUEST),
    /** The partner's receipt is missing, unsigned, badly signed or not about this message. */
    RECEIPT_INVALID(HttpStatus.BAD_GATEWAY),
    /** The partner's receipt is valid but its digest is not the digest of what was sent. */
    RECEIPT_DIGEST_MISMATCH(HttpStatus.BAD_GATEWAY),
    /** The partner node could not be reached, timed out, or answered 5xx. */
    PARTNER_UNAVAILABLE(HttpStatus.BAD_GATEWAY),
    /** The partner node refused the message (4xx with a fault). */
    PARTNER_REFUSED(HttpStatus.BAD_GATEWAY),
    /** A back-end endpoint could not take the message (down, timed out, TLS refused, 5xx, 408, 429): retried. */
    BACKEND_UNAVAILABLE(HttpStatus.BAD_GATEWAY),
    /**
     * A back-end answered the envelope with a 4xx other than 408 and 429: it refuses that message, and would refuse it
     * again, so it is parked at once for an administrator to replay once the back-end is fixed.
     */
    BACKEND_REFUSED(HttpStatus.BAD_GATEWAY),
    /**
     * A dispatch entry names an endpoint the node is not configured with (written into the database by someone else,
     * or left from an endpoint since removed): parked unsent.
     */
    BACKEND_NOT_CONFIGURED(HttpStatus.BAD_GATEWAY),
    /** Delivery gave up: attempts exhausted. */
    RETRIES_EXHAUSTED(HttpStatus.GATEWAY_TIMEOUT),
    /** Something failed inside the node; details are in its log, under the message id. */
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR),
    /**
     * A stored payload or gallery template is sealed under a data key this node cannot unwrap: the key is wrapped under
     * a key-encryption key (KEK) this node is not configured with, its wrapping was changed, or no such data key is
     * stored. Nothing is lost: a node with the party's KEK opens it (README, "Payload keys").
     */
    PAYLOAD_KEY_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
    /**
     * The message carries a category of data that the data-sharing policy forbids in its direction for this partner;
     * the details name each offending element by its path.
     */
    DATA_SHARING_REFUSED(HttpStatus.FORBIDDEN),
    /** The partner's daily cap of biometric searches (in this direction) is reached: the search is refused, not queued. */
    SEARCH_CAP_REACHED(HttpStatus.TOO_MANY_REQUESTS),
    /** A biometric search response lists more candidates than this partner's answers may carry. */
    TOO_MANY_CANDIDATES(HttpStatus.UNPROCESSABLE_CONTENT),
    /** A message or action names a readmission case this node does not hold (with that partner). */
    UNKNOWN_CASE(HttpStatus.CONFLICT),
    /** No readmission case with this reference (and partner, if named) on this node. */
    READMISSION_CASE_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** An action names a case reference this node holds with several partners, and names no partner. */
    CASE_PARTNER_REQUIRED(HttpStatus.CONFLICT),
    /** The message or action would move a case along a transition its state machine does not allow. */
    ILLEGAL_TRANSITION(HttpStatus.CONFLICT),
    /** The person's screening excludes them from readmission; the details name the rule(s). */
    EXCLUDED_FROM_READMISSION(HttpStatus.UNPROCESSABLE_CONTENT),
    /** A first readmission request must leave within the configured time of the person's arrival. */
    REQUEST_WINDOW_CLOSED(HttpStatus.UNPROCESSABLE_CONTENT),
    /** A case query or action names no known filter or action. */
    CASE_QUERY_INVALID(HttpStatus.BAD_REQUEST),
    /** The message or action would move an admission case along a transition its state machine does not have. */
    ILLEGAL_ADMISSION_TRANSITION(HttpStatus.CONFLICT),
    /** No admission case with this reference on this node. */
    ADMISSION_CASE_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** An ELIGIBLE result for an applicant a caseworker confirmed as a person returned before (the gallery). */
    ELIGIBILITY_CONTRADICTS_REGISTRY(HttpStatus.CONFLICT),
    /** An ELIGIBLE result before the applicant's fingerprints were searched against the gallery; retry later. */
    GALLERY_SEARCH_PENDING(HttpStatus.CONFLICT),
    /** An ELIGIBLE result while a gallery match (or an unsearchable set) waits for a caseworker's review. */
    GALLERY_REVIEW_PENDING(HttpStatus.CONFLICT),
    /** A review of a gallery match that is not held for review, or that names no decision; details say why. */
    GALLERY_REVIEW_INVALID(HttpStatus.CONFLICT),
    /** No gallery entry with this id. */
    GALLERY_ENTRY_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** A correction or erasure of a gallery entry without a reason, or with a reason code the gallery does not hold. */
    GALLERY_CORRECTION_INVALID(HttpStatus.BAD_REQUEST),
    /** A readmission request whose biometric set holds no fingerprint record: the person could not be recognised. */
    FINGERPRINTS_REQUIRED(HttpStatus.UNPROCESSABLE_CONTENT),
    /** A registry or ledger request that is incomplete or malformed. */
    CASEWORK_REQUEST_INVALID(HttpStatus.BAD_REQUEST),
    /** An administrator has suspended the exchange with this partner: its messages are held, not lost; retry later. */
    PARTNER_SUSPENDED(HttpStatus.SERVICE_UNAVAILABLE),
    /**
     * The node has as many bytes of request bodies in flight as it takes at once ({@code passerelle.node.inbound-memory}):
     * nothing was read or stored; send again after {@code Retry-After} seconds.
     */
    NODE_BUSY(HttpStatus.SERVICE_UNAVAILABLE),
    /**
     * The node is starting or stopping (its routes are not running): nothing was read or stored; send again after
     * {@code Retry-After} seconds, or to another node.
     */
    NODE_NOT_READY(HttpStatus.SERVICE_UNAVAILABLE),
    /** Suspending a partner needs a reason (1 to 200 characters), recorded in the audit log. */
    SUSPENSION_REASON_REQUIRED(HttpStatus.BAD_REQUEST),
    /** A user of the embedded store that an administrator creates or changes is incomplete or invalid; details say why. */
    USER_INVALID(HttpStatus.BAD_REQUEST),
    /** An administrator creates a user whose name is already taken. */
    USER_EXISTS(HttpStatus.CONFLICT),
    /** No user of the embedded store has this name. */
    USER_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** An audit search or export with parameters out of range (page size, seq range, seq and time range together). */
    AUDIT_QUERY_INVALID(HttpStatus.BAD_REQUEST),
    /** No sealed audit entry at this seq. */
    AUDIT_ENTRY_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** No signed audit checkpoint at this seq. */
    AUDIT_CHECKPOINT_NOT_FOUND(HttpStatus.NOT_FOUND),
    /**
     * A partner's EquivalenceReconciliation does not answer an equivalence statement this node sent that partner: none
     * for that period (or the header's RefToMessageId names another), one already answered, or an agreement whose
     * counts are not the statement's. Nothing was kept.
     */
    RECONCILIATION_UNMATCHED(HttpStatus.CONFLICT),
    /**
     * The audit entries asked for (an export, a proof, a consistency proof from an earlier checkpoint) were pruned
     * under retention; the details say where the chain now starts.
     */
    AUDIT_ENTRIES_PRUNED(HttpStatus.GONE),
    /**
     * A proof cannot be built because the chain lacks an entry it covers (rows deleted behind the append-only guard);
     * {@code GET /api/v1/audit/verify} says where.
     */
    AUDIT_CHAIN_BROKEN(HttpStatus.CONFLICT),
    /**
     * A partner's AuditCheckpoint does not carry the signature of that partner's gateway key over the checkpoint (or
     * an AuditCheckpoint was submitted by anyone but the node itself): nothing was kept.
     */
    WITNESS_SIGNATURE_INVALID(HttpStatus.BAD_REQUEST),
    /**
     * A partner's AuditCheckpoint contradicts one this node witnessed before: an earlier seq than the latest witnessed
     * (its log was rolled back), another hash or root at a witnessed seq (forked), or no valid consistency proof from the
     * latest witnessed checkpoint (not an extension of it). Nothing was kept; the refusal is audited with both.
     */
    WITNESS_INCONSISTENT(HttpStatus.CONFLICT),
    /** A liaison officer's query, view or search states no purpose from the fixed list (access.Purpose). */
    PURPOSE_REQUIRED(HttpStatus.FORBIDDEN),
    /** A liaison officer's query, view or search names no case reference. */
    CASE_REFERENCE_REQUIRED(HttpStatus.FORBIDDEN),
    /** The caller asked for, or tried to reach, a partner state other than their own (or has none). */
    PARTNER_NOT_ALLOWED(HttpStatus.FORBIDDEN),
    /** A caseworker asked for a case (or its messages) of another team, or belongs to no team. */
    TEAM_NOT_ALLOWED(HttpStatus.FORBIDDEN),
    /** The caller's role may not query or view records at all. */
    RECORDS_NOT_ALLOWED(HttpStatus.FORBIDDEN),
    /** A person has made more biometric searches than their configured rate allows; nothing was sent. */
    SEARCH_RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS),
    /** A person has viewed more single records than {@code passerelle.access.view-limit} allows; nothing was shown. */
    VIEW_RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS),
    /** A liaison officer stated a case reference that names no readmission or admission case with their partner state. */
    CASE_NOT_FOUND_FOR_PURPOSE(HttpStatus.FORBIDDEN),
    /** A liaison officer's stated case is not of the kind their purpose is about (e.g. READMISSION_CASE, an admission). */
    PURPOSE_CASE_MISMATCH(HttpStatus.FORBIDDEN),
    /** A liaison officer's stated case is closed, and their purpose is live casework that needs an open case. */
    CASE_CLOSED_FOR_PURPOSE(HttpStatus.FORBIDDEN),
    /** A liaison officer asked for a message or case outside the case they stated; nothing of it was shown. */
    RECORD_NOT_IN_CASE(HttpStatus.FORBIDDEN),
    /** A records query names an unknown filter value, sort field or page. */
    RECORD_QUERY_INVALID(HttpStatus.BAD_REQUEST),
    /** No message with this id and no case with this reference on this node. */
    RECORD_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** An officer's biometric search is incomplete or malformed (no transaction, an unknown urgency). */
    SEARCH_REQUEST_INVALID(HttpStatus.BAD_REQUEST),
    /** An administrator tried to change their own roles (to add or to give one up); another administrator does it. */
    SELF_ROLE_CHANGE(HttpStatus.FORBIDDEN),
    /** The roles asked for are never held together (ADMIN with AUDITOR, ADMIN with LIAISON_OFFICER); details say which. */
    ROLES_INCOMPATIBLE(HttpStatus.BAD_REQUEST),
    /** Not a refusal: granting ADMIN or AUDITOR waits, as a pending role grant, for a second administrator's approval. */
    APPROVAL_REQUIRED(HttpStatus.ACCEPTED),
    /** The administrator who requested a role grant tried to approve it; a second, different administrator must. */
    APPROVAL_BY_REQUESTER(HttpStatus.FORBIDDEN),
    /** No pending role grant has this id (none ever had, or it was approved or rejected already). */
    GRANT_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** SYSTEM is for back-end systems (API tokens, system certificates): never given to a person nor taken from their token. */
    SYSTEM_ROLE_NOT_FOR_PEOPLE(HttpStatus.BAD_REQUEST),
    /** An API request the endpoint cannot read: a missing or malformed parameter, header or part, or an unreadable body. */
    REQUEST_INVALID(HttpStatus.BAD_REQUEST),
    /**
     * A new case (a readmission request, an admission referral) with a partner that no phase of the agreement in force
     * names at this moment: before the scheme with it began, after it ended, or a partner never agreed.
     */
    NO_AGREEMENT_IN_FORCE(HttpStatus.UNPROCESSABLE_CONTENT),
    /** The partner is winding down (it walked away): no new case either way; open cases complete. */
    PARTNER_WINDING_DOWN(HttpStatus.UNPROCESSABLE_CONTENT),
    /** The admission application window with this partner is closed: no new referral either way. */
    ADMISSIONS_CLOSED(HttpStatus.UNPROCESSABLE_CONTENT),
    /** The person arrived in a way (ferry, air, ...) the phase in force does not cover; details name the modes it does. */
    ARRIVAL_MODE_NOT_IN_SCOPE(HttpStatus.UNPROCESSABLE_CONTENT),
    /**
     * A new case would pass a cap of the phase in force (per partner or across partners, per ISO week or per phase);
     * details name the cap and its count. An authorised person may record an override for the case.
     */
    CAP_REACHED(HttpStatus.UNPROCESSABLE_CONTENT),
    /** A proposed agreement cannot be put in force as it stands; details list every problem. */
    AGREEMENT_INVALID(HttpStatus.BAD_REQUEST),
    /** No pending agreement version has this id (never had, or it was decided already). */
    AGREEMENT_CHANGE_NOT_FOUND(HttpStatus.NOT_FOUND),
    /** The pending version was proposed against a version no longer in force: propose it again against this one. */
    AGREEMENT_CHANGE_STALE(HttpStatus.CONFLICT),
    /** A cap override or a partner standing change without a reason (1 to 200 characters), or naming no known case kind. */
    AGREEMENT_ACTION_INVALID(HttpStatus.BAD_REQUEST),
    /** A message marked as test traffic to or from a partner not agreed for testing ({@code test-traffic}). */
    TEST_TRAFFIC_NOT_ALLOWED(HttpStatus.FORBIDDEN),
    /** A message about a case started as test traffic is live, or the other way round: a case is one or the other. */
    TEST_TRAFFIC_MISMATCH(HttpStatus.UNPROCESSABLE_CONTENT),
    /** A subject access request without its reference, or naming neither case references nor an identity. */
    SUBJECT_ACCESS_INVALID(HttpStatus.BAD_REQUEST),
    /**
     * A business message submitted without the header's {@code Operator} (the person or unit responsible, which the
     * log of disclosures keeps; {@code passerelle.records.operator-required}), or a search whose header names another
     * operator than its {@code OperatorId}.
     */
    OPERATOR_REQUIRED(HttpStatus.UNPROCESSABLE_CONTENT),
    /** A report's period is not a period: {@code from} and {@code to} (exclusive) are days, at most 366 apart. */
    REPORT_PERIOD_INVALID(HttpStatus.BAD_REQUEST),
    /** No API endpoint at this path. */
    NOT_FOUND(HttpStatus.NOT_FOUND),
    /** The API endpoint at this path does not take this HTTP method (the answer's {@code Allow} lists those it takes). */
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
    /** The API endpoint cannot answer in any media type the request's {@code Accept} admits. */
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE);

    private final HttpStatus status;

    GatewayErrorCode(HttpStatus status) {
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }

    @Override
    public int httpStatus() {
        return status.value();
    }
}
