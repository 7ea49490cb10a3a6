package org.passerelle.tests.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.tests.casework.CaseworkMessages;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every operation the GB node describes at {@code /v3/api-docs}, called over HTTP by every kind of caller: a liaison
 * officer of FR stating a purpose and a case, the same officer stating nothing, an officer of another partner state,
 * a caseworker of the case's team and one of another team, an auditor, an administrator, the back-end system and
 * nobody. The expected status and code of each cell are written out below, row by row; each row must agree with the
 * operation's {@code x-roles}; the table and the API description must name the same operations; and every refusal
 * must be in the audit log with its caller and code.
 *
 * <p>Cells run row by row, top to bottom, and in a row from left to right (the order of {@link Column}). A call that
 * changes something lasting either works on a resource of its own made for it (a user, a grant, a case), or on
 * one that does not exist, or is undone by the next row (suspend, then resume).
 */
class EndpointMatrixIT {

    static final String PASSWORD = "a long passphrase for tests";
    static final String AUDIT_READER_TOKEN = "matrix-audit-reader-token";
    static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    static final String FORBIDDEN = "FORBIDDEN";
    static final JsonMapper JSON = JsonMapper.shared();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The callers, in the order their cells run. */
    enum Column {
        OFFICER("matrix-officer-fr", "LIAISON_OFFICER", "FR", null),
        OFFICER_NO_PURPOSE("matrix-officer-fr", "LIAISON_OFFICER", "FR", null),
        OTHER_OFFICER("matrix-officer-de", "LIAISON_OFFICER", "DE", null),
        CASEWORKER("matrix-caseworker-legal", "CASEWORKER", null, "legal-route"),
        OTHER_CASEWORKER("matrix-caseworker-north", "CASEWORKER", null, "returns-north"),
        AUDITOR("matrix-auditor", "AUDITOR", null, null),
        ADMIN("matrix-admin", "ADMIN", null, null),
        SYSTEM("casework-system", "SYSTEM", null, null),
        ANONYMOUS("anonymous", null, null, null);

        final String actor;
        final String role;
        final String partner;
        final String team;

        Column(String actor, String role, String partner, String team) {
            this.actor = actor;
            this.role = role;
            this.partner = partner;
            this.team = team;
        }
    }

    /** What a cell expects (or got): a status, and the problem's code when there is one. */
    record Outcome(int status, String code) {
        @Override
        public String toString() {
            return code == null ? String.valueOf(status) : status + " " + code;
        }
    }

    @TempDir
    static Path dir;
    static IdentityProvider idp;
    static Exchange exchange;
    static Node gb;
    static JsonNode apiDocs;
    static final Map<Column, String> AUTHORIZATION = new EnumMap<>(Column.class);

    // The real resources the rows name.
    static String admissionCase;
    static String referralId;
    static String caseForPresence;
    static String caseToWithdraw;
    static String readmissionCase;
    static long grantToApprove;
    static long grantToReject;
    static final String NEW_USER = "matrix-new-user";

