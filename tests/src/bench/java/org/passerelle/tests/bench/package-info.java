/**
 * JMH benchmarks of the security library (CMS sign, verify, encrypt, decrypt and round trips) and of the
 * provider choices behind it (digest, AES-GCM, ECDSA: JDK against Bouncy Castle); built by the {@code bench} profile.
 */
package org.passerelle.tests.bench;
