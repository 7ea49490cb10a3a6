/**
 * Passerelle's security library: CMS signing and verification of exact bytes, CMS authenticated
 * encryption, X.509 path validation against per-party trust anchors with revocation by OCSP (where configured)
 * and CRLs kept current by a refresher, the binding
 * of a certificate to a party code, and TLS contexts that check the peer's party.
 *
 * <h2>Party binding in certificates</h2>
 * A certificate is bound to exactly one party (ISO 3166 alpha-2 code, upper case) by its
 * SubjectAlternativeName:
 * <ul>
 *   <li>gateway (node) certificates and root CAs: URI {@code urn:passerelle:party:GB};</li>
 *   <li>officer (person) client certificates: URI {@code urn:passerelle:party:GB}, URI
 *       {@code urn:passerelle:officer:<id>}, URI {@code urn:passerelle:role:<role>} (one or more,
 *       for example {@code liaison-officer}, {@code caseworker}, {@code auditor}, {@code administrator})
 *       and an rfc822Name e-mail address; the subject carries {@code C=GB} for humans to read;</li>
 *   <li>system (back-end) client certificates: URI {@code urn:passerelle:system:GB:<name>}.</li>
 * </ul>
 * All party codes found in a certificate (party URI, system URI, subject {@code C}) must agree;
 * a certificate naming no party or two parties is bound to none. See {@link org.passerelle.security.PartyBinding}.
 *
 * <h2>Error codes</h2>
 * Every refusal is a {@link org.passerelle.security.SecurityCheckException} carrying one stable
 * {@link org.passerelle.security.SecurityErrorCode}; Bouncy Castle's exception text is never part of
 * the message (it stays in the cause, for logs).
 *
 * <h2>Providers</h2>
 * Chosen per operation by measurement (see the {@code bench} profile of the tests module): SunEC for
 * ECDSA signing, Bouncy Castle for signature verification, RSA-PSS signing, ECDH key agreement, RSA-OAEP
 * and AES key wrapping; the JDK (SUN) for SHA-256 over message content and (SunJCE) for AES-256-GCM
 * content encryption and decryption. The Bouncy Castle provider is used as an instance and never
 * registered globally.
 */
package org.passerelle.security;
