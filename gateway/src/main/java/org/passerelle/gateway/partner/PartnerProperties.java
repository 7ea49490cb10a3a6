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
            Mail mail) {
    }

    /**
     * A partner's S/MIME mail settings.
     *
     * @param address the partner's mailbox, to which this node mails messages and receipts, and the only sender
     *                whose mail is taken as the partner's
     */
    public record Mail(String address) {
    }
}
