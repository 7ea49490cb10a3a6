package org.passerelle.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.contracts.biometric.v1.EurodacCategory;
import org.passerelle.tests.nap.EnrolmentFacts;
import org.passerelle.tests.nap.FingerprintMatcher;
import org.passerelle.tests.nap.SimulatedAccessPoint;
import org.passerelle.tests.support.Envelopes;
import org.passerelle.tests.support.NodeSettings;

/**
 * The scheme scenario, played on its own GB and FR nodes with casework on: one biometric hit, one full return, one
 * refused request, one full admission and the weekly reconciliation. FR's back-end is a simulated national access
 * point holding one tenprint card; GB's back-end records what it receives. Each step prints one line.
 */
final class SchemeScenario {

    static final EnrolmentFacts LAMPEDUSA = new EnrolmentFacts(
            "IT", EurodacCategory.CATEGORY_2, LocalDate.of(2025, 9, 14), "Lampedusa", "IT20250914003317");
    static final Duration WAIT = Duration.ofSeconds(90);

    private static final java.util.logging.Logger QUIET =
            java.util.logging.Logger.getLogger(SimulatedAccessPoint.class.getName());

    private final Demo.Party gb;
    private final Demo.Party fr;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();
    /** What GB's back-end received, as XML text. */
    private final List<String> gbReceived = new CopyOnWriteArrayList<>();
    private SimulatedAccessPoint nap;
    private HttpServer gbBackend;
    private int failures;
    private String returnCase;

    SchemeScenario(Demo.Party gb, Demo.Party fr, String token) {
        this.gb = gb;
        this.fr = fr;
        this.token = token;
    }

