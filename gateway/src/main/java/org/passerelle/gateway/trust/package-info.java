/** Keeps the node's trust current while it runs: CRLs refreshed, revocation and expiry watched, alerts raised. */
package org.passerelle.gateway.trust;
