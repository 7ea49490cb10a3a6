/** The runnable demo: two nodes, simulated back-ends, every message type both ways. */
package org.passerelle.demo;
