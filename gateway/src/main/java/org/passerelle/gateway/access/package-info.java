/**
 * Who may call the node and how they prove it: back-end systems by token or client certificate, people by the
 * embedded user store, OpenID Connect tokens or officer certificates, each ending in a {@link org.passerelle.gateway.access.Caller}.
 */
package org.passerelle.gateway.access;
