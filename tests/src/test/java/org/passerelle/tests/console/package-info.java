/**
 * Browser tests of the web console: {@link org.passerelle.tests.console.Browser} drives Debian's headless Chromium
 * through Selenium and checks accessibility (axe-core), the browser console (CSP violations) and keyboard use.
 * These tests run once, in the H2 execution of failsafe.
 */
package org.passerelle.tests.console;
