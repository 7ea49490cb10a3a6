package org.passerelle.gateway.access;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import java.util.function.UnaryOperator;
import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.audit.AuditOutcome;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who may see what, decided in one place and audited there: every query, view and search of a person or system asks
 * these rules for its {@link Scope} (refused with a stable code and an audit entry when it may not go on at all), checks
 * each record it would show against that scope, and records the access it was granted.
 *
 * <p>The rules (issue 5). A caller acts in its most specific role ({@link Caller#auditRole()}).
 * <ul>
 *   <li>A liaison officer sees only exchanges and cases with their own partner state, searches only it, and states a
 *       purpose (from {@link Purpose}) and a case reference with every query, view and search (issue 11): the case
 *       must be a readmission or admission case with their partner state, of the kind the purpose is about and, for
 *       the purposes of live casework, still open; they then see only the records of that case.</li>
 *   <li>A caseworker sees the cases of their team, and the messages of those cases.</li>
 *   <li>An auditor and an administrator see metadata only: never a payload.</li>
 *   <li>A back-end system sees everything of its party, payload included.</li>
 *   <li>Nobody sees biometric bytes through the API: the records views show at most a transaction's digest, size and
 *       record counts.</li>
 * </ul>
 *
 * <p>Separation of duties (issue 11), decided here for every way in: some roles are never held together
 * ({@link #incompatible}), granting some takes a second administrator ({@link #needsSecondApproval}), and nobody
 * changes their own roles ({@link #changesOwnRoles}). {@code UserAdministration} applies them to the users API,
 * the configuration records to configured users and API tokens, the sign-ins to what tokens and certificates claim.
 */
@Component
public class AccessRules {

    /** The shape of a case reference a caller may name: the contract's and any internal one, nothing else. */
    private static final Pattern CASE_REFERENCE = Pattern.compile("[A-Za-z0-9_.:/\\-]{1,40}");

    private final AuditTrail audit;
    private final List<CaseLookup> cases;

    public AccessRules(AuditTrail audit, List<CaseLookup> cases) {
        this.audit = audit;
        this.cases = List.copyOf(cases);
    }

    /** What the rules need to know of a case an officer states: its kind and whether it is still open. */
    public record StatedCase(Kind kind, boolean open) {

        /** The kinds of case the scheme holds. */
        public enum Kind { READMISSION, ADMISSION }
    }

    /** Finds a case of one kind by reference and partner state (each case package answers for its own table). */
    public interface CaseLookup {

        /** The case with this reference and this partner state, or empty when this node holds none. */
        Optional<StatedCase> find(String caseReference, String partner);
    }

    /**
     * What one request may see.
     *
     * @param caller        who asks
     * @param role          the role the caller acts in (recorded as the audit entry's role)
     * @param partner       the only partner state whose records may be shown; null for any
     * @param team          the only team whose cases (and their messages) may be shown; null for any
     * @param payload       whether payload fields may be shown at all (never biometric bytes)
     * @param purpose       the purpose stated, if any
     * @param caseReference the case reference stated, if any
     * @param channel       the way the request came in: {@code CONSOLE} for the console's pages, else {@code API}
     */
    public record Scope(Caller caller, Caller.Role role, String partner, String team, boolean payload,
                        Purpose purpose, String caseReference, AuditChannel channel) {

        /** An audit entry of this request: actor, role, purpose, case reference, and the partner it was limited to. */
        public AuditTrail.Entry entry(AuditAction action, AuditOutcome outcome, String resource) {
            return AuditTrail.Entry.of(caller.name(), channel, action, outcome).role(role.name()).resource(resource)
                    .purpose(purpose == null ? null : purpose.name(), caseReference).partner(partner);
        }
    }

    /**
     * The scope of a records query or view. {@code requestedPartner} is the partner filter the caller asked for (null
     * for none): a liaison officer's is forced to their own partner, and another one is refused.
     */
    public Scope forRecords(Caller caller, AuditAction action, String resource, String purpose, String caseReference,
                            String requestedPartner) {
        Caller.Role role = roleOf(caller, action, resource, purpose, caseReference);
        Purpose stated = purpose(caller, role, action, resource, purpose, caseReference);
        return switch (role) {
            case LIAISON_OFFICER -> {
                String own = ownPartner(caller, action, resource, purpose, caseReference);
                if (requestedPartner != null && !own.equals(requestedPartner.toUpperCase(Locale.ROOT))) {
                    throw refuse(caller, action, resource, purpose, caseReference, GatewayErrorCode.PARTNER_NOT_ALLOWED,
                            "A liaison officer sees only records with their own partner state");
                }
                Scope scope = new Scope(caller, role, own, null, true, stated, caseReference, channel());
                checkStatedCase(scope, action, resource);
                yield scope;
            }
            case CASEWORKER -> {
                if (caller.team() == null || caller.team().isBlank()) {
                    throw refuse(caller, action, resource, purpose, caseReference, GatewayErrorCode.TEAM_NOT_ALLOWED,
                            "A caseworker sees the cases of their team, and belongs to none");
                }
                yield new Scope(caller, role, null, caller.team(), true, stated, caseReference, channel());
            }
            case AUDITOR, ADMIN -> new Scope(caller, role, null, null, false, stated, caseReference, channel());
            case SYSTEM -> new Scope(caller, role, null, null, true, stated, caseReference, channel());
        };
    }

    /**
     * The scope of a biometric search a liaison officer sends to {@code targetPartner}: their own partner state only,
     * with a purpose and a case reference.
     */
    public Scope forSearch(Caller caller, AuditAction action, String resource, String purpose, String caseReference,
                           String targetPartner) {
        Caller.Role role = roleOf(caller, action, resource, purpose, caseReference);
        if (role != Caller.Role.LIAISON_OFFICER) {
            throw refuse(caller, action, resource, purpose, caseReference, GatewayErrorCode.FORBIDDEN,
                    "Only a liaison officer submits biometric searches here");
        }
        Purpose stated = purpose(caller, role, action, resource, purpose, caseReference);
        String own = ownPartner(caller, action, resource, purpose, caseReference);
        if (targetPartner == null || !own.equals(targetPartner.toUpperCase(Locale.ROOT))) {
            throw refuse(caller, action, resource, purpose, caseReference, GatewayErrorCode.PARTNER_NOT_ALLOWED,
                    "A liaison officer searches only their own partner state");
        }
        Scope scope = new Scope(caller, role, own, null, false, stated, caseReference, channel());
        checkStatedCase(scope, action, resource);
        return scope;
    }

    /**
     * Refuses (and audits) a record outside the scope: of another partner state than the scope's, of a case of another
     * team (a record with no team is outside every team), or, for a liaison officer, of another case than the one
     * they stated (a record of no case is outside every case).
     */
    public void checkRecord(Scope scope, AuditAction action, String resource, String recordPartner, String recordTeam,
                            String recordCase) {
        if (scope.partner() != null && !scope.partner().equals(recordPartner)) {
            throw refuse(scope, action, resource, GatewayErrorCode.PARTNER_NOT_ALLOWED,
                    "This record is not with your partner state");
        }
        if (scope.team() != null && !scope.team().equals(recordTeam)) {
            throw refuse(scope, action, resource, GatewayErrorCode.TEAM_NOT_ALLOWED, "This record is not of your team");
        }
        if (scope.role() == Caller.Role.LIAISON_OFFICER && !scope.caseReference().equals(recordCase)) {
            throw refuse(scope, action, resource, GatewayErrorCode.RECORD_NOT_IN_CASE,
                    "This record is not of case " + scope.caseReference());
        }
    }

    /**
     * Refuses (and audits) an officer's stated case that does not bear the purpose: no readmission or admission case
     * of their partner state has that reference, the case is of the other kind than the purpose is about, or it is
     * closed and the purpose is live casework. A reference of a case with another partner state is refused as one
     * that does not exist, so that officers learn nothing of other partners' cases.
     */
    private void checkStatedCase(Scope scope, AuditAction action, String resource) {
        Optional<StatedCase> found = cases.stream()
                .flatMap(lookup -> lookup.find(scope.caseReference(), scope.partner()).stream()).findFirst();
        if (found.isEmpty()) {
            throw refuse(scope, action, resource, GatewayErrorCode.CASE_NOT_FOUND_FOR_PURPOSE,
                    "No readmission or admission case " + scope.caseReference() + " with " + scope.partner());
        }
        StatedCase c = found.get();
        StatedCase.Kind kind = kindOf(scope.purpose());
        if (kind != null && kind != c.kind()) {
            throw refuse(scope, action, resource, GatewayErrorCode.PURPOSE_CASE_MISMATCH,
                    scope.purpose() + " is for a " + kind + " case, and " + scope.caseReference() + " is a "
                            + c.kind() + " case");
        }
        if (!c.open() && needsOpenCase(scope.purpose())) {
            throw refuse(scope, action, resource, GatewayErrorCode.CASE_CLOSED_FOR_PURPOSE,
                    "Case " + scope.caseReference() + " is closed, and " + scope.purpose()
                            + " is for an open case; a closed case is seen for PARTNER_LIAISON or COMPLIANCE_REVIEW");
        }
    }

    /** The kind of case a purpose is about, or null when it may be either. */
    private static StatedCase.Kind kindOf(Purpose purpose) {
        return switch (purpose) {
            case READMISSION_CASE -> StatedCase.Kind.READMISSION;
            case ADMISSION_CASE -> StatedCase.Kind.ADMISSION;
            case IDENTITY_VERIFICATION, PARTNER_LIAISON, COMPLIANCE_REVIEW -> null;
        };
    }

    /**
     * Whether a purpose is live casework, which a closed case no longer needs: preparing a readmission, assessing an
     * admission, verifying an identity. Following up with the partner and reviewing compliance look back, so they may
     * concern a closed case.
     */
    private static boolean needsOpenCase(Purpose purpose) {
        return switch (purpose) {
            case READMISSION_CASE, ADMISSION_CASE, IDENTITY_VERIFICATION -> true;
            case PARTNER_LIAISON, COMPLIANCE_REVIEW -> false;
        };
    }

    /** Records that the access was granted, with whatever else the caller adds to the entry (message, partner). */
    public void granted(Scope scope, AuditAction action, String resource, UnaryOperator<AuditTrail.Entry> more) {
        audit.record(more.apply(scope.entry(action, AuditOutcome.GRANTED, resource)));
    }

    /** Audits a refusal within a scope and returns the exception to throw. */
    public GatewayException refuse(Scope scope, AuditAction action, String resource, GatewayErrorCode code,
                                   String message) {
        audit.refused(scope.entry(action, AuditOutcome.REFUSED, resource).code(code, message));
        return new GatewayException(code, message);
    }

    /** Audits a refusal raised elsewhere (a contract or intake code) within a scope, and returns it to throw. */
    public GatewayException refused(Scope scope, AuditAction action, String resource, GatewayException refusal) {
        audit.refused(scope.entry(action, AuditOutcome.REFUSED, resource).code(refusal.code(), refusal.getMessage()));
        return refusal;
    }

    /** Audits a refusal before any scope was settled and returns the exception to throw. */
    public GatewayException refuse(Caller caller, AuditAction action, String resource, String purpose,
                                   String caseReference, GatewayErrorCode code, String message) {
        String actor = caller == null ? "anonymous" : caller.name();
        String role = caller == null ? null : caller.auditRole();
        audit.refused(AuditTrail.Entry.of(actor, channel(), action, AuditOutcome.REFUSED).role(role).resource(resource)
                .purpose(safePurpose(purpose), caseReference).code(code, message));
        return new GatewayException(code, message);
    }

    /**
     * The channel of the request being decided: the console's pages ({@code /console/…}) are audited as
     * {@code CONSOLE}, everything else as {@code API}.
     */
    private static AuditChannel channel() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes current
                && current.getRequest().getRequestURI().startsWith(current.getRequest().getContextPath() + "/console")
                ? AuditChannel.CONSOLE : AuditChannel.API;
    }

    private Caller.Role roleOf(Caller caller, AuditAction action, String resource, String purpose, String caseReference) {
        String role = caller == null ? null : caller.auditRole();
        if (role == null) {
            throw refuse(caller, action, resource, purpose, caseReference, GatewayErrorCode.RECORDS_NOT_ALLOWED,
                    "No role of the caller may see records");
        }
        return Caller.Role.valueOf(role);
    }

    /** The stated purpose: required, with a case reference, of a liaison officer; recorded when others give one. */
    private Purpose purpose(Caller caller, Caller.Role role, AuditAction action, String resource, String purpose,
                            String caseReference) {
        Purpose stated = parse(purpose);
        if (role == Caller.Role.LIAISON_OFFICER || (purpose != null && !purpose.isBlank())) {
            if (stated == null) {
                throw refuse(caller, action, resource, purpose, caseReference, GatewayErrorCode.PURPOSE_REQUIRED,
                        "State a purpose, one of " + java.util.Arrays.toString(Purpose.values()));
            }
        }
        if (role == Caller.Role.LIAISON_OFFICER && (caseReference == null || caseReference.isBlank())) {
            throw refuse(caller, action, resource, purpose, caseReference, GatewayErrorCode.CASE_REFERENCE_REQUIRED,
                    "State the case reference the query is made for");
        }
        if (caseReference != null && !CASE_REFERENCE.matcher(caseReference).matches()) {
            // Not copied into the audit log: only a reference of the expected shape is recorded.
            throw refuse(caller, action, resource, purpose, null, GatewayErrorCode.CASE_REFERENCE_REQUIRED,
                    "A case reference is 1 to 40 letters, digits, '-', '_', '.', ':' or '/'");
        }
        return stated;
    }

    private String ownPartner(Caller caller, AuditAction action, String resource, String purpose, String caseReference) {
        if (caller.partner() == null || caller.partner().isBlank()) {
            throw refuse(caller, action, resource, purpose, caseReference, GatewayErrorCode.PARTNER_NOT_ALLOWED,
                    "A liaison officer belongs to a partner state, and this one to none");
        }
        return caller.partner().toUpperCase(Locale.ROOT);
    }

    /**
     * Pairs of roles one caller never holds together: an administrator neither audits their own administration
     * (ADMIN, AUDITOR) nor acts as a partner's liaison officer with the power to change who may see what
     * (ADMIN, LIAISON_OFFICER).
     */
    static final List<List<Caller.Role>> INCOMPATIBLE = List.of(
            List.of(Caller.Role.ADMIN, Caller.Role.AUDITOR),
            List.of(Caller.Role.ADMIN, Caller.Role.LIAISON_OFFICER));

    /** Why these roles cannot be held together (naming the first pair found), or null when they can. */
    static String incompatible(Set<Caller.Role> roles) {
        for (List<Caller.Role> pair : INCOMPATIBLE) {
            if (roles.containsAll(pair)) {
                return pair.stream().map(Enum::name).collect(Collectors.joining(" and ")) + " are never held together";
            }
        }
        return null;
    }

    /** Whether granting this role takes a second administrator's approval: the roles that watch or run the node. */
    static boolean needsSecondApproval(Caller.Role role) {
        return role == Caller.Role.ADMIN || role == Caller.Role.AUDITOR;
    }

    /**
     * Whether an administrator's change of {@code username}'s roles from {@code before} to {@code after} is a change
     * of their own roles, which they never make (not even to give one up: another administrator does it).
     */
    static boolean changesOwnRoles(Caller admin, String username, Set<Caller.Role> before, Set<Caller.Role> after) {
        return admin != null && admin.name().equals(username) && !before.equals(after);
    }

    private static Purpose parse(String purpose) {
        if (purpose == null || purpose.isBlank()) {
            return null;
        }
        for (Purpose p : Purpose.values()) {
            if (p.name().equalsIgnoreCase(purpose.trim())) {
                return p;
            }
        }
        return null;
    }

    /** A purpose as recorded: one of the list, or nothing (free text a caller typed is not copied into the log). */
    private static String safePurpose(String purpose) {
        Purpose p = parse(purpose);
        return p == null ? null : p.name();
    }
}
