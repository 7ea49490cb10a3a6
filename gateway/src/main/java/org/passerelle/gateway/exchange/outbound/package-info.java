/** Outbound exchange: intake from our back-end, and delivery to partner nodes with signed receipts. */
package org.passerelle.gateway.exchange.outbound;
