package org.passerelle.tests.console;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through Selenium, with the
 * checks every console page must pass: axe-core accessibility, no browser console error (a Content-Security-Policy
 * violation is one), usable with the keyboard alone; and full-page screenshots under {@code target/console-screenshots}.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start()) {
 *     browser.signIn(node.baseUri(), "officer", "password");
 *     browser.open(node.baseUri().resolve("/console/cases"));
 *     browser.screenshot("cases");
 *     browser.assertAccessible("cases");
 *     browser.assertNoConsoleErrors();
 * }
 * }</pre>
 *
 * <p>Set {@code -Dpasserelle.skipBrowser=true} to skip browser tests on a machine without Chromium; without it a
 * missing browser fails the test. {@code -Dpasserelle.chromium=PATH} and {@code -Dpasserelle.chromedriver=PATH} point
 * at other binaries.
 */
public final class Browser implements AutoCloseable {

    /** Where {@link #screenshot(String)} writes, relative to the tests module (failsafe's working directory). */
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    /** The WCAG 2.0, 2.1 and 2.2 levels A and AA, as axe-core tags its rules. */
    public static final List<String> WCAG_AA_TAGS =
            List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa");

    private static final Set<String> BLOCKING_IMPACTS = Set.of("serious", "critical");
    private static final Duration PAGE_WAIT = Duration.ofSeconds(20);
    private static final int MAX_TABS = 200;

