/**
 * Envelope encryption of the node's data keys: the AES-256 keys that seal payloads and gallery templates at rest are
 * stored in the database wrapped under the party's key-encryption key (KEK), which lives in a key store or a PKCS#11
 * token shared by every node of the party and never in the database. Any node holding the KEK opens what any other
 * sealed; rotating the KEK re-wraps the data keys in place and never re-encrypts a payload.
 */
package org.passerelle.gateway.keys;
