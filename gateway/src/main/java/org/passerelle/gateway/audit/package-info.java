/**
 * The audit trail: every message event and every refusal, with its stable code and never a payload, sealed into a
 * hash chain with signed checkpoints, and read by auditors (search, verify, export) and by the offline verifier.
 */
package org.passerelle.gateway.audit;
