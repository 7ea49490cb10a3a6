/**
 * The development PKI: a root CA per party with gateway, officer, system, revoked and expired
 * certificates, a CRL and a shared trust store, written as PKCS#12 and PEM; for development and tests only.
 */
package org.passerelle.security.pki;
