package org.passerelle.tests.console;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.contracts.SampleMessages;
import org.passerelle.gateway.access.PasswordHash;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.messagelog.MessageStatus;
import org.passerelle.gateway.messagelog.MessageStore;
import org.passerelle.tests.access.IdentityProvider;
import org.passerelle.tests.casework.CaseworkMessages;
import org.passerelle.tests.support.Envelopes;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;

/**
 * The web console in a real browser (headless Chromium): each role signs in on the form and sees its own sections
 * and not the others; pages outside a role show "you do not have access" and are audited; the sign-in works with the
 * keyboard alone; every page passes axe-core with no serious or critical violation and no console error (the strict
 * Content-Security-Policy included), and is saved as a screenshot under {@code target/console-screenshots/}.
 */
class ConsoleIT {

    static final String PASSWORD = "a long passphrase for tests";

    /** A person of GB's console. */
    record Person(String name, String role, String partner, String team) {
    }

    static final Person OFFICER = new Person("officer", "LIAISON_OFFICER", "FR", null);
    static final Person CASEWORKER = new Person("caseworker", "CASEWORKER", null, "casework");
    static final Person AUDITOR = new Person("auditor", "AUDITOR", null, null);
    static final Person ADMIN = new Person("admin", "ADMIN", null, null);
    static final List<Person> PEOPLE = List.of(OFFICER, CASEWORKER, AUDITOR, ADMIN);

    @TempDir
    static Path dir;
    static Exchange exchange;
    static Node gb;
    static URI console;

    static IdentityProvider idp;

    @BeforeAll
    static void startNodes() {
        idp = IdentityProvider.start();
        String hash = PasswordHash.encoder().encode(PASSWORD);
        Map<String, Object> extra = new LinkedHashMap<>();
        for (int i = 0; i < PEOPLE.size(); i++) {
            Person p = PEOPLE.get(i);
            String prefix = "GB:passerelle.access.users[" + i + "].";
            extra.put(prefix + "username", p.name());
            extra.put(prefix + "password-hash", hash);
            extra.put(prefix + "roles[0]", p.role());
            if (p.partner() != null) {
                extra.put(prefix + "partner", p.partner());
            }
            if (p.team() != null) {
                extra.put(prefix + "team", p.team());
            }
        }
        // FR takes every type from GB but Fault, so that a Fault GB sends is refused and parked for the administrator
        List<String> frTakes = List.of("BiometricSearchRequest", "BiometricSearchResponse", "ReadmissionRequest",
                "ReadmissionDecision", "TransferStatus", "AdmissionReferral", "EligibilityResult", "AdmissionDecision",
                "ArrivalConfirmation", "CaseStatusUpdate", "EquivalenceStatement");
        extra.put("FR:passerelle.partners.GB.receive", String.join(",", frTakes));
        // people may also sign in with the organisation's OpenID Connect provider (a stand-in here)
        extra.put("GB:passerelle.access.oidc.issuer", IdentityProvider.ISSUER);
        extra.put("GB:passerelle.access.oidc.audience", "passerelle-gb-api");
        extra.put("GB:passerelle.access.oidc.jwk-set-uri", idp.jwkSetUri());
        extra.put("GB:passerelle.console.oidc.client-id", IdentityProvider.AUDIENCE);
        extra.put("GB:passerelle.console.oidc.client-secret", "console-secret-for-tests");
        extra.put("GB:passerelle.console.oidc.authorization-uri", idp.authorizationUri());
        extra.put("GB:passerelle.console.oidc.token-uri", idp.tokenUri());
        // readmission casework on, with a reply window of seconds so that the case's reply is overdue on its page
        extra.put("passerelle.readmission.enabled", true);
        extra.put("GB:passerelle.scheme.phases[0].partners.FR.clocks.reply-within", "3s");
        exchange = Exchange.start(dir, extra);
        gb = exchange.gb;
        console = URI.create("http://localhost:" + gb.apiPort());

        byte[] fault = Envelopes.sample("Fault", "GB", "FR");
        parkedId = Envelopes.header(fault, "MessageId");
        assertThat(gb.submit(fault).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> gb.bean(MessageStore.class).find(parkedId).orElseThrow()
                .status() == MessageStatus.PARKED);

        caseRef = CaseworkMessages.caseReference("GB", "RA");
        byte[] request = CaseworkMessages.readmissionRequest(caseRef, UUID.randomUUID().toString(),
                Instant.now().minus(2, ChronoUnit.DAYS));
        requestId = Envelopes.header(request, "MessageId");
        assertThat(gb.submit(request).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> gb.get("/api/v1/cases/readmission/" + caseRef,
                Node.SYSTEM_TOKEN).body().contains("\"state\":\"ACKNOWLEDGED\""));
        countSomeWeeks();
    }

