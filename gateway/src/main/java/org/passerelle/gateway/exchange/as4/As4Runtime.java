package org.passerelle.gateway.exchange.as4;

import com.helger.base.state.EContinue;
import com.helger.base.state.ETriState;
import com.helger.phase4.CAS4;
import com.helger.phase4.crypto.AS4CryptoFactoryInMemoryKeyStore;
import com.helger.phase4.crypto.ECryptoAlgorithmCrypt;
import com.helger.phase4.crypto.ECryptoAlgorithmSign;
import com.helger.phase4.crypto.ECryptoAlgorithmSignDigest;
import com.helger.phase4.crypto.IAS4CryptoFactory;
import com.helger.phase4.duplicate.AS4DuplicateManagerInMemory;
import com.helger.phase4.duplicate.IAS4DuplicateManager;
import com.helger.phase4.incoming.AS4ServerInitializer;
import com.helger.phase4.mgr.AS4ManagerFactoryInMemory;
import com.helger.phase4.mgr.MetaAS4Manager;
import com.helger.phase4.model.EMEP;
import com.helger.phase4.model.EMEPBinding;
import com.helger.phase4.model.pmode.PMode;
import com.helger.phase4.model.pmode.IPModeIDProvider;
import com.helger.phase4.model.pmode.PModeParty;
import com.helger.phase4.model.pmode.PModeReceptionAwareness;
import com.helger.phase4.model.pmode.leg.EPModeSendReceiptReplyPattern;
import com.helger.phase4.model.pmode.leg.PModeLeg;
import com.helger.phase4.model.pmode.leg.PModeLegBusinessInformation;
import com.helger.phase4.model.pmode.leg.PModeLegErrorHandling;
import com.helger.phase4.model.pmode.leg.PModeLegProtocol;
import com.helger.phase4.model.pmode.leg.PModeLegSecurity;
import com.helger.phase4.model.pmode.resolve.IAS4PModeResolver;
import com.helger.phase4.profile.AS4Profile;
import com.helger.phase4.profile.IAS4ProfileValidator;
import com.helger.phase4.wss.EWSSVersion;
import com.helger.servlet.mock.MockServletContext;
import com.helger.web.scope.mgr.WebScopeManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.passerelle.gateway.node.Certificates;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.partner.PartnerProperties;
import org.passerelle.gateway.partner.PartnerRegistry;
import org.passerelle.gateway.partner.Transport;
import org.passerelle.security.KeyMaterial;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * What both directions of AS4 share: phase4's process-wide setup (done once, whichever node of the JVM comes first,
 * and never torn down, since another node may still use it), this node's AS4 key as phase4's in-memory keystore, and
 * each AS4 partner's processing mode built from the partner registry. Nothing of phase4's is written to disk: its
 * managers (P-Modes, duplicate detection) are the in-memory ones and no P-Mode is registered globally, each node
 * resolving its own.
 */
@Component
@EnableConfigurationProperties(As4Properties.class)
public class As4Runtime {

    /** The eDelivery AS4 agreement phase4's CEF profile uses; both sides of a P-Mode name the same. */
    static final String AGREEMENT = "urn:as4:agreement";
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();
    private static final String OUR_ALIAS = "node";
    private static final String PMODE_PREFIX = "passerelle-";
    /** The phase4 profile of Passerelle's P-Modes: eDelivery AS4, validated by phase4's P-Mode checks only. */
    public static final String PROFILE = "passerelle-edelivery-as4";
    private static boolean phase4Started;

    private final String ourParty;
    private final KeyMaterial key;
    private final Map<String, As4Peer> peers = new LinkedHashMap<>();
    private final IAS4CryptoFactory inboundCrypto;

