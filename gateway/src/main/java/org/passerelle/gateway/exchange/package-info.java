/** What inbound and outbound exchange share: header facts, digests, and the mapping of refusals to stable codes. */
package org.passerelle.gateway.exchange;
