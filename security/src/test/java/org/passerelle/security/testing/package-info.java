/**
 * Test fixtures shared through the security module's test-jar: a development PKI generated fresh per JVM,
 * ready-made signers, verifiers and decryptors, and forged certificates and CRLs for forgery tests.
 */
package org.passerelle.security.testing;
