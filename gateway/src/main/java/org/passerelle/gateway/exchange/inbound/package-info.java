/**
 * Inbound exchange: the mutual-TLS partner port handing each admitted request to the {@code partner-inbox} route,
 * signed receipts, and dispatch to our back-ends through the {@code backend-dispatch} route.
 */
package org.passerelle.gateway.exchange.inbound;