    @BeforeAll
    static void startTheExchangeAndOpenCases() throws Exception {
        idp = IdentityProvider.start();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.putAll(idp.apiSettings("GB:"));
        extra.put("GB:passerelle.casework.teams.admission.FR", "legal-route");
        extra.put("GB:passerelle.api.tokens[2].name", "matrix-audit-reader");
        extra.put("GB:passerelle.api.tokens[2].sha256", Exchange.sha256(AUDIT_READER_TOKEN));
        extra.put("GB:passerelle.api.tokens[2].roles[0]", "AUDITOR");
        // So that an inclusion proof of the first entry can be asked for early on.
        extra.put("GB:passerelle.audit.checkpoint-interval", "1s");
        extra.put("passerelle.admission.enforce-transitions", "true");
        extra.put("passerelle.readmission.enabled", "true");
        extra.put("GB:passerelle.records.subject-access-systems[0]", "casework-system");
        exchange = Exchange.start(dir, extra);
        gb = exchange.gb;
        for (Column c : Column.values()) {
            AUTHORIZATION.put(c, authorization(c));
        }

        // Admission cases FR refers to GB (the legal-route team's): one everyone reads, one whose presence is
        // confirmed, one withdrawn.
        admissionCase = CaseworkMessages.caseReference("FR", "AD");
        caseForPresence = CaseworkMessages.caseReference("FR", "AD");
        caseToWithdraw = CaseworkMessages.caseReference("FR", "AD");
        byte[] referral = CaseworkMessages.referral("FR", "GB", admissionCase);
        referralId = Envelopes.header(referral, "MessageId");
        assertThat(exchange.fr.submit(referral).statusCode()).isEqualTo(202);
        assertThat(exchange.fr.submit(CaseworkMessages.referral("FR", "GB", caseForPresence)).statusCode()).isEqualTo(202);
        assertThat(exchange.fr.submit(CaseworkMessages.referral("FR", "GB", caseToWithdraw)).statusCode()).isEqualTo(202);
        // A readmission case GB opens with FR.
        readmissionCase = "GB-RA-2026-" + String.format("%06d", ThreadLocalRandom.current().nextInt(100_000, 999_999));
        assertThat(gb.submit(CaseworkMessages.readmissionRequest(readmissionCase, UUID.randomUUID().toString(),
                Instant.now().minus(Duration.ofDays(2)))).statusCode()).isEqualTo(202);
        // Two role grants waiting for a second administrator, asked for by the administrators' API token.
        grantToApprove = pendingGrant("matrix-grantee-one");
        grantToReject = pendingGrant("matrix-grantee-two");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String ref : List.of(admissionCase, caseForPresence, caseToWithdraw)) {
                assertThat(gb.get("/api/v1/admissions/cases/" + ref, Node.SYSTEM_TOKEN).body())
                        .contains("EXPRESSION_OF_INTEREST_RECEIVED");
            }
            assertThat(gb.get("/api/v1/cases/readmission/" + readmissionCase, Node.SYSTEM_TOKEN).statusCode())
                    .isEqualTo(200);
            assertThat(JSON.readTree(gb.get("/api/v1/audit/verify", AUDIT_READER_TOKEN).body())
                    .get("lastCheckpoint").isNull()).isFalse();
        });

        HttpResponse<String> docs = gb.get("/v3/api-docs", null);
        assertThat(docs.statusCode()).isEqualTo(200);
        apiDocs = JSON.readTree(docs.body());
    }

    @AfterAll
    static void stop() {
        if (exchange != null) {
            exchange.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    /**
     * The matrix. One row per operation of the API; a cell without a code is a success. Refusals the access rules
     * decide carry their own code; a role the operation does not admit is 403 FORBIDDEN; nobody is 401.
     */
    static List<Row> matrix() {
        String ledgerEntry = "{\"partner\":\"FR\",\"kind\":\"RETURN\",\"caseReference\":\"FR-RA-2026-"
                + String.format("%06d", ThreadLocalRandom.current().nextInt(100_000, 999_999)) + "\",\"date\":\""
                + LocalDate.now(ZoneOffset.UTC) + "\"}";
        String period = "from=" + LocalDate.now(ZoneOffset.UTC).minusDays(7) + "&to=" + LocalDate.now(ZoneOffset.UTC);
        return List.of(
                op("GET /api/v1/me")
                        .officer(200).officerNoPurpose(200).otherOfficer(200).caseworker(200).otherCaseworker(200)
                        .auditor(200).admin(200).system(200).anonymous(401, UNAUTHENTICATED),

                // Records and searches: the access rules speak for each role.
                op("GET /api/v1/records")
                        .officer(200).officerNoPurpose(403, "PURPOSE_REQUIRED")
                        .otherOfficer(403, "CASE_NOT_FOUND_FOR_PURPOSE").caseworker(200).otherCaseworker(200)
                        .auditor(200).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/records/{id}").with(referralId)
                        .officer(200).officerNoPurpose(403, "PURPOSE_REQUIRED")
                        .otherOfficer(403, "CASE_NOT_FOUND_FOR_PURPOSE").caseworker(200)
                        .otherCaseworker(403, "TEAM_NOT_ALLOWED")
                        .auditor(200).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/searches").query("partner=FR").octets(SampleMessages.biometricSample("type-4-14-slaps.an2"))
                        .officer(202).officerNoPurpose(403, "PURPOSE_REQUIRED")
                        .otherOfficer(403, "PARTNER_NOT_ALLOWED").caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(403, FORBIDDEN).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),

                // Messages: the back-end submits, administrators replay and release.
                op("POST /api/v1/messages").xml(() -> Envelopes.sample("CaseStatusUpdate", "GB", "FR"))
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(403, FORBIDDEN).system(202).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/messages/{id}").with(referralId)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/messages/{id}/replay").with(referralId)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(409, "NOT_PARKED").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/messages/{id}/release").with(referralId).query("reason=endpoint matrix")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(409, "NOT_PARKED").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),

                // Partners: operations read them, administrators suspend and resume (this row undoes the one before).
                op("GET /api/v1/partners")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/partners/{party}").with("FR")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/partners/{party}/parked").with("FR")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/partners/{party}/suspend").with("FR").query("reason=endpoint matrix")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/partners/{party}/resume").with("FR")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),

                // The audit log: auditors only.
                op("GET /api/v1/audit/entries")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(403, FORBIDDEN).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/audit/verify")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(403, FORBIDDEN).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/audit/entries/{seq}/proof").with("1")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(403, FORBIDDEN).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                // Without from and to: invalid, but only an auditor learns that.
                op("GET /api/v1/audit/consistency")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(400, "AUDIT_QUERY_INVALID").admin(403, FORBIDDEN).system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/audit/witnessed").query("party=FR")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(403, FORBIDDEN).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/audit/export").query("fromSeq=1&toSeq=1")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(403, FORBIDDEN).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),

                // Users: administrators only, on a user and grants made for the purpose.
                op("GET /api/v1/users")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/users").json("{\"username\":\"" + NEW_USER + "\",\"password\":\"" + PASSWORD
                                + "\",\"roles\":[\"CASEWORKER\"],\"team\":\"legal-route\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(201).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("PUT /api/v1/users/{username}").with(NEW_USER)
                        .json("{\"roles\":[\"CASEWORKER\"],\"team\":\"returns-north\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/users/{username}/unlock").with(NEW_USER)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/users/role-grants")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/users/role-grants/{id}/approve").with(String.valueOf(grantToApprove))
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/users/role-grants/{id}/reject").with(String.valueOf(grantToReject))
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),

                // Readmission cases: the casework system and administrators.
                op("GET /api/v1/cases/readmission")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/cases/readmission/{caseReference}").with(readmissionCase)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                // No such action: invalid, but only those who may act learn that.
                op("POST /api/v1/cases/readmission/{caseReference}/actions").with(readmissionCase)
                        .json("{\"action\":\"NONSENSE\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(400, "CASE_QUERY_INVALID").system(400, "CASE_QUERY_INVALID")
                        .anonymous(401, UNAUTHENTICATED),

                // Admission cases: caseworkers of the case's team, the casework system, administrators to read.
                op("GET /api/v1/admissions/cases")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(200).otherCaseworker(200)
                        .auditor(403, FORBIDDEN).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/admissions/cases/{ref}").with(admissionCase)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(200).otherCaseworker(403, "TEAM_NOT_ALLOWED")
                        .auditor(403, FORBIDDEN).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                // The caseworker confirms presence; the system, after them, finds it already confirmed.
                op("POST /api/v1/admissions/cases/{ref}/presence").with(caseForPresence)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(200).otherCaseworker(403, "TEAM_NOT_ALLOWED")
                        .auditor(403, FORBIDDEN).admin(403, FORBIDDEN).system(409, "ILLEGAL_ADMISSION_TRANSITION")
                        .anonymous(401, UNAUTHENTICATED),
                // Not yet: the case still waits for presence.
                op("POST /api/v1/admissions/cases/{ref}/security-check").with(admissionCase).json("{\"outcome\":\"CLEARED\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(409, "ILLEGAL_ADMISSION_TRANSITION").otherCaseworker(403, "TEAM_NOT_ALLOWED")
                        .auditor(403, FORBIDDEN).admin(403, FORBIDDEN).system(409, "ILLEGAL_ADMISSION_TRANSITION")
                        .anonymous(401, UNAUTHENTICATED),
                // The caseworker withdraws the case; the system, after them, finds it closed.
                op("POST /api/v1/admissions/cases/{ref}/withdrawal").with(caseToWithdraw)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(200).otherCaseworker(403, "TEAM_NOT_ALLOWED")
                        .auditor(403, FORBIDDEN).admin(403, FORBIDDEN).system(409, "ILLEGAL_ADMISSION_TRANSITION")
                        .anonymous(401, UNAUTHENTICATED),
                // A gallery review needs a case held for review: this one's applicant matched nobody.
                op("POST /api/v1/admissions/cases/{ref}/gallery-review").with(admissionCase)
                        .json("{\"decision\":\"REJECTED\",\"note\":\"not the same person\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(409, "GALLERY_REVIEW_INVALID").otherCaseworker(403, "TEAM_NOT_ALLOWED")
                        .auditor(403, FORBIDDEN).admin(403, FORBIDDEN).system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),
                // The biometric gallery: metadata for administrators and auditors; corrections by administrators,
                // tried on an entry that does not exist.
                op("GET /api/v1/gallery/entries")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/gallery/entries/{id}").with("987654321")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(404, "GALLERY_ENTRY_NOT_FOUND").admin(404, "GALLERY_ENTRY_NOT_FOUND")
                        .system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("PATCH /api/v1/gallery/entries/{id}").with("987654321")
                        .json("{\"reason\":\"PREVIOUS_IRREGULAR_ENTRY\",\"note\":\"matrix\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(404, "GALLERY_ENTRY_NOT_FOUND").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/gallery/entries/{id}/erasure").with("987654321").json("{\"note\":\"matrix\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(404, "GALLERY_ENTRY_NOT_FOUND").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),

                // The equivalence ledger.
                op("GET /api/v1/ledger")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                // A week that is no week: invalid, but only those who may send statements learn that.
                op("POST /api/v1/ledger/statements").query("week=last-week")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(400, "CASEWORK_REQUEST_INVALID")
                        .system(400, "CASEWORK_REQUEST_INVALID").anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/ledger/entries").json(ledgerEntry)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(201).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),

                // The agreement: operations read it, administrators change it (nothing lasting changes here: the
                // proposal is invalid, the version and case unknown, the reason missing).
                op("GET /api/v1/agreements")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(200).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/agreements/versions")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/agreements/versions/{id}").with("1")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/agreements/versions")
                        .json("{\"scheme\":{\"phases\":[{\"name\":\"a\",\"from\":\"2027-01-01\",\"until\":\"2026-01-01\"}]}}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(400, "AGREEMENT_INVALID").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/agreements/versions/{id}/approval").with("987654321")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(404, "AGREEMENT_CHANGE_NOT_FOUND").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/agreements/versions/{id}/rejection").with("987654321")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(404, "AGREEMENT_CHANGE_NOT_FOUND").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),
                op("PUT /api/v1/agreements/partners/{party}/standing").with("FR")
                        .json("{\"standing\":\"WINDING_DOWN\",\"admissionsOpen\":true,\"reason\":\"\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(400, "AGREEMENT_ACTION_INVALID").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/agreements/cap-overrides")
                        .json("{\"partner\":\"FR\",\"kind\":\"RETURN\",\"caseReference\":\"GB-RA-2026-123456\",\"reason\":\"\"}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(400, "AGREEMENT_ACTION_INVALID").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED),

                // Reports and the records a query returned: auditors and administrators.
                op("GET /api/v1/reports").query(period)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/reports/csv").query(period)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/reports/signed").query(period)
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(200).admin(200).system(403, FORBIDDEN).anonymous(401, UNAUTHENTICATED),
                op("POST /api/v1/records/subject-access")
                        .json("{\"requestReference\":\"MATRIX-1\",\"caseReferences\":[\"GB-RA-2026-999999\"]}")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(403, FORBIDDEN).admin(403, FORBIDDEN).system(200).anonymous(401, UNAUTHENTICATED),
                op("GET /api/v1/records/query-results/{id}").with("987654321")
                        .officer(403, FORBIDDEN).officerNoPurpose(403, FORBIDDEN).otherOfficer(403, FORBIDDEN)
                        .caseworker(403, FORBIDDEN).otherCaseworker(403, FORBIDDEN)
                        .auditor(404, "RECORD_NOT_FOUND").admin(404, "RECORD_NOT_FOUND").system(403, FORBIDDEN)
                        .anonymous(401, UNAUTHENTICATED));
    }

    @Test
    void everyOperationTheApiDescribesHasARowAndEveryRowAnOperation() {
        Set<String> described = new TreeSet<>(operations().keySet());
        Set<String> inTheMatrix = matrix().stream().map(r -> r.operation).collect(Collectors.toCollection(TreeSet::new));

        assertThat(inTheMatrix).as("rows are unique").hasSize(matrix().size());
        assertThat(described).as("operations of /v3/api-docs without a row in the matrix")
                .isSubsetOf(inTheMatrix);
        assertThat(inTheMatrix).as("rows of the matrix naming no operation of /v3/api-docs")
                .isSubsetOf(described);
    }

    @Test
    void eachRowAgreesWithTheRolesTheApiDescriptionStates() {
        Map<String, List<String>> roles = operations();
        SoftAssertions softly = new SoftAssertions();
        for (Row row : matrix()) {
            List<String> admitted = roles.get(row.operation);
            if (admitted == null) {
                continue; // the test above names it
            }
            softly.assertThat(admitted).as("x-roles of %s", row.operation).isNotEmpty();
            for (Column c : Column.values()) {
                Outcome expected = row.cells.get(c);
                softly.assertThat(expected).as("%s has a cell for %s", row.operation, c).isNotNull();
                if (expected == null) {
                    continue;
                }
                if (c.role == null) {
                    softly.assertThat(expected).as("%s for %s", row.operation, c).isEqualTo(new Outcome(401, UNAUTHENTICATED));
                } else if (admitted.contains(c.role)) {
                    softly.assertThat(expected.code()).as("%s for %s: x-roles %s admits %s", row.operation, c,
                            admitted, c.role).isNotEqualTo(FORBIDDEN);
                } else {
                    softly.assertThat(expected).as("%s for %s: x-roles %s does not admit %s", row.operation, c,
                            admitted, c.role).isEqualTo(new Outcome(403, FORBIDDEN));
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void eachCallerGetsTheAnswerOfItsCellAndEveryRefusalIsAudited() {
        Instant start = Instant.now().minusSeconds(1);
        Map<Column, List<String>> refusals = new EnumMap<>(Column.class);
        SoftAssertions softly = new SoftAssertions();
        for (Row row : matrix()) {
            for (Column c : Column.values()) {
                Outcome expected = row.cells.get(c);
                HttpResponse<String> response = call(row, c);
                Outcome actual = new Outcome(response.statusCode(), code(response));
                softly.assertThat(actual).as("%s for %s (%s)", row.operation, c, response.body()).isEqualTo(expected);
                if (expected != null && expected.status() >= 400) {
                    refusals.computeIfAbsent(c, k -> new ArrayList<>()).add(expected.code());
                }
            }
        }
        softly.assertAll();

        // Each refusal is in the audit log with its caller and code (the two officer columns are one person).
        Map<String, List<String>> expectedByActor = new TreeMap<>();
        refusals.forEach((c, codes) -> expectedByActor.computeIfAbsent(c.actor, k -> new ArrayList<>()).addAll(codes));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            SoftAssertions audited = new SoftAssertions();
            expectedByActor.forEach((actor, codes) -> {
                List<String> found = refusedCodes(actor, start);
                audited.assertThat(sorted(found)).as("refusals of %s: not audited %s, audited but not refused %s",
                        actor, without(codes, found), without(found, codes)).isEqualTo(sorted(codes));
            });
            audited.assertAll();
        });
    }

    // ---- the table's rows --------------------------------------------------------------------------------------

    static Row op(String operation) {
        return new Row(operation);
    }

    /** One operation, how it is called (path variables, query, body) and the cell of each caller. */
    static final class Row {
        final String operation;
        final String method;
        final String template;
        final Map<Column, Outcome> cells = new EnumMap<>(Column.class);
        String[] variables = new String[0];
        String query;
        String contentType;
        Supplier<byte[]> body;

        Row(String operation) {
            this.operation = operation;
            String[] parts = operation.split(" ", 2);
            this.method = parts[0];
            this.template = parts[1];
        }

        /** Values of the path's variables, in order. */
        Row with(String... values) {
            this.variables = values;
            return this;
        }

        Row query(String query) {
            this.query = query;
            return this;
        }

        Row json(String json) {
            return body("application/json", () -> json.getBytes(StandardCharsets.UTF_8));
        }

        Row xml(Supplier<byte[]> xml) {
            return body("application/xml", xml);
        }

        Row octets(byte[] bytes) {
            return body("application/octet-stream", () -> bytes);
        }

        private Row body(String type, Supplier<byte[]> bytes) {
            this.contentType = type;
            this.body = bytes;
            return this;
        }

        Row officer(int status) {
            return cell(Column.OFFICER, status, null);
        }

        Row officer(int status, String code) {
            return cell(Column.OFFICER, status, code);
        }

        Row officerNoPurpose(int status) {
            return cell(Column.OFFICER_NO_PURPOSE, status, null);
        }

        Row officerNoPurpose(int status, String code) {
            return cell(Column.OFFICER_NO_PURPOSE, status, code);
        }

        Row otherOfficer(int status) {
            return cell(Column.OTHER_OFFICER, status, null);
        }

        Row otherOfficer(int status, String code) {
            return cell(Column.OTHER_OFFICER, status, code);
        }

        Row caseworker(int status) {
            return cell(Column.CASEWORKER, status, null);
        }

        Row caseworker(int status, String code) {
            return cell(Column.CASEWORKER, status, code);
        }

        Row otherCaseworker(int status) {
            return cell(Column.OTHER_CASEWORKER, status, null);
        }

        Row otherCaseworker(int status, String code) {
            return cell(Column.OTHER_CASEWORKER, status, code);
        }

        Row auditor(int status) {
            return cell(Column.AUDITOR, status, null);
        }

        Row auditor(int status, String code) {
            return cell(Column.AUDITOR, status, code);
        }

        Row admin(int status) {
            return cell(Column.ADMIN, status, null);
        }

        Row admin(int status, String code) {
            return cell(Column.ADMIN, status, code);
        }

        Row system(int status) {
            return cell(Column.SYSTEM, status, null);
        }

        Row system(int status, String code) {
            return cell(Column.SYSTEM, status, code);
        }

        Row anonymous(int status, String code) {
            return cell(Column.ANONYMOUS, status, code);
        }

        private Row cell(Column column, int status, String code) {
            if (cells.put(column, new Outcome(status, code)) != null) {
                throw new IllegalArgumentException(operation + " has two cells for " + column);
            }
            return this;
        }

        /** The path with its variables filled in, the row's query, and the purpose and case the caller states. */
        String uri(Column caller) {
            Matcher m = Pattern.compile("\\{[^}]+}").matcher(template);
            StringBuilder path = new StringBuilder();
            int i = 0;
            while (m.find()) {
                if (i >= variables.length) {
                    throw new IllegalStateException(operation + ": no value for " + m.group());
                }
                m.appendReplacement(path, Matcher.quoteReplacement(encode(variables[i++])));
            }
            m.appendTail(path);
            List<String> parameters = new ArrayList<>();
            if (query != null) {
                parameters.add(query.replace(" ", "%20"));
            }
            if (caller == Column.OFFICER || caller == Column.OTHER_OFFICER) {
                parameters.add("purpose=ADMISSION_CASE&caseReference=" + admissionCase);
            }
            return parameters.isEmpty() ? path.toString() : path + "?" + String.join("&", parameters);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Every operation of the API description ("METHOD /path/{template}") with its x-roles. */
    static Map<String, List<String>> operations() {
        Map<String, List<String>> operations = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : apiDocs.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                if (!Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(method.getKey())) {
                    continue;
                }
                List<String> roles = new ArrayList<>();
                JsonNode xRoles = method.getValue().get("x-roles");
                if (xRoles != null) {
                    xRoles.forEach(r -> roles.add(r.stringValue()));
                }
                operations.put(method.getKey().toUpperCase() + " " + path.getKey(), roles);
            }
        }
        return operations;
    }

    static HttpResponse<String> call(Row row, Column caller) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gb.api(row.uri(caller)));
        if (AUTHORIZATION.get(caller) != null) {
            request.header("Authorization", AUTHORIZATION.get(caller));
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (row.body != null) {
            request.header("Content-Type", row.contentType);
            body = HttpRequest.BodyPublishers.ofByteArray(row.body.get());
        }
        request.method(row.method, body);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(row.operation + " for " + caller + " failed", e);
        }
    }

    /** The problem's code of an error answer, or null. */
    static String code(HttpResponse<String> response) {
        if (response.statusCode() < 400) {
            return null;
        }
        try {
            JsonNode code = JSON.readTree(response.body()).get("code");
            return code == null ? "(no code)" : code.stringValue();
        } catch (RuntimeException notJson) {
            return "(not a problem: " + response.headers().firstValue("Content-Type").orElse("no content type") + ")";
        }
    }

    /** The codes of the refusals the audit log holds for this actor since {@code from}, read as an auditor. */
    static List<String> refusedCodes(String actor, Instant from) {
        List<String> codes = new ArrayList<>();
        for (int page = 0; ; page++) {
            HttpResponse<String> response = gb.get("/api/v1/audit/entries?outcome=REFUSED&size=500&page=" + page
                    + "&actor=" + encode(actor) + "&from=" + from, AUDIT_READER_TOKEN);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode entries = JSON.readTree(response.body()).get("entries");
            entries.forEach(e -> codes.add(e.get("code").stringValue()));
            if (entries.size() < 500) {
                return codes;
            }
        }
    }

    static String authorization(Column c) {
        if (c == Column.ANONYMOUS) {
            return null;
        }
        if (c == Column.SYSTEM) {
            return "Bearer " + Node.SYSTEM_TOKEN;
        }
        var claims = IdentityProvider.claims(c.actor, Instant.now()).claim("roles", List.of(c.role));
        if (c.partner != null) {
            claims.claim("partner", c.partner);
        }
        if (c.team != null) {
            claims.claim("team", c.team);
        }
        return "Bearer " + idp.sign(claims);
    }

    /** Asks, with the administrators' API token, for AUDITOR for a new user: the grant waits for another administrator. */
    static long pendingGrant(String username) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(gb.api("/api/v1/users"))
                .header("Authorization", "Bearer " + Node.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD
                        + "\",\"roles\":[\"AUDITOR\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return JSON.readTree(created.body()).get("grant").get("id").longValue();
    }

    /** The codes of {@code all} left when each of {@code taken} is taken away once. */
    static List<String> without(List<String> all, List<String> taken) {
        List<String> left = new ArrayList<>(all);
        taken.forEach(left::remove);
        return sorted(left);
    }

    static List<String> sorted(List<String> codes) {
        return codes.stream().sorted().toList();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
