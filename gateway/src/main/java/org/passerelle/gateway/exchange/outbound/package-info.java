/**
 * Outbound exchange: intake from our back-ends through the {@code intake} route, and delivery to partner nodes
 * through the {@code partner-send} route, a message counting as delivered once the {@code receipts} route verified
 * the partner's signed receipt.
 */
package org.passerelle.gateway.exchange.outbound;