    /** Built after the registry, which has refused an {@code as4} partner without a usable endpoint already. */
    As4Runtime(NodeProperties node, As4Properties properties, PartnerProperties partners, PartnerRegistry registry) {
        this.ourParty = node.party();
        boolean anyAs4 = partners.partners().values().stream().anyMatch(p -> p.transport() == Transport.AS4);
        this.key = !anyAs4 ? null : KeyMaterial.load(properties.keystore() != null ? properties.keystore() : node.keystore(),
                (properties.keystorePassword() != null ? properties.keystorePassword() : node.keystorePassword()).toCharArray());
        if (key != null && !"RSA".equals(key.privateKey().getAlgorithm())) {
            throw new IllegalStateException("AS4 needs an RSA key (passerelle.as4.keystore): the eDelivery AS4 profile "
                    + "signs with RSA-SHA256 and encrypts to RSA-OAEP");
        }
        if (anyAs4) {
            startPhase4();
        }
        partners.partners().forEach((party, p) -> {
            if (p.transport() == Transport.AS4) {
                peers.put(party, peer(party, p));
            }
        });
        if (peers.values().stream().map(p -> p.settings().partyId()).distinct().count() != peers.size()) {
            throw new IllegalStateException("Two AS4 partners have the same as4.party-id");
        }
        this.inboundCrypto = key == null ? null : cryptoFactory(peers.values().stream().map(As4Peer::certificate).toList());
    }

    /** The AS4 partner of this party code, if the partner travels by AS4. */
    public Optional<As4Peer> peer(String party) {
        return Optional.ofNullable(peers.get(party));
    }

    /** The AS4 partner whose ebMS party id this is. */
    public Optional<As4Peer> peerByPartyId(String partyId) {
        return peers.values().stream().filter(p -> p.settings().partyId().equals(partyId)).findFirst();
    }

    /** Signs with this node's AS4 key; trusts exactly the AS4 certificates of every AS4 partner. */
    public IAS4CryptoFactory inboundCrypto() {
        return inboundCrypto;
    }

    /** Whether any partner travels by AS4 (else the endpoint stays closed). */
    public boolean enabled() {
        return !peers.isEmpty();
    }

    /**
     * Finds the inbound P-Mode of the AS4 partner that initiates the message, provided it addresses this node under
     * the partner's service; none otherwise (phase4 then answers with an ebMS error).
     */
    public IAS4PModeResolver pmodeResolver() {
        return (pmodeId, service, action, initiator, responder, agreement, address) -> peerByPartyId(initiator)
                .filter(p -> p.settings().ourPartyId().equals(responder) && p.settings().service().equals(service))
                .map(As4Peer::inbound).orElse(null);
    }

    private As4Peer peer(String party, PartnerProperties.Partner p) {
        PartnerProperties.As4 a = p.as4();
        X509Certificate certificate = Certificates.readOne(a.certificate() != null ? a.certificate() : p.certificate());
        if (!"RSA".equals(certificate.getPublicKey().getAlgorithm())) {
            throw new IllegalStateException("Partner " + party + " needs an RSA as4.certificate (eDelivery AS4 profile)");
        }
        As4Peer.Settings settings = new As4Peer.Settings(a.endpoint().toString(),
                a.partyId() != null ? a.partyId() : party, a.partyIdType(),
                a.ourPartyId() != null ? a.ourPartyId() : ourParty, a.service(), a.serviceType(), a.actions());
        PMode outbound = pmode(settings.ourPartyId(), settings.partyId(), settings, settings.endpoint());
        PMode inbound = pmode(settings.partyId(), settings.ourPartyId(), settings, null);
        return new As4Peer(party, settings, certificate, cryptoFactory(List.of(certificate)), outbound, inbound);
    }

