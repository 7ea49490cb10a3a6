/** The durable message log: message metadata, payloads encrypted at rest, status history, outbox and receipts. */
package org.passerelle.gateway.messagelog;
