/** eDelivery AS4 through phase4: the node's AS4 key, each AS4 partner's processing mode, and phase4's global setup. */
package org.passerelle.gateway.exchange.as4;
