package org.passerelle.gateway.partner;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.springframework.stereotype.Component;

/** The partners this node exchanges with, from configuration; anything else is refused. */
@Component
public class PartnerRegistry {

    private static final Pattern PARTY = Pattern.compile("[A-Z]{2}");
    /** A bare mailbox (local part and domain), nothing a mail header could be made of. */
    private static final Pattern MAILBOX = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+");

    private final Map<String, Partner> partners;

    public PartnerRegistry(PartnerProperties properties) {
        Map<String, Partner> byParty = new TreeMap<>();
        properties.partners().forEach((party, p) -> {
            if (!PARTY.matcher(party).matches()) {
                throw new IllegalStateException("Partner key '" + party + "' is not an ISO 3166-1 alpha-2 party code");
            }
            if (p.transport() == Transport.NATIVE ? p.baseUrl() == null || !"https".equals(p.baseUrl().getScheme())
                    : p.baseUrl() != null && !"https".equals(p.baseUrl().getScheme())) {
                throw new IllegalStateException("Partner " + party + " needs an https base-url");
            }
            String mailAddress = p.mail() == null ? null : p.mail().address();
            if (p.transport() == Transport.SMIME_MAIL && (mailAddress == null || !MAILBOX.matcher(mailAddress).matches())) {
                throw new IllegalStateException("Partner " + party + " travels by smime-mail and needs a mail.address");
            }
            if (p.transport() == Transport.AS4 && (p.as4() == null || p.as4().endpoint() == null
                    || !("https".equals(p.as4().endpoint().getScheme())
                    || p.as4().allowPlainHttp() && "http".equals(p.as4().endpoint().getScheme())))) {
                throw new IllegalStateException("Partner " + party + " travels by as4 and needs an https as4.endpoint");
            }
            byParty.put(party, new Partner(party, p.baseUrl(), p.send(), p.receive(), p.maxBodySize().toBytes(),
                    p.ratePerMinute(), p.testTraffic(), p.transport(),
                    mailAddress == null ? null : mailAddress.toLowerCase(java.util.Locale.ROOT)));
        });
        this.partners = Map.copyOf(byParty);
    }

    public Optional<Partner> find(String party) {
        return Optional.ofNullable(partners.get(party));
    }

    /** The partner, or UNKNOWN_PARTNER. */
    public Partner require(String party) {
        return find(party).orElseThrow(() -> new GatewayException(GatewayErrorCode.UNKNOWN_PARTNER,
                "Party " + safe(party) + " is not a partner of this node"));
    }

    /** The partner, provided it may send this type to us; else UNKNOWN_PARTNER or MESSAGE_TYPE_NOT_ALLOWED. */
    public Partner requireInbound(String party, String messageType) {
        Partner partner = require(party);
        if (!partner.mayReceive(messageType)) {
            throw new GatewayException(GatewayErrorCode.MESSAGE_TYPE_NOT_ALLOWED,
                    "Partner " + party + " may not send " + messageType + " to this node");
        }
        return partner;
    }

    /** The partner, provided we may send it this type; else UNKNOWN_PARTNER or MESSAGE_TYPE_NOT_ALLOWED. */
    public Partner requireOutbound(String party, String messageType) {
        Partner partner = require(party);
        if (!partner.maySend(messageType)) {
            throw new GatewayException(GatewayErrorCode.MESSAGE_TYPE_NOT_ALLOWED,
                    "This node may not send " + messageType + " to partner " + party);
        }
        return partner;
    }

    /** The partner whose registered mailbox this is (case ignored), if any. */
    public Optional<Partner> byMailAddress(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String wanted = address.toLowerCase(java.util.Locale.ROOT);
        return partners.values().stream().filter(p -> wanted.equals(p.mailAddress())).findFirst();
    }

    public Collection<Partner> all() {
        return partners.values();
    }

    private static String safe(String party) {
        return party != null && PARTY.matcher(party).matches() ? party : "(invalid party code)";
    }
}
