/**
 * Drop folders, the Domibus file-system plugin's way: back-ends submit by dropping envelope files into an outbox folder
 * (on this machine's file system or over SFTP), and take inbound envelopes from per-type inbox folders.
 */
package org.passerelle.gateway.connectors.files;