    private final ChromeDriver driver;
    private final Path profile;
    private final List<LogEntry> console = new ArrayList<>();

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Starts a fresh headless Chromium with an empty profile. Skips the calling test (a JUnit assumption) only when
     * {@code passerelle.skipBrowser=true}; otherwise fails when Chromium or chromedriver cannot be found or started.
     */
    public static Browser start() {
        Assumptions.assumeFalse(Boolean.getBoolean("passerelle.skipBrowser"),
                "browser tests skipped: -Dpasserelle.skipBrowser=true");
        Path chromium = locate("passerelle.chromium", "Chromium", "/usr/bin/chromium", "/usr/lib/chromium/chromium",
                "/usr/bin/chromium-browser", "chromium", "chromium-browser");
        Path chromedriver = locate("passerelle.chromedriver", "chromedriver", "/usr/bin/chromedriver",
                "/usr/lib/chromium/chromedriver", "chromedriver");
        Path profile = Path.of("target", "chromium-profiles", UUID.randomUUID().toString()).toAbsolutePath();
        try {
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=1280,1024", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--lang=en-GB",
                "--user-data-dir=" + profile);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not start Chromium " + chromium + " through " + chromedriver
                    + " (install Debian's chromium and chromium-driver, as .ci/run does)", e);
        }
    }

    private static Path locate(String property, String what, String... candidates) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(what + " given by -D" + property + " is not an executable: " + path);
            }
            return path;
        }
        for (String candidate : candidates) {
            Optional<Path> found = candidate.contains("/") ? Optional.of(Path.of(candidate)).filter(Files::isExecutable)
                    : onPath(candidate);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new IllegalStateException(what + " not found (looked at " + String.join(", ", candidates)
                + " and -D" + property + "). Install Debian's chromium and chromium-driver (.ci/run does:"
                + " apt-get install chromium chromium-driver), or skip browser tests with -Dpasserelle.skipBrowser=true.");
    }

    private static Optional<Path> onPath(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The underlying driver, for anything these helpers do not cover. */
    public WebDriver driver() {
        return driver;
    }

    // ---- Navigation ---------------------------------------------------------------------------------------------

    /** Loads the page and waits until its document is complete. */
    public Browser open(URI uri) {
        driver.get(uri.toString());
        waitForDocument();
        return this;
    }

    /**
     * Signs in through the console's form at {@code /console/sign-in} (fields {@code username} and {@code password},
     * its submit button) and waits for the page that follows. Check where it landed with {@link #path()}.
     */
    public Browser signIn(URI baseUri, String username, String password) {
        open(baseUri.resolve("/console/sign-in"));
        WebElement user = driver.findElement(By.name("username"));
        WebElement form = user.findElement(By.xpath("ancestor::form"));
        user.clear();
        user.sendKeys(username);
        WebElement secret = form.findElement(By.name("password"));
        secret.clear();
        secret.sendKeys(password);
        form.findElement(By.cssSelector("button[type=submit], button:not([type]), input[type=submit]")).click();
        // Chrome may answer "node does not belong to the document" while the old page goes: that also means stale.
        new WebDriverWait(driver, PAGE_WAIT).ignoring(WebDriverException.class).until(d -> {
            try {
                return ExpectedConditions.stalenessOf(form).apply(d);
            } catch (WebDriverException gone) {
                return true;
            }
        });
        waitForDocument();
        return this;
    }

    /** Signs out with the page's "Sign out" button (a POST form). */
    public Browser signOut() {
        return click("Sign out");
    }

    /**
     * Clicks the link or button whose visible text (or value, for an input button) is {@code text}, ignoring case and
     * surrounding spaces, and waits for any page it loads.
     */
    public Browser click(String text) {
        WebElement target = driver.findElements(By.cssSelector("a, button, input[type=submit], input[type=button]"))
                .stream()
                .filter(element -> matches(element, text))
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no link or button \"" + text + "\" on " + driver.getCurrentUrl()));
        WebElement page = driver.findElement(By.tagName("html"));
        target.click();
        awaitNavigation(page);
        return this;
    }

    /** Clicks the element {@code locator} finds (a link or a submit button) and waits for the page it loads. */
    public Browser follow(By locator) {
        WebElement page = driver.findElement(By.tagName("html"));
        driver.findElement(locator).click();
        awaitNavigation(page);
        return this;
    }

    /**
     * Waits until the page {@code before} was part of has gone (a link or form loaded the next one), for up to a few
     * seconds — a control that does not navigate leaves it in place — and then for the document to be complete.
     */
    private void awaitNavigation(WebElement before) {
        try {
            new WebDriverWait(driver, java.time.Duration.ofSeconds(5)).until(d -> {
                try {
                    return ExpectedConditions.stalenessOf(before).apply(d);
                } catch (WebDriverException gone) {
                    return true;
                }
            });
        } catch (org.openqa.selenium.TimeoutException stayed) {
            // no navigation: an in-page control
        }
        waitForDocument();
    }

    /** The path of the page shown, e.g. {@code /console/cases}. */
    public String path() {
        return URI.create(driver.getCurrentUrl()).getPath();
    }

    /** The page's title. */
    public String title() {
        return driver.getTitle();
    }

    /** The visible text of the page's body. */
    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** The visible text of the page's {@code <h1>}. */
    public String heading() {
        return driver.findElement(By.tagName("h1")).getText();
    }

    private void waitForDocument() {
        new WebDriverWait(driver, PAGE_WAIT).until(
                d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    // ---- Keyboard -----------------------------------------------------------------------------------------------

    /** Presses Tab once, as a keyboard user would. */
    public Browser tab() {
        new Actions(driver).sendKeys(Keys.TAB).perform();
        return this;
    }

    /** Presses Shift+Tab once. */
    public Browser shiftTab() {
        new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        return this;
    }

    /** Presses Enter on the focused element and waits for any page it loads. */
    public Browser pressEnter() {
        WebElement page = driver.findElement(By.tagName("html"));
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        awaitNavigation(page);
        return this;
    }

    /** Presses Space on the focused element (activates buttons, ticks checkboxes) and waits for any page it loads. */
    public Browser pressSpace() {
        new Actions(driver).sendKeys(Keys.SPACE).perform();
        waitForDocument();
        return this;
    }

    /** Types into the focused element. */
    public Browser type(CharSequence text) {
        new Actions(driver).sendKeys(text).perform();
        return this;
    }

    /** The element that has keyboard focus ({@code body} when none has). */
    public WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /**
     * Presses Tab until the focused element's text, value or accessible label is {@code text} (ignoring case and
     * surrounding spaces), and returns it; fails, listing what got focus on the way, if Tab never reaches it.
     */
    public WebElement tabTo(String text) {
        List<String> visited = new ArrayList<>();
        for (int i = 0; i < MAX_TABS; i++) {
            tab();
            WebElement element = focused();
            if (matches(element, text)) {
                return element;
            }
            String seen = describe(element);
            if (!visited.isEmpty() && seen.equals(visited.get(0)) && visited.size() > 1) {
                break; // focus went round the whole page
            }
            visited.add(seen);
        }
        throw new AssertionError("Tab never reached \"" + text + "\" on " + driver.getCurrentUrl()
                + "; focus went to:\n  " + String.join("\n  ", visited));
    }

    /**
     * Proves GOV.UK's skip link works: from the top of the page, the first Tab focuses a visible "Skip to main
     * content" link, Enter moves to its target, and the next focus is inside that target. Reloads nothing: call it
     * right after {@link #open(URI)}.
     */
    public void skipLinkWorks() {
        ((JavascriptExecutor) driver).executeScript(
                "if (document.activeElement) { document.activeElement.blur(); } window.scrollTo(0, 0);");
        tab();
        WebElement link = focused();
        if (!"a".equalsIgnoreCase(link.getTagName()) || !link.getText().trim().toLowerCase(Locale.ROOT).startsWith("skip to")) {
            throw new AssertionError("the first Tab should focus the skip link, but focused " + describe(link));
        }
        if (!link.isDisplayed()) {
            throw new AssertionError("the skip link is focused but not visible: " + describe(link));
        }
        String href = link.getAttribute("href");
        String fragment = href == null ? null : URI.create(href).getFragment();
        if (fragment == null || fragment.isEmpty()) {
            throw new AssertionError("the skip link points at no fragment: " + describe(link));
        }
        List<WebElement> targets = driver.findElements(By.id(fragment));
        if (targets.isEmpty()) {
            throw new AssertionError("the skip link points at #" + fragment + ", which is not on the page");
        }
        WebElement target = targets.get(0);
        pressEnter();
        WebElement now = focused();
        if (now.equals(target)) {
            return; // GOV.UK Frontend's script focuses the main element itself
        }
        tab();
        Boolean inside = (Boolean) ((JavascriptExecutor) driver).executeScript(
                "return arguments[0].contains(document.activeElement);", target);
        if (!Boolean.TRUE.equals(inside)) {
            throw new AssertionError("after the skip link, focus should move into #" + fragment + ", but went to "
                    + describe(focused()));
        }
    }

    private static boolean matches(WebElement element, String text) {
        String wanted = normalise(text);
        return Stream.of(element.getText(), element.getAttribute("value"), element.getAttribute("aria-label"))
                .anyMatch(candidate -> candidate != null && normalise(candidate).equals(wanted));
    }

    private static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static String describe(WebElement element) {
        String text = element.getText();
        if (text == null || text.isBlank()) {
            text = Optional.ofNullable(element.getAttribute("value")).orElse("");
        }
        String id = element.getAttribute("id");
        return "<" + element.getTagName() + (id == null || id.isEmpty() ? "" : " id=\"" + id + "\"") + "> \""
                + text.strip().replaceAll("\\s+", " ") + "\"";
    }

    // ---- Screenshots --------------------------------------------------------------------------------------------

    /**
     * Saves a PNG of the whole page, beyond the window, as {@code target/console-screenshots/NAME.png} and returns
     * its path. Names are kept to letters, digits, dots, dashes and underscores.
     */
    public Path screenshot(String name) {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> content = (Map<String, Object>) metrics.get("cssContentSize");
        double width = ((Number) content.get("width")).doubleValue();
        double height = ((Number) content.get("height")).doubleValue();
        Map<String, Object> clip = new LinkedHashMap<>();
        clip.put("x", 0);
        clip.put("y", 0);
        clip.put("width", Math.ceil(width));
        clip.put("height", Math.ceil(height));
        clip.put("scale", 1);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "fromSurface", true, "clip", clip));
        byte[] png = Base64.getDecoder().decode((String) shot.get("data"));
        Path file = SCREENSHOTS.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png");
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    // ---- Accessibility ------------------------------------------------------------------------------------------

    /**
     * Runs axe-core on the page shown against WCAG 2.0, 2.1 and 2.2 A and AA. Prints every violation; fails, with a
     * readable list, when any is of serious or critical impact. Returns axe's results for further checks.
     */
    public Results assertAccessible(String pageName) {
        Results results = new AxeBuilder().withTags(WCAG_AA_TAGS).analyze(driver);
        if (results.isErrored()) {
            throw new AssertionError("axe-core could not check " + pageName + ": " + results.getErrorMessage());
        }
        List<Rule> violations = results.getViolations() == null ? List.of() : results.getViolations();
        List<Rule> blocking = violations.stream()
                .filter(rule -> BLOCKING_IMPACTS.contains(String.valueOf(rule.getImpact())))
                .toList();
        List<Rule> others = violations.stream().filter(rule -> !blocking.contains(rule)).toList();
        if (!others.isEmpty()) {
            System.out.println("axe-core on " + pageName + " (" + driver.getCurrentUrl()
                    + "), not failing the test:\n" + report(others));
        }
        if (!blocking.isEmpty()) {
            throw new AssertionError("axe-core found " + blocking.size() + " serious or critical accessibility"
                    + " violation(s) on " + pageName + " (" + driver.getCurrentUrl() + "):\n" + report(blocking));
        }
        return results;
    }

    private static String report(List<Rule> rules) {
        StringBuilder out = new StringBuilder();
        for (Rule rule : rules) {
            out.append("  [").append(rule.getImpact()).append("] ").append(rule.getId()).append(": ")
                    .append(rule.getHelp()).append(" (").append(rule.getHelpUrl()).append(")\n");
            for (CheckedNode node : rule.getNodes()) {
                out.append("      at ").append(node.getTarget()).append("  ").append(node.getHtml()).append('\n');
            }
        }
        return out.toString();
    }

    // ---- Console ------------------------------------------------------------------------------------------------

    /**
     * Every message the browser's console has received since the browser started (or since {@link #clearConsole()}),
     * errors and others.
     */
    public List<LogEntry> console() {
        driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
        return List.copyOf(console);
    }

    /** The console's messages of level SEVERE: script errors, failed loads, Content-Security-Policy violations. */
    public List<String> consoleErrors() {
        return console().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /** Fails, listing them, if the browser's console has any SEVERE message (a CSP violation is one). */
    public void assertNoConsoleErrors() {
        List<String> errors = consoleErrors();
        if (!errors.isEmpty()) {
            throw new AssertionError("the browser console has " + errors.size() + " error(s) on "
                    + driver.getCurrentUrl() + ":\n  " + String.join("\n  ", errors));
        }
    }

    /** Forgets the console messages seen so far. */
    public Browser clearConsole() {
        console();
        console.clear();
        return this;
    }

    // ---- Lifecycle ----------------------------------------------------------------------------------------------

    /** Quits the browser and removes its profile folder. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // the profile lives under target/, which mvn clean removes anyway
            }
        }
    }
}
