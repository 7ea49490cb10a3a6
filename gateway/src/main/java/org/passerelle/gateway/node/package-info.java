/** The node's identity, keys, clock, data folder and the wiring shared by every feature. */
package org.passerelle.gateway.node;
