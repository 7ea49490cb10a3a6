/** Who may call the node: back-end systems by token or client certificate, administrators, partners on the exchange port. */
package org.passerelle.gateway.access;
