/** The audit trail: every message event and every refusal, with its stable code and never a payload. */
package org.passerelle.gateway.audit;
