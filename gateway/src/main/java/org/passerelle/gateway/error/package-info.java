/** The gateway's catalogue of stable error codes and the one exception type that carries them. */
package org.passerelle.gateway.error;
