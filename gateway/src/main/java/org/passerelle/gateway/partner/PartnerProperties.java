package org.passerelle.gateway.partner;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The partner registry as configured under {@code passerelle.partners}: one entry per party code.
 *
 * @param partners party code (ISO 3166-1 alpha-2) → that partner's settings
 */
@ConfigurationProperties("passerelle")
public record PartnerProperties(Map<String, Partner> partners) {

    public PartnerProperties {
        partners = partners == null ? Map.of() : Map.copyOf(partners);
    }

    /**
     * One partner node.
     *
     * @param baseUrl       the partner's exchange base URL (its mutual-TLS port), e.g. {@code https://fr.example:9443}
     * @param certificate   PEM file of the partner's gateway certificate, the recipient of what this node encrypts to it
     * @param trustAnchors  PEM files of the root certificates that may certify this partner's signing and TLS keys
     * @param crls          PEM or DER CRL files published by those roots
     * @param send          message types this node may send to the partner ({@code ALL} for every type); none by
     *                      default: a new partner is fail-closed until its types are listed
     * @param receive       message types the partner may send to this node ({@code ALL} for every type); none by
     *                      default
     * @param maxBodySize   the largest body accepted from or sent to this partner
     * @param ratePerMinute how many messages a minute the partner may send to this node
     * @param nextCertificate PEM file of the partner's next gateway certificate, during its key rollover: messages are
     *                      encrypted to both its current and next certificate (whichever validates), so that the
     *                      partner opens them with whichever key it has in use
     * @param ocsp          whether the partner's certificates are checked with OCSP first (CRLs remain the fallback)
     * @param ocspResponder the OCSP responder to ask, instead of the one a certificate names (AIA)
     * @param gatewayFingerprints SHA-256 fingerprints (hex; colons and case ignored) of the partner's gateway
     *                      certificates: when given, only these open the partner port, sign the partner's messages
     *                      and receipts, or are encrypted to; when empty, any certificate of the partner's CA in the
     *                      gateway profile does (never an officer's or a back-end system's)
     * @param testTraffic   whether messages marked as test traffic ({@code testIndicator}) may flow with this partner
     *                      (an integration or acceptance partner); they then count in no ledger, cap, gallery or
     *                      quota. Off by default: a production partner's test-marked message is refused
     *                      ({@code TEST_TRAFFIC_NOT_ALLOWED}), so that nobody passes a cap by calling live traffic a test
     * @param transport     how messages travel to and from the partner: {@code native} (Passerelle's exchange, the
     *                      default), {@code smime-mail} (DubliNet-style S/MIME mail) or {@code as4} (eDelivery AS4)
     * @param mail          the partner's mailbox, for {@code smime-mail}
     * @param as4           the partner's AS4 processing mode, for {@code as4}
     */
    public record Partner(
            URI baseUrl,
            Path certificate,
            List<Path> trustAnchors,
            @DefaultValue List<Path> crls,
            @DefaultValue Set<String> send,
            @DefaultValue Set<String> receive,
            @DefaultValue("16MB") DataSize maxBodySize,
            @DefaultValue("600") int ratePerMinute,
            Path nextCertificate,
            @DefaultValue("false") boolean ocsp,
            URI ocspResponder,
            @DefaultValue List<String> gatewayFingerprints,
            @DefaultValue("false") boolean testTraffic,
            @DefaultValue("native") Transport transport,
            Mail mail,
            As4 as4) {
    }

    /**
     * A partner's S/MIME mail settings.
     *
     * @param address the partner's mailbox, to which this node mails messages and receipts, and the only sender
     *                whose mail is taken as the partner's
     */
    public record Mail(String address) {
    }

    /**
     * A partner's eDelivery AS4 processing mode (P-Mode): who the parties are in ebMS terms, which service and action
     * each message type travels under, where the partner's access point listens and which certificate it signs with
     * and is encrypted to.
     *
     * @param endpoint       the partner's AS4 access point, e.g. {@code https://ap.fr.example/as4}
     * @param partyId        the partner's ebMS party id; its party code by default
     * @param partyIdType    the type of both party ids (ebCore unregistered by default)
     * @param ourPartyId     this node's ebMS party id towards the partner; this node's party code by default
     * @param service        the ebMS service every message travels under
     * @param serviceType    the service's type; none by default
     * @param actions        message type → ebMS action, where the partner wants another action than the type's name
     * @param certificate    PEM file of the partner's AS4 certificate (RSA: the profile signs with RSA-SHA256 and
     *                       encrypts with RSA-OAEP), which signs its user messages and receipts and is encrypted to; the
     *                       partner's gateway {@code certificate} by default
     * @param allowPlainHttp whether the endpoint may be plain http (tests only: the messages stay signed and encrypted,
     *                       but nothing hides who talks to whom)
     */
    public record As4(
            URI endpoint,
            String partyId,
            @DefaultValue("urn:oasis:names:tc:ebcore:partyid-type:unregistered") String partyIdType,
            String ourPartyId,
            @DefaultValue("urn:passerelle:exchange:v1") String service,
            String serviceType,
            @DefaultValue Map<String, String> actions,
            Path certificate,
            @DefaultValue("false") boolean allowPlainHttp) {

        /** The ebMS action for a message type: the configured one, else the type's name. */
        public String action(String messageType) {
            return actions.getOrDefault(messageType, messageType);
        }
    }
}
