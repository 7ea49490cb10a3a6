/**
 * Test fixtures shared through the security module's test-jar: a development PKI generated fresh per JVM,
 * ready-made signers, verifiers and decryptors, forged certificates and CRLs for forgery tests, a controllable
 * clock, and an OCSP responder and a CRL distribution point served over HTTP on ephemeral localhost ports.
 */
package org.passerelle.security.testing;