    /**
     * One leg of the eDelivery AS4 profile: one-way push, WS-Security 1.1.1 signed with RSA-SHA256 over SHA-256 and
     * encrypted with AES-128-GCM, a signed receipt with non-repudiation information on the response, and duplicate
     * detection.
     */
    private static PMode pmode(String initiator, String responder, As4Peer.Settings settings, String address) {
        PModeLegSecurity security = new PModeLegSecurity();
        security.setWSSVersion(EWSSVersion.WSS_111);
        security.setX509SignatureAlgorithm(ECryptoAlgorithmSign.RSA_SHA_256);
        security.setX509SignatureHashFunction(ECryptoAlgorithmSignDigest.DIGEST_SHA_256);
        security.setX509EncryptionAlgorithm(ECryptoAlgorithmCrypt.AES_128_GCM);
        security.setX509EncryptionMinimumStrength(128);
        security.setPModeAuthorize(false);
        security.setSendReceipt(true);
        security.setSendReceiptNonRepudiation(true);
        security.setSendReceiptReplyPattern(EPModeSendReceiptReplyPattern.RESPONSE);
        PModeLeg leg = new PModeLeg(PModeLegProtocol.createForDefaultSoapVersion(address),
                PModeLegBusinessInformation.create(settings.service(), CAS4.DEFAULT_ACTION_URL, null, CAS4.DEFAULT_MPC_ID),
                new PModeLegErrorHandling(null, null, ETriState.TRUE, ETriState.TRUE, ETriState.TRUE, ETriState.TRUE),
                null, security);
        PModeReceptionAwareness awareness = new PModeReceptionAwareness(ETriState.TRUE, ETriState.FALSE, 0, 0,
                ETriState.TRUE);
        return new PMode(PMODE_PREFIX + initiator + "-" + responder,
                new PModeParty(settings.partyIdType(), initiator, CAS4.DEFAULT_INITIATOR_URL, null, null),
                new PModeParty(settings.partyIdType(), responder, CAS4.DEFAULT_RESPONDER_URL, null, null),
                AGREEMENT, EMEP.ONE_WAY, EMEPBinding.PUSH, leg, null, null, awareness);
    }

    /** This node's AS4 key and the given certificates as trusted ones, in a keystore that lives in memory only. */
    private IAS4CryptoFactory cryptoFactory(Collection<X509Certificate> trusted) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(OUR_ALIAS, key.privateKey(), IN_MEMORY_PASSWORD,
                    key.chain().toArray(X509Certificate[]::new));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (X509Certificate certificate : trusted) {
                trust.setCertificateEntry("partner-" + i++, certificate);
            }
            return new AS4CryptoFactoryInMemoryKeyStore(keys, OUR_ALIAS, IN_MEMORY_PASSWORD, trust);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot build the AS4 keystore in memory", e);
        }
    }

    /**
     * phase4 keeps its managers in a process-wide scope: begun once for the JVM, with the job that forgets old
     * message ids of the duplicate detection.
     */
    private static synchronized void startPhase4() {
        if (phase4Started) {
            return;
        }
        MetaAS4Manager.setFactory(new Managers());
        if (!WebScopeManager.isGlobalScopePresent()) {
            WebScopeManager.onGlobalBegin(MockServletContext.create());
        }
        AS4ServerInitializer.initAS4Server();
        if (MetaAS4Manager.getProfileMgr().getProfileOfID(PROFILE) == null) {
            // The P-Modes are this node's own (pmodeResolver), so the profile needs no default P-Mode of its own.
            MetaAS4Manager.getProfileMgr().registerProfile(new AS4Profile(PROFILE, "Passerelle eDelivery AS4",
                    () -> new IAS4ProfileValidator() { }, (initiator, responder, address) -> null,
                    IPModeIDProvider.DEFAULT_DYNAMIC, false, false));
        }
        phase4Started = true;
    }

    /**
     * phase4's in-memory managers, except that a user message under a Passerelle P-Mode is never stopped as an ebMS
     * duplicate: the inbox recognises a resent envelope by its own message id and digest and answers it as the first
     * time (its receipt again, so phase4 answers with an AS4 receipt again), and refuses the same id with other
     * content. Other P-Modes keep phase4's duplicate detection.
     */
    private static final class Managers extends AS4ManagerFactoryInMemory {

        @Override
        public IAS4DuplicateManager createDuplicateManager() {
            return new AS4DuplicateManagerInMemory() {
                @Override
                public EContinue registerAndCheck(String messageId, String profileId, String pmodeId) {
                    EContinue first = super.registerAndCheck(messageId, profileId, pmodeId);
                    return pmodeId != null && pmodeId.startsWith(PMODE_PREFIX) ? EContinue.CONTINUE : first;
                }
            };
        }
    }
}
