/** How long personal data is kept: the payloads of closed cases are erased after the retention period; the audit log stays. */
package org.passerelle.gateway.retention;
