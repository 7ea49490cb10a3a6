/** The partner registry: which parties this node exchanges with, what may flow each way, and the limits. */
package org.passerelle.gateway.partner;
