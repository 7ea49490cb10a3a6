/**
 * The tamper-evident audit chain: the canonical encoding and hash of an entry, signed checkpoints over the chain head,
 * and the streaming verifier that locates the first altered, deleted, inserted or reordered entry.
 */
package org.passerelle.security.audit;
