package org.passerelle.tests.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser-test support works on a tiny local site: a page that passes, a page with serious accessibility faults,
 * a page whose inline script breaks its Content-Security-Policy. Guards the checks the console's tests rely on.
 */
class BrowserSmokeIT {

    /** The kind of policy the console serves: nothing inline, nothing from elsewhere. */
    private static final String STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final String ACCESSIBLE = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Cases - Passerelle</title><link rel="stylesheet" href="/site.css"></head>
            <body>
            <a href="#main-content" class="skip-link">Skip to main content</a>
            <header><a href="/accessible">Passerelle</a></header>
            <main id="main-content">
              <h1>Cases</h1>
              <form action="/next" method="get">
                <label for="reference">Case reference</label>
                <input id="reference" name="reference" type="text">
                <button type="submit">Search</button>
              </form>
              <p><a href="/next">Continue</a></p>
              <div class="tall"></div>
            </main>
            <footer><p>Passerelle</p></footer>
            </body>
            </html>
            """;

    private static final String NEXT = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Next - Passerelle</title></head>
            <body><main><h1>Next page</h1></main></body></html>
            """;

    private static final String INACCESSIBLE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Broken - Passerelle</title></head>
            <body><main>
              <h1>Broken</h1>
              <img src="/pixel.png">
              <form action="/next" method="get"><input type="text" name="reference"><button type="submit">Go</button></form>
            </main></body></html>
            """;

    private static final String INLINE_SCRIPT = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Inline - Passerelle</title></head>
            <body><main><h1>Inline script</h1><script>document.title = 'ran';</script></main></body></html>
            """;

    private static final String CSS = """
            body { font-family: sans-serif; margin: 0; }
            .skip-link { position: absolute; left: -10000px; }
            .skip-link:focus { position: static; display: block; padding: 10px; background: #fd0; color: #0b0c0c; }
            .tall { height: 2500px; }
            """;

    /** A 1x1 transparent PNG. */
    private static final byte[] PIXEL = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    private static final String SESSION_COOKIE = "__Host-SESSION=opaque; Path=/; Secure; HttpOnly; SameSite=Strict";

    private static HttpServer site;
    private static URI base;
    private Browser browser;

    @BeforeAll
    static void startSite() throws IOException {
        site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Map<String, Page> pages = Map.of(
                "/accessible", new Page("text/html", STRICT_CSP, ACCESSIBLE),
                "/next", new Page("text/html", STRICT_CSP, NEXT),
                "/inaccessible", new Page("text/html", STRICT_CSP, INACCESSIBLE),
                "/inline-script", new Page("text/html", "script-src 'self'", INLINE_SCRIPT),
                "/site.css", new Page("text/css", STRICT_CSP, CSS),
                "/pixel.png", new Page("image/png", STRICT_CSP, PIXEL),
                "/signed-in", new Page("text/html", STRICT_CSP, NEXT),
                "/favicon.ico", new Page("image/png", STRICT_CSP, PIXEL));
        site.createContext("/", exchange -> serve(exchange, pages.get(exchange.getRequestURI().getPath())));
        site.start();
        base = URI.create("http://127.0.0.1:" + site.getAddress().getPort());
    }

    @AfterAll
    static void stopSite() {
        site.stop(0);
    }

    @BeforeEach
    void startBrowser() {
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void givenAnAccessiblePageUnderAStrictPolicy_whenChecked_thenAxePassesAndTheConsoleHasNoError() {
        browser.open(base.resolve("/accessible"));

        assertThat(browser.heading()).isEqualTo("Cases");
        browser.assertAccessible("smoke accessible page");
        browser.assertNoConsoleErrors();
    }

    @Test
    void givenAPageWithAnImageWithoutAltAndAnUnlabelledField_whenChecked_thenTheCheckFailsNamingBoth() {
        browser.open(base.resolve("/inaccessible"));

        assertThatThrownBy(() -> browser.assertAccessible("smoke inaccessible page"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("image-alt")
                .hasMessageContaining("label")
                .hasMessageContaining("critical");
    }

    @Test
    void givenAnInlineScriptBarredByTheContentSecurityPolicy_whenLoaded_thenTheViolationIsAConsoleError() {
        browser.open(base.resolve("/inline-script"));

        assertThat(browser.title()).as("the inline script must not have run").isEqualTo("Inline - Passerelle");
        assertThat(browser.consoleErrors()).anySatisfy(error -> assertThat(error).contains("Content Security Policy"));
        assertThatThrownBy(browser::assertNoConsoleErrors)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Content Security Policy");
    }

    @Test
    void givenALongPage_whenScreenshotted_thenAPngOfTheWholePageIsWritten() throws IOException {
        browser.open(base.resolve("/accessible"));

        Path file = browser.screenshot("smoke-accessible");

        assertThat(file).startsWith(Browser.SCREENSHOTS).hasFileName("smoke-accessible.png");
        byte[] png = Files.readAllBytes(file);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertThat(Arrays.copyOf(png, 8)).isEqualTo(signature);
        int width = ByteBuffer.wrap(png, 16, 4).getInt();
        int height = ByteBuffer.wrap(png, 20, 4).getInt();
        assertThat(width).as("the 1280-pixel window, less any scroll bar").isBetween(1200, 1280);
        assertThat(height).as("taller than the 1024-pixel window: the whole page").isGreaterThan(2500);
    }

    @Test
    void givenTheKeyboardOnly_whenSkippingToTheContentAndFollowingALink_thenTheNextPageOpens() {
        browser.open(base.resolve("/accessible"));
        browser.skipLinkWorks();

        browser.open(base.resolve("/accessible"));
        assertThat(browser.tabTo("Continue").getTagName()).isEqualTo("a");
        browser.pressEnter();

        assertThat(browser.path()).isEqualTo("/next");
        assertThat(browser.heading()).isEqualTo("Next page");
    }

    @Test
    void givenASecureHostOnlySessionCookieOverLocalHttp_whenSet_thenChromiumKeepsIt() {
        // The console's session cookie is Secure; a node under test serves plain HTTP on 127.0.0.1, which Chromium
        // treats as a secure context, so signing in there still works.
        browser.open(base.resolve("/signed-in"));
        browser.open(base.resolve("/accessible"));

        assertThat(browser.driver().manage().getCookieNamed("__Host-SESSION"))
                .satisfies(cookie -> {
                    assertThat(cookie.getValue()).isEqualTo("opaque");
                    assertThat(cookie.isSecure()).isTrue();
                    assertThat(cookie.isHttpOnly()).isTrue();
                });
    }

    @Test
    void givenAPageWithoutASkipLink_whenCheckingIt_thenTheCheckFails() {
        browser.open(base.resolve("/next"));

        assertThatThrownBy(browser::skipLinkWorks).isInstanceOf(AssertionError.class)
                .hasMessageContaining("skip link");
    }

    private record Page(String type, String policy, byte[] body) {
        Page(String type, String policy, String body) {
            this(type + "; charset=utf-8", policy, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void serve(HttpExchange exchange, Page page) throws IOException {
        try (exchange; OutputStream out = exchange.getResponseBody()) {
            if (page == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", page.type());
            exchange.getResponseHeaders().set("Content-Security-Policy", page.policy());
            if (exchange.getRequestURI().getPath().equals("/signed-in")) {
                exchange.getResponseHeaders().add("Set-Cookie", SESSION_COOKIE);
            }
            exchange.sendResponseHeaders(200, page.body().length);
            out.write(page.body());
        }
    }
}