    static String caseRef;
    static String requestId;

    /** Returns and admissions counted with FR over the last weeks, for the equivalence page's chart. */
    static void countSomeWeeks() {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        String[][] entries = {{"RETURN", "GB-RA-2026-900001", "21"}, {"RETURN", "GB-RA-2026-900002", "14"},
                {"RETURN", "GB-RA-2026-900003", "7"}, {"RETURN", "GB-RA-2026-900004", "7"},
                {"ADMISSION", "FR-AD-2026-900001", "14"}, {"ADMISSION", "FR-AD-2026-900002", "7"}};
        for (String[] e : entries) {
            HttpResponse<String> added = CaseworkMessages.post(gb, "/api/v1/ledger/entries", Node.ADMIN_TOKEN,
                    "{\"partner\":\"FR\",\"kind\":\"" + e[0] + "\",\"caseReference\":\"" + e[1] + "\",\"date\":\""
                            + today.minusDays(Long.parseLong(e[2])) + "\"}");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        }
    }

    static String parkedId;

    @AfterAll
    static void stopNodes() {
        exchange.close();
        idp.close();
    }

    @Test
    void aPersonSignsInThroughTheirOrganisationsIdentityProvider() {
        idp.offerSignIn("olivia");
        try (Browser browser = Browser.start()) {
            // given the sign-in page, when the person chooses their organisation's account
            browser.open(console.resolve("/console/sign-in"));
            browser.click("Sign in with your organisation's account");

            // then the provider's page shows, for the sign-in the node started (its nonce, its PKCE challenge)
            assertThat(browser.heading()).isEqualTo("Stand-in identity provider");
            assertThat(idp.lastAuthorizationParameter("code_challenge_method")).isEqualTo("S256");
            idp.answerCodeWith(idp.sign(IdentityProvider.claims("olivia", Instant.now())
                    .claim("nonce", idp.lastAuthorizationParameter("nonce"))
                    .claim("roles", List.of("LIAISON_OFFICER")).claim("partner", "FR")));

            // when they go on there, then the node exchanges the code and they are signed in with their partner state
            browser.click("Continue as olivia");
            assertThat(browser.path()).isEqualTo("/console");
            assertThat(browser.text()).contains("Signed in as olivia", "liaison officer, FR");
            browser.screenshot("start-oidc");
            browser.assertNoConsoleErrors();
            assertThat(gb.bean(AuditTrail.class).latest(20)).anySatisfy(e -> {
                assertThat(e.actor()).isEqualTo("olivia");
                assertThat(e.action()).isEqualTo("LOGIN");
                assertThat(e.outcome()).isEqualTo("GRANTED");
            });
        }
    }

    @Test
    void signInIsAccessibleAndWorksWithTheKeyboardAlone() {
        try (Browser browser = Browser.start()) {
            // given a visitor who is not signed in
            browser.open(console.resolve("/console"));

            // then they are on the sign-in page, which passes the accessibility check
            assertThat(browser.path()).isEqualTo("/console/sign-in");
            assertThat(browser.heading()).isEqualTo("Sign in to Passerelle");
            browser.screenshot("sign-in");
            browser.assertAccessible("sign-in");
            browser.assertNoConsoleErrors();
            browser.skipLinkWorks();

            // when they sign in with the keyboard only
            browser.open(console.resolve("/console/sign-in"));
            focus(browser, "username");
            browser.type(AUDITOR.name());
            browser.tab();
            assertThat(browser.focused().getAttribute("id")).isEqualTo("password");
            browser.type(PASSWORD);
            browser.pressEnter();

            // then they are signed in on the start page
            assertThat(browser.path()).isEqualTo("/console");
            assertThat(browser.text()).contains("Signed in as auditor");
        }
    }

