/** Biometric searches a liaison officer makes of their own partner state, built into envelopes and sent through intake. */
package org.passerelle.gateway.exchange.search;
