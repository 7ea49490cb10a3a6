/** Inbound exchange: the mutual-TLS partner inbox, signed receipts, and dispatch to our back-end. */
package org.passerelle.gateway.exchange.inbound;
