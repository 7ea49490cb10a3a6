/**
 * How long personal data is kept: payloads, then the records of closed cases and of messages in no case, then the audit
 * log's start, each erased after its period with an audit entry.
 */
package org.passerelle.gateway.retention;