    @Test
    void aWrongPasswordShowsAnErrorSummaryAndIsAudited() {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, ADMIN.name(), "not the password");

            assertThat(browser.path()).isEqualTo("/console/sign-in");
            assertThat(browser.text()).contains("There is a problem", "Your user name or password is not right");
            browser.screenshot("sign-in-error");
            browser.assertAccessible("sign-in with an error");
            assertThat(gb.bean(AuditTrail.class).latest(20)).anySatisfy(e -> {
                assertThat(e.actor()).isEqualTo(ADMIN.name());
                assertThat(e.action()).isEqualTo("LOGIN_FAILED");
            });
        }
    }

    @Test
    void eachRoleSeesItsOwnSectionsAndNotTheOthers() {
        Map<Person, List<String>> sees = Map.of(
                OFFICER, List.of("Cases and messages", "Biometric search", "Equivalence"),
                CASEWORKER, List.of("Cases and messages", "Equivalence"),
                AUDITOR, List.of("Cases and messages", "Equivalence", "Reports", "Audit"),
                ADMIN, List.of("Cases and messages", "Equivalence", "Reports", "Operations"));
        List<String> all = List.of("Cases and messages", "Biometric search", "Equivalence", "Reports", "Operations",
                "Audit");
        for (Person p : PEOPLE) {
            try (Browser browser = Browser.start()) {
                browser.signIn(console, p.name(), PASSWORD);

                assertThat(browser.path()).as(p.name()).isEqualTo("/console");
                String menu = browser.driver().findElement(org.openqa.selenium.By.id("navigation")).getText();
                for (String section : all) {
                    if (sees.get(p).contains(section)) {
                        assertThat(menu).as(p.name() + " sees " + section).contains(section);
                    } else {
                        assertThat(menu).as(p.name() + " does not see " + section).doesNotContain(section);
                    }
                }
                browser.screenshot("start-" + p.name());
                browser.assertAccessible("start page of the " + p.role());
                browser.assertNoConsoleErrors();
                if (p == AUDITOR) {
                    // the auditor opens the scheme's reports: a table per section, with the signed download
                    browser.click("Reports");
                    assertThat(browser.heading()).isEqualTo("Reports");
                    assertThat(browser.text()).contains("Completed returns and admissions per partner and ISO week",
                            "Readmission timeliness against each legal clock", "Download as CSV");
                    browser.screenshot("reports");
                    browser.assertAccessible("reports page");
                    browser.assertNoConsoleErrors();
                }
            }
        }
    }

    @Test
    void aPageOutsideTheRoleSaysSoPlainlyAndTheAttemptIsAudited() {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, OFFICER.name(), PASSWORD);

            browser.open(console.resolve("/console/audit"));

            assertThat(browser.heading()).isEqualTo("You do not have access to this page");
            assertThat(browser.text()).contains("FORBIDDEN");
            browser.screenshot("no-access");
            browser.assertAccessible("no access");
            assertThat(gb.bean(AuditTrail.class).latest(20)).anySatisfy(e -> {
                assertThat(e.actor()).isEqualTo(OFFICER.name());
                assertThat(e.action()).isEqualTo("ACCESS_DENIED");
                assertThat(e.resource()).isEqualTo("GET /console/audit");
            });
        }
    }

    @Test
    void signingOutEndsTheSession() {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, CASEWORKER.name(), PASSWORD);

            browser.signOut();

            assertThat(browser.heading()).isEqualTo("You have signed out");
            browser.screenshot("signed-out");
            browser.assertAccessible("signed out");
            browser.open(console.resolve("/console"));
            assertThat(browser.path()).isIn("/console/sign-in", "/console/timed-out");
            assertThat(gb.bean(AuditTrail.class).latest(20)).extracting(AuditEvent::action).contains("LOGOUT");
        }
    }

    @Test
    void anAdministratorReplaysAParkedMessageAfterConfirming() {
        try (Browser browser = Browser.start()) {
            // given the administrator looks at deliveries by partner
            browser.signIn(console, ADMIN.name(), PASSWORD);
            browser.click("Operations");
            assertThat(browser.heading()).isEqualTo("Deliveries by partner");
            assertThat(byId(browser, "parked-FR")).isEqualTo("1");
            assertThat(byId(browser, "circuit-FR")).isNotBlank();
            browser.screenshot("operations");
            browser.assertAccessible("operations");
            browser.assertNoConsoleErrors();

            // when they open FR's parked messages and choose to replay the Fault
            browser.click("Parked messages for FR");
            assertThat(browser.text()).contains(parkedId, "Fault", "PARTNER_REFUSED");
            browser.screenshot("operations-parked");
            browser.assertAccessible("parked messages");
            browser.follow(By.id("replay-" + parkedId));

            // then they are asked to confirm first
            assertThat(browser.heading()).isEqualTo("Are you sure you want to replay message " + parkedId + " to FR?");
            browser.screenshot("operations-replay-confirm");
            browser.assertAccessible("replay confirmation");
            browser.click("Yes, replay it");

            // and the message is back in the queue, the replay audited with who did it
            assertThat(byId(browser, "success-message")).contains(parkedId, "put back in the queue");
            browser.screenshot("operations-replayed");
            browser.assertAccessible("replayed");
            browser.assertNoConsoleErrors();
            assertThat(gb.bean(AuditTrail.class).forMessage(parkedId)).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("MESSAGE_REPLAY");
                assertThat(e.outcome()).isEqualTo("GRANTED");
                assertThat(e.actor()).isEqualTo(ADMIN.name());
            });
            assertThat(gb.bean(MessageStore.class).history(parkedId)).extracting(h -> h.status())
                    .contains(MessageStatus.REPLAYED);
        }
    }

    @Test
    void anAdministratorSuspendsAPartnerOnlyWithAReasonAndResumesIt() {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, ADMIN.name(), PASSWORD);
            browser.click("Operations");
            browser.click("Suspend the exchange with FR");
            assertThat(browser.heading()).isEqualTo("Are you sure you want to suspend the exchange with FR?");
            browser.screenshot("operations-suspend-confirm");
            browser.assertAccessible("suspend confirmation");

            // without a reason: the error is summarised and tied to the field
            browser.click("Yes, suspend FR");
            assertThat(browser.title()).startsWith("Error:");
            assertThat(browser.text()).contains("There is a problem", "Enter why you are suspending the exchange with FR");
            browser.screenshot("operations-suspend-error");
            browser.assertAccessible("suspend confirmation with an error");
            browser.clearConsole(); // the form came back 400, as it should: Chrome logs that status as an error

            // with one: suspended, said so, audited with the reason
            browser.driver().findElement(By.id("reason")).sendKeys("Certificate rollover at FR");
            browser.click("Yes, suspend FR");
            assertThat(browser.text()).contains("The exchange with FR is suspended");
            assertThat(byId(browser, "suspension-FR")).contains("Certificate rollover at FR");
            assertThat(gb.bean(AuditTrail.class).latest(20)).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("PARTNER_SUSPENDED");
                assertThat(e.actor()).isEqualTo(ADMIN.name());
                assertThat(e.detail()).isEqualTo("Certificate rollover at FR");
            });

            // and resumed after confirming
            browser.click("Resume the exchange with FR");
            browser.click("Yes, resume FR");
            assertThat(byId(browser, "suspension-FR")).isEqualTo("Not suspended");
            browser.assertNoConsoleErrors();
        } finally {
            gb.post("/api/v1/partners/FR/resume", Node.ADMIN_TOKEN);
        }
    }

    @Test
    void anAuditorSeesTheChainVerifiedSearchesItAndExportsARange() throws Exception {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, AUDITOR.name(), PASSWORD);
            browser.click("Audit");

            // the chain's verification and last checkpoint
            assertThat(browser.heading()).isNotBlank();
            assertThat(byId(browser, "chain-verdict")).isEqualTo("Verified");
            assertThat(Long.parseLong(byId(browser, "chain-entries").replaceAll("[^0-9]", ""))).isPositive();
            browser.screenshot("audit");
            browser.assertAccessible("audit");
            browser.assertNoConsoleErrors();

            // a search for what this auditor did (signing in and verifying the chain, at least)
            browser.driver().findElement(By.id("actor")).sendKeys(AUDITOR.name());
            browser.follow(By.id("search-audit"));
            assertThat(byId(browser, "result-count")).contains("match");
            assertThat(byId(browser, "audit-entries")).contains("LOGIN", "AUDIT_VERIFY");
            browser.screenshot("audit-search");
            browser.assertAccessible("audit search results");

            // an export of the first entries, fetched with the auditor's session and the form's CSRF token
            browser.click("Audit");
            String csrf = browser.driver().findElement(By.cssSelector("form[action='/console/audit/export'] input[name='_csrf']"))
                    .getAttribute("value");
            String session = browser.driver().manage().getCookieNamed("PASSERELLE_SESSION").getValue();
            HttpResponse<String> export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            console.resolve("/console/audit/export"))
                    .header("Cookie", "PASSERELLE_SESSION=" + session)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf + "&fromSeq=1&toSeq=5")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(export.statusCode()).isEqualTo(200);
            assertThat(export.headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
            assertThat(export.body().lines().count()).isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void theEquivalencePageChartsReturnsAgainstAdmissionsWithTheNumbersInATable() {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, CASEWORKER.name(), PASSWORD);
            browser.click("Equivalence");

            assertThat(browser.heading()).isEqualTo("Returns and admissions");
            WebElement chart = browser.driver().findElement(By.id("chart-FR"));
            assertThat(chart.getAttribute("role")).isEqualTo("img");
            String weeks = browser.driver().findElement(By.id("weeks-FR")).getText();
            int returns = 0;
            int admissions = 0;
            for (String row : weeks.lines().filter(l -> l.matches("^\\d{4}-W\\d{2}.*")).toList()) {
                String[] cells = row.trim().split("\\s+");
                returns += Integer.parseInt(cells[cells.length - 2]);
                admissions += Integer.parseInt(cells[cells.length - 1]);
            }
            assertThat(returns).as(weeks).isEqualTo(4);
            assertThat(admissions).as(weeks).isEqualTo(2);
            assertThat(chart.getText()).contains("W");
            browser.screenshot("equivalence");
            browser.assertAccessible("equivalence");
            browser.assertNoConsoleErrors();
        }
    }

    @Test
    void aLiaisonOfficerSaysWhyThenFollowsTheCaseToItsMessages() {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, OFFICER.name(), PASSWORD);

            // when they open the records, they are asked why and for which case first
            browser.click("Cases and messages");
            assertThat(browser.heading()).isEqualTo("Why and for which case are you looking at records?");
            browser.screenshot("records-context");
            browser.assertAccessible("records working context");
            browser.driver().findElement(By.cssSelector("input[name='purpose'][value='READMISSION_CASE']")).click();
            browser.driver().findElement(By.id("caseReference")).sendKeys(caseRef);
            browser.click("Continue");

            // then they see the case's records, and neither the purpose nor the case is in the address
            assertThat(byId(browser, "context-case")).contains(caseRef);
            assertThat(byId(browser, "results")).contains(caseRef, "ReadmissionRequest");
            assertThat(browser.driver().getCurrentUrl()).doesNotContain("READMISSION_CASE").doesNotContain(caseRef);
            browser.screenshot("records");
            browser.assertAccessible("records");
            browser.assertNoConsoleErrors();

            // when they follow the case: its state, the reply overdue stated plainly, and its timeline
            browser.follow(By.linkText(caseRef));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                browser.driver().navigate().refresh();
                return browser.text().contains("overdue");
            });
            assertThat(browser.heading()).contains(caseRef);
            assertThat(browser.text()).contains("Reply overdue", "ReadmissionRequest");
            browser.screenshot("case");
            browser.assertAccessible("case");
            browser.assertNoConsoleErrors();

            // and on to the request: its status history, receipts and fields
            browser.follow(By.cssSelector("a[href='/console/messages/" + requestId + "']"));
            assertThat(byId(browser, "history")).contains("Sent");
            assertThat(browser.driver().findElements(By.id("payload-fields"))).hasSize(1);
            browser.screenshot("message");
            browser.assertAccessible("message");
            browser.assertNoConsoleErrors();
            assertThat(gb.bean(AuditTrail.class).latest(50)).anySatisfy(e -> {
                assertThat(e.actor()).isEqualTo(OFFICER.name());
                assertThat(e.action()).isEqualTo("RECORD_VIEW");
                assertThat(e.purpose()).isEqualTo("READMISSION_CASE");
                assertThat(e.caseReference()).isEqualTo(caseRef);
            });
        }
    }

    @Test
    void aLiaisonOfficerReachesACaseWithTheKeyboardAlone() {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, OFFICER.name(), PASSWORD);
            browser.open(console.resolve("/console/records/context"));

            // a purpose chosen with the arrow-free way: Tab to its radio, Space to choose it
            for (int i = 0; i < 40 && !"radio".equals(browser.focused().getAttribute("type")); i++) {
                browser.tab();
            }
            assertThat(browser.focused().getAttribute("type")).isEqualTo("radio");
            browser.pressSpace();
            assertThat(browser.focused().isSelected()).isTrue();
            focus(browser, "caseReference");
            browser.type(caseRef);
            browser.tabTo("Continue");
            browser.pressEnter();

            // then the records of the case, and on to the case page by keyboard
            assertThat(byId(browser, "context-case")).contains(caseRef);
            browser.tabTo(caseRef);
            browser.pressEnter();
            assertThat(browser.heading()).contains(caseRef);
        }
    }

    @Test
    void aLiaisonOfficerSubmitsABiometricSearchToTheirPartnerState() throws Exception {
        Path transaction = dir.resolve("slaps.an2");
        Files.write(transaction, SampleMessages.biometricSample("type-4-14-slaps.an2"));
        try (Browser browser = Browser.start()) {
            browser.signIn(console, OFFICER.name(), PASSWORD);
            browser.click("Biometric search");

            assertThat(byId(browser, "search-partner")).contains("FR");
            browser.screenshot("search");
            browser.assertAccessible("biometric search");
            browser.driver().findElement(By.id("transaction")).sendKeys(transaction.toAbsolutePath().toString());
            browser.driver().findElement(By.cssSelector("input[name='purpose'][value='IDENTITY_VERIFICATION']")).click();
            WebElement caseField = browser.driver().findElement(By.id("caseReference"));
            caseField.clear();
            caseField.sendKeys(caseRef); // an officer searches for a real, open case with their partner
            browser.follow(By.id("submit-search"));

            String id = byId(browser, "message-id").strip();
            assertThat(id).matches("[0-9a-f-]{36}");
            browser.screenshot("search-submitted");
            browser.assertAccessible("search submitted");
            await().atMost(Duration.ofSeconds(30)).until(() -> gb.bean(MessageStore.class).find(id).orElseThrow()
                    .status() == MessageStatus.RECEIPT_VERIFIED);
            browser.click("See the status of this search");
            browser.screenshot("search-status");
            browser.assertAccessible("search status");
            browser.assertNoConsoleErrors();
            assertThat(browser.text()).doesNotContain(java.util.Base64.getEncoder().encodeToString(
                    Files.readAllBytes(transaction)).substring(0, 40));
        }
    }

    @Test
    void aCaseworkerFindsTheCasesOfTheirTeam() {
        try (Browser browser = Browser.start()) {
            browser.signIn(console, CASEWORKER.name(), PASSWORD);
            browser.click("Cases and messages");

            assertThat(byId(browser, "results")).contains(caseRef);
            browser.screenshot("records-caseworker");
            browser.assertAccessible("records of a caseworker");
            browser.follow(By.linkText(caseRef));
            assertThat(browser.heading()).contains(caseRef);
            assertThat(browser.text()).contains("casework");
        }
    }

    static String byId(Browser browser, String id) {
        return browser.driver().findElement(By.id(id)).getText();
    }

    /** Tabs from the top of the page until the field with this id has the focus. */
    static void focus(Browser browser, String id) {
        for (int i = 0; i < 30; i++) {
            browser.tab();
            if (id.equals(browser.focused().getAttribute("id"))) {
                return;
            }
        }
        throw new AssertionError("the keyboard never reached #" + id);
    }
}