    /** Starts the back-ends (FR's access point enrols the tenprint card): before the nodes. */
    void startBackends() throws IOException {
        // The access point logs each message at INFO: the demo's console shows its own lines only.
        QUIET.setLevel(java.util.logging.Level.WARNING);
        FingerprintMatcher matcher = new FingerprintMatcher();
        int fingers = matcher.enrol("subject-A", SampleMessages.biometricSample("type-4-tpcard.an2"), LAMPEDUSA);
        Demo.say("FR's simulated access point enrolled one tenprint card (%d fingers), on port %d", fingers, fr.backendPort());
        nap = SimulatedAccessPoint.start(fr.backendPort(), matcher,
                SimulatedAccessPoint.Settings.of("FR", URI.create("http://localhost:" + fr.apiPort()), token));
        gbBackend = HttpServer.create(new InetSocketAddress("localhost", gb.backendPort()), 16);
        gbBackend.createContext(NodeSettings.INBOUND_PATH, exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                gbReceived.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(202, -1);
            }
        });
        gbBackend.start();
    }

    void stopBackends() {
        if (nap != null) {
            nap.close();
        }
        if (gbBackend != null) {
            gbBackend.stop(0);
        }
    }

    /** Plays every step; returns how many failed. */
    int play() {
        step("biometric hit", this::biometricHit);
        step("full return", this::fullReturn);
        step("refused request", this::refusedRequest);
        step("full admission", this::fullAdmission);
        step("a returned person applies", this::returnedPersonApplies);
        step("weekly reconciliation", this::reconciliation);
        step("people and the audit log", this::peopleAndTheAuditLog);
        return failures;
    }

    private void step(String name, Step step) {
        Demo.say("");
        Demo.say("Scheme: %s", name);
        try {
            step.run();
        } catch (Exception e) {
            failures++;
            Demo.say("  ✘ %s did not complete: %s", name, e.getMessage());
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void biometricHit() throws Exception {
        byte[] request = Envelopes.sample("BiometricSearchRequest", "GB", "FR");
        String id = Envelopes.header(request, "MessageId");
        accepted(submit(gb, request), id, "BiometricSearchRequest", "GB", "FR");
        Demo.say("  ✔ %s  %-24s GB → FR  accepted; FR's access point searches the slaps against its enrolments", id,
                "BiometricSearchRequest");
        String response = await("the answer at GB's back-end", () -> gbReceived.stream()
                .filter(xml -> xml.contains("<cmn:RefToMessageId>" + id + "</cmn:RefToMessageId>")).findFirst().orElse(null));
        String outcome = SchemeMessages.element(response, "bio:Outcome");
        String line = String.format("  %s %s  %-24s FR → GB  delivered to GB's back-end: %s, score %s, %s registration %s",
                "HIT".equals(outcome) ? "✔" : "✘", SchemeMessages.element(response, "cmn:MessageId"),
                "BiometricSearchResponse", outcome, SchemeMessages.element(response, "bio:Score"),
                SchemeMessages.element(response, "bio:MemberStateOfOrigin"),
                SchemeMessages.element(response, "bio:ReferenceNumber"));
        Demo.say(line);
        if (!"HIT".equals(outcome)) {
            throw new IllegalStateException("expected a HIT, got " + outcome);
        }
    }

    private void fullReturn() throws Exception {
        String ref = SchemeMessages.caseReference("GB", "RA");
        returnCase = ref;
        String conversation = UUID.randomUUID().toString();
        byte[] request = SchemeMessages.readmissionRequest(ref, conversation, Instant.now().minus(3, ChronoUnit.DAYS), null);
        send(gb, request, "ReadmissionRequest", "GB", "FR");
        awaitState("readmission", ref, "ACKNOWLEDGED", gb, fr);
        sayCase("  receipt verified, case " + ref, "readmission", ref);
        send(fr, SchemeMessages.readmissionDecision(ref, conversation, "ACCEPTED"), "ReadmissionDecision", "FR", "GB");
        awaitState("readmission", ref, "ACCEPTED", gb, fr);
        sayCase("  decision ACCEPTED", "readmission", ref);
        send(gb, SchemeMessages.transferStatus(ref, conversation, "SCHEDULED"), "TransferStatus", "GB", "FR");
        awaitState("readmission", ref, "TRANSFER_SCHEDULED", gb, fr);
        sayCase("  transfer scheduled", "readmission", ref);
        send(gb, SchemeMessages.transferStatus(ref, conversation, "COMPLETED"), "TransferStatus", "GB", "FR");
        awaitState("readmission", ref, "TRANSFERRED", gb, fr);
        sayCase("  ✔ transferred", "readmission", ref);
    }

    private void refusedRequest() throws Exception {
        String ref = SchemeMessages.caseReference("GB", "RA");
        byte[] request = SchemeMessages.readmissionRequest(ref, UUID.randomUUID().toString(),
                Instant.now().minus(3, ChronoUnit.DAYS), "UnaccompaniedChild");
        String id = Envelopes.header(request, "MessageId");
        HttpResponse<String> response = submit(gb, request);
        String code = field(response.body(), "code");
        boolean refused = response.statusCode() == 422 && "EXCLUDED_FROM_READMISSION".equals(code)
                && response.body().contains("UNACCOMPANIED_CHILD");
        Demo.say("  %s %s  %-24s GB → FR  refused at GB's intake: %d %s (UNACCOMPANIED_CHILD), nothing sent; case %s: %s",
                refused ? "✔" : "✘", id, "ReadmissionRequest", response.statusCode(), code, ref,
                get(gb, "/api/v1/cases/readmission/" + ref).statusCode() == 404 ? "none" : "exists!");
        if (!refused) {
            throw new IllegalStateException(response.body());
        }
    }

    private void fullAdmission() throws Exception {
        String ref = SchemeMessages.caseReference("FR", "AD");
        send(fr, SchemeMessages.referral(ref), "AdmissionReferral", "FR", "GB");
        awaitState("admission", ref, "EXPRESSION_OF_INTEREST_RECEIVED", gb);
        sayCase("  referral received, case " + ref, "admission", ref);
        HttpResponse<String> presence = post(gb, "/api/v1/admissions/cases/" + ref + "/presence", null);
        ok(presence, "presence");
        Demo.say("  GB confirms presence (biometrics captured): GB %s", field(presence.body(), "state"));
        String searched = awaitGalleryCheck(ref);
        Demo.say("  GB searches the applicant's fingerprints against its gallery of people returned: %s",
                field(searched, "status"));
        send(gb, SchemeMessages.eligible(ref), "EligibilityResult", "GB", "FR");
        awaitState("admission", ref, "ELIGIBILITY_CHECKED", fr);
        sayCase("  eligible", "admission", ref);
        HttpResponse<String> security = post(gb, "/api/v1/admissions/cases/" + ref + "/security-check",
                "{\"outcome\":\"CLEARED\"}");
        ok(security, "security check");
        Demo.say("  GB records the security check CLEARED: GB %s", field(security.body(), "state"));
        send(gb, SchemeMessages.admissionDecision(ref), "AdmissionDecision", "GB", "FR");
        awaitState("admission", ref, "APPROVED", fr);
        sayCase("  approved", "admission", ref);
        send(gb, SchemeMessages.arrival(ref), "ArrivalConfirmation", "GB", "FR");
        awaitState("admission", ref, "ARRIVED", gb, fr);
        sayCase("  ✔ arrived", "admission", ref);
    }

    private void returnedPersonApplies() throws Exception {
        String ref = SchemeMessages.caseReference("FR", "AD");
        send(fr, SchemeMessages.referralOfReturnedPerson(ref), "AdmissionReferral", "FR", "GB");
        String held = awaitGalleryCheck(ref);
        Matcher candidate = Pattern.compile("\"candidates\":\\[\\{\"entryId\":(\\d+),\"score\":([0-9.]+),"
                + "\"caseReference\":\"([^\"]+)\"").matcher(held);
        if (!"HELD_FOR_REVIEW".equals(field(held, "status")) || !candidate.find()) {
            throw new IllegalStateException("expected the case held for review, got " + held);
        }
        Demo.say("  ✔ GB's gallery finds the person returned in case %s (gallery entry %s, score %.0f: their slaps"
                + " against the rolled fingers kept at the return): case %s held for a caseworker's review",
                candidate.group(3), candidate.group(1), Double.parseDouble(candidate.group(2)), ref);
        HttpResponse<String> confirmed = send(HttpRequest.newBuilder(URI.create("http://localhost:" + gb.apiPort()
                        + "/api/v1/admissions/cases/" + ref + "/gallery-review"))
                .header("Authorization", basic(DemoUsers.CASEWORKER)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"CONFIRMED\","
                        + "\"note\":\"demo: same person, comparison checked\"}")).build());
        expect(confirmed, 200, "INELIGIBLE_PRIOR_RETURN");
        ok(post(gb, "/api/v1/admissions/cases/" + ref + "/presence", null), "presence");
        HttpResponse<String> eligible = submit(gb, SchemeMessages.eligible(ref));
        Demo.say("  GB's caseworker confirms the match (INELIGIBLE_PRIOR_RETURN); an ELIGIBLE answer is refused: %d %s",
                eligible.statusCode(), field(eligible.body(), "code"));
        expect(eligible, 409, "ELIGIBILITY_CONTRADICTS_REGISTRY");
        send(gb, SchemeMessages.ineligible(ref), "EligibilityResult", "GB", "FR");
        awaitState("admission", ref, "REFUSED", gb, fr);
        sayCase("  ✔ ineligible (PREVIOUSLY_RETURNED)", "admission", ref);
    }

    /** GB's gallery check of an admission case once the search ran, as JSON. */
    private String awaitGalleryCheck(String ref) throws Exception {
        return await("GB's gallery search of case " + ref, () -> {
            String json = caseJson(gb, "admission", ref);
            int at = json.indexOf("\"galleryCheck\":{");
            return at < 0 || "SEARCHING".equals(field(json.substring(at), "status")) ? null : json.substring(at);
        });
    }

    private void reconciliation() throws Exception {
        // Both ledgers count this week's return and admission before the statements leave.
        String week = thisWeek();
        for (Demo.Party node : List.of(gb, fr)) {
            await(node.code() + "'s ledger counting 1 return and 1 admission this week",
                    () -> thisWeeksCounts(ledger(node), week).equals("1/1") ? "" : null);
        }
        for (Demo.Party[] pair : new Demo.Party[][] {{gb, fr}, {fr, gb}}) {
            HttpResponse<String> sent = post(pair[0], "/api/v1/ledger/statements?partner=" + pair[1].code(), null);
            if (sent.statusCode() != 202) {
                throw new IllegalStateException(pair[0].code() + " statement refused: " + sent.body());
            }
            Demo.say("  %s  %-24s %s → %s  weekly statement for %s sent", field(sent.body(), "messageId") == null ? "-"
                    : field(sent.body(), "messageId"), "EquivalenceStatement", pair[0].code(), pair[1].code(), week);
        }
        for (Demo.Party node : List.of(gb, fr)) {
            String reconciliation = await(node.code() + "'s reconciliation", () -> {
                String r = lastReconciliation(ledger(node));
                return r.contains("\"agreed\":") ? r : null;
            });
            boolean agreed = reconciliation.contains("\"agreed\":true");
            String[] counts = thisWeeksCounts(ledger(node), week).split("/");
            Demo.say("  %s %s reconciles the partner's statement: %s; ledger for %s: returns %s, admissions %s",
                    agreed ? "✔" : "✘", node.code(), agreed ? "AGREED" : "DISCREPANCY", week, counts[0], counts[1]);
            if (!agreed) {
                throw new IllegalStateException(node.code() + ": " + reconciliation);
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private void send(Demo.Party from, byte[] xml, String type, String fromCode, String toCode) throws Exception {
        String id = Envelopes.header(xml, "MessageId");
        accepted(submit(from, xml), id, type, fromCode, toCode);
        String status = await(type + " " + id + " proven delivered", () -> {
            String s = field(get(from, "/api/v1/messages/" + id).body(), "status");
            if ("PARKED".equals(s)) {
                throw new IllegalStateException(type + " " + id + " parked");
            }
            return "RECEIPT_VERIFIED".equals(s) ? s : null;
        });
        Demo.say("  ✔ %s  %-24s %s → %s  %s", id, type, fromCode, toCode, status);
    }

    private static void accepted(HttpResponse<String> response, String id, String type, String from, String to) {
        if (response.statusCode() != 202) {
            throw new IllegalStateException(type + " " + id + " " + from + " → " + to + " refused: " + response.statusCode()
                    + " " + response.body());
        }
    }

    private static void ok(HttpResponse<String> response, String what) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(what + " refused: " + response.statusCode() + " " + response.body());
        }
    }

    private void awaitState(String family, String ref, String state, Demo.Party... nodes) throws Exception {
        for (Demo.Party node : nodes) {
            await(node.code() + "'s case " + ref + " " + state,
                    () -> state.equals(field(caseJson(node, family, ref), "state")) ? state : null);
        }
    }

    private void sayCase(String what, String family, String ref) {
        Demo.say("%s: GB %s, FR %s", what, field(caseJson(gb, family, ref), "state"), field(caseJson(fr, family, ref), "state"));
    }

    private String caseJson(Demo.Party node, String family, String ref) {
        return get(node, ("readmission".equals(family) ? "/api/v1/cases/readmission/" : "/api/v1/admissions/cases/") + ref)
                .body();
    }

    private String ledger(Demo.Party node) {
        return get(node, "/api/v1/ledger").body();
    }

    private static String lastReconciliation(String ledger) {
        int at = ledger.indexOf("\"lastReconciliation\"");
        if (at < 0) {
            return "";
        }
        int end = ledger.indexOf("\"lastStatementSent\"", at);
        return ledger.substring(at, end < 0 ? ledger.length() : end);
    }

    private static String thisWeek() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return String.format("%d-W%02d", today.get(IsoFields.WEEK_BASED_YEAR), today.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    private static String number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** "RETURNS/ADMISSIONS" of this week's entry in the ledger's JSON, "?/?" when it lists no such week. */
    private static String thisWeeksCounts(String ledger, String week) {
        int at = ledger.indexOf("\"week\":\"" + week + "\"");
        if (at < 0) {
            return "?/?";
        }
        String rest = ledger.substring(at);
        return number(rest, "returns") + "/" + number(rest, "admissions");
    }

    private <T> T await(String what, java.util.concurrent.Callable<T> probe) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            T value = probe.call();
            if (value != null) {
                return value;
            }
            Thread.sleep(150);
        }
        throw new IllegalStateException("timed out waiting for " + what);
    }

    private HttpResponse<String> submit(Demo.Party party, byte[] xml) {
        return send(request(party, "/api/v1/messages").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build());
    }

    /**
     * GB's people at work: the liaison officer for FR must state why before seeing the return case, then sees it;
     * the auditor sees the case but not what the messages say, and verifies GB's audit chain.
     */
    private void peopleAndTheAuditLog() throws Exception {
        String officer = basic(DemoUsers.OFFICER);
        HttpResponse<String> bare = as(gb, "/api/v1/records?caseReference=" + returnCase, officer);
        expect(bare, 403, "PURPOSE_REQUIRED");
        Demo.say("  ✔ officer (liaison, FR) asks for case %s without a purpose: 403 PURPOSE_REQUIRED, audited", returnCase);
        // The return case is closed by now (the person was transferred): live casework no longer needs it.
        HttpResponse<String> closed = as(gb, "/api/v1/records?purpose=READMISSION_CASE&caseReference=" + returnCase,
                officer);
        expect(closed, 403, "CASE_CLOSED_FOR_PURPOSE");
        Demo.say("  ✔ officer states READMISSION_CASE for the transferred case: 403 CASE_CLOSED_FOR_PURPOSE, audited");
        HttpResponse<String> stated = as(gb, "/api/v1/records?purpose=PARTNER_LIAISON&caseReference=" + returnCase,
                officer);
        expect(stated, 200, "\"total\"");
        Demo.say("  ✔ officer states PARTNER_LIAISON: %s records of the case, each with its history",
                number(stated.body(), "total"));
        String auditor = basic(DemoUsers.AUDITOR);
        HttpResponse<String> view = as(gb, "/api/v1/records/" + returnCase, auditor);
        expect(view, 200, "\"record\"");
        Demo.say("  ✔ auditor views the case: state and history; the messages' contents are withheld from the role");
        HttpResponse<String> verify = as(gb, "/api/v1/audit/verify", auditor);
        expect(verify, 200, "\"ok\":true");
        Demo.say("  ✔ auditor verifies GB's audit log: %s entries hash-chained, %s signed checkpoints, no break",
                number(verify.body(), "entries"), number(verify.body(), "checkpoints"));
        Matcher fr = Pattern.compile("\\{\"partner\":\"FR\",\"problem\":null,\"checkpoints\":(\\d+),[^}]*\"agreedUpTo\":(\\d+)")
                .matcher(verify.body());
        if (fr.find() && !"0".equals(fr.group(1))) {
            Demo.say("  ✔ FR witnessed %s of GB's checkpoints (sent to it as messages); GB's log agrees with them up to"
                    + " seq %s", fr.group(1), fr.group(2));
        }
    }

    private static String basic(DemoUsers.User user) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user.username() + ":" + user.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpResponse<String> as(Demo.Party party, String path, String authorization) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + party.apiPort() + path))
                .header("Authorization", authorization).GET().build());
    }

    private static void expect(HttpResponse<String> response, int status, String contains) {
        if (response.statusCode() != status || !response.body().contains(contains)) {
            throw new IllegalStateException("expected " + status + " with " + contains + ", got " + response.statusCode()
                    + " " + response.body());
        }
    }

    private HttpResponse<String> get(Demo.Party party, String path) {
        return send(request(party, path).GET().build());
    }

    private HttpResponse<String> post(Demo.Party party, String path, String json) {
        HttpRequest.Builder request = request(party, path);
        request = json == null ? request.POST(HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        return send(request.build());
    }

    private HttpRequest.Builder request(Demo.Party party, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + party.apiPort() + path))
                .header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
