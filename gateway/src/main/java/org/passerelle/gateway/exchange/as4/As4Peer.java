package org.passerelle.gateway.exchange.as4;

import com.helger.phase4.crypto.IAS4CryptoFactory;
import com.helger.phase4.model.pmode.PMode;
import java.security.cert.X509Certificate;
import java.util.Map;

/**
 * One AS4 partner as phase4 needs it: its processing mode each way, its registered AS4 certificate (the only one
 * whose signature is taken as the partner's) and a crypto factory that signs with this node's key and trusts only
 * that certificate.
 */
public record As4Peer(String party, Settings settings, X509Certificate certificate, IAS4CryptoFactory crypto,
                      PMode outbound, PMode inbound) {

    /** The partner's P-Mode parameters, from the registry with their defaults applied. */
    public record Settings(String endpoint, String partyId, String partyIdType, String ourPartyId, String service,
                           String serviceType, Map<String, String> actions) {

        /** The ebMS action of a message type. */
        public String action(String messageType) {
            return actions.getOrDefault(messageType, messageType);
        }
    }
}
