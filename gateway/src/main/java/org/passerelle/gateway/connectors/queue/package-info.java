/**
 * The message-queue connector: a back-end submits envelopes on a RabbitMQ queue and reads each outcome from a reply
 * queue, and receives inbound messages on a delivery queue per message type. Off unless configured.
 */
package org.passerelle.gateway.connectors.queue;
