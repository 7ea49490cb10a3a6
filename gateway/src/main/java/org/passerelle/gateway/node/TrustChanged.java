package org.passerelle.gateway.node;

import java.time.Instant;

/**
 * Published when the node's trust changed while it runs (a newer CRL was taken): whatever was validated before
 * — a partner's certificate, an open TLS connection — must be validated again.
 *
 * @param at when the change was taken
 */
public record TrustChanged(Instant at) {
}
