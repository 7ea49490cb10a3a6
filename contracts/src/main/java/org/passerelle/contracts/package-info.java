/**
 * The message contracts: the codec that reads and writes envelopes against the bundled, versioned schemas, and the
 * stable error codes of every refusal.
 */
package org.passerelle.contracts;
