package org.passerelle.security;

import static org.passerelle.security.SecurityErrorCode.KEY_MATERIAL_INVALID;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds TLS 1.3 contexts for mutual TLS between nodes from PKCS#12 key material and the party trust: the
 * peer's certificate must be a gateway certificate ({@link GatewayProfile}, and registered where the party has
 * registered ones) that validates (path, validity, revocation, key usage) against the anchors of the party it is
 * bound to, and, where one is expected, that party must be the expected one.
 */
public final class PartyTls {

    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private PartyTls() {
    }

    /** Told of each peer certificate refused at the handshake, with the party it names (null if none) and why. */
    @FunctionalInterface
    public interface Refusals {
        void refused(String partyOrNull, SecurityCheckException reason);

        /** Refusals go unrecorded (the handshake still fails). */
        static Refusals none() {
            return (party, reason) -> { };
        }
    }

    /** A server context accepting clients of any configured party; read the client's party with {@link PartyBinding#partyOf}. */
    public static SSLContext serverContext(KeyMaterial own, CertificateValidator validator) {
        return serverContext(own, validator, Refusals.none());
    }

    /** As {@link #serverContext(KeyMaterial, CertificateValidator)}, telling {@code refusals} of every client refused. */
    public static SSLContext serverContext(KeyMaterial own, CertificateValidator validator, Refusals refusals) {
        return context(own, new PartyTrustManager(validator, null, Clock.systemUTC(), refusals));
    }

    /** A client context that only talks to a server bound to the expected party. */
    public static SSLContext clientContext(KeyMaterial own, CertificateValidator validator, String expectedServerParty) {
        return clientContext(own, validator, expectedServerParty, Refusals.none());
    }

    /** As {@link #clientContext(KeyMaterial, CertificateValidator, String)}, telling {@code refusals} of a server refused. */
    public static SSLContext clientContext(KeyMaterial own, CertificateValidator validator, String expectedServerParty,
                                           Refusals refusals) {
        return context(own, new PartyTrustManager(validator, Objects.requireNonNull(expectedServerParty, "expectedServerParty"),
                Clock.systemUTC(), refusals));
    }

    /** Key managers presenting this key and its chain. */
    public static KeyManager[] keyManagers(KeyMaterial own) {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(own.toKeyStore("own", IN_MEMORY), IN_MEMORY);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "cannot build the key manager", e);
        }
    }

    /**
     * A trust manager validating the peer with the validator, now; the peer must be bound to the expected
     * party, or (expectedParty null) to any party configured in the validator's trust. The JDK adds its own
     * algorithm constraints and, where the caller asks for it, host name checks.
     */
    public static X509TrustManager trustManager(CertificateValidator validator, String expectedParty) {
        return new PartyTrustManager(validator, expectedParty, Clock.systemUTC(), Refusals.none());
    }

    private static SSLContext context(KeyMaterial own, TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keyManagers(own), new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SecurityCheckException(KEY_MATERIAL_INVALID, "cannot build the TLS context", e);
        }
    }

    /** Validates TLS peers with the party-aware certificate validator. */
    private static final class PartyTrustManager implements X509TrustManager {

        private final CertificateValidator validator;
        private final String expectedParty;
        private final Clock clock;
        private final Refusals refusals;

        PartyTrustManager(CertificateValidator validator, String expectedParty, Clock clock, Refusals refusals) {
            this.validator = Objects.requireNonNull(validator, "validator");
            this.expectedParty = expectedParty;
            this.clock = clock;
            this.refusals = Objects.requireNonNull(refusals, "refusals");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> anchors = expectedParty == null
                    ? validator.trust().allAnchors() : validator.trust().anchors(expectedParty);
            return anchors.toArray(new X509Certificate[0]);
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("no peer certificate");
            }
            String party = expectedParty;
            try {
                if (party == null) {
                    party = PartyBinding.partyOf(chain[0]);
                }
                validator.validateGateway(chain[0], Arrays.asList(chain).subList(1, chain.length), clock.instant(), party);
            } catch (SecurityCheckException e) {
                refusals.refused(party, e);
                throw new CertificateException(e.getMessage(), e);
            }
        }
    }
}
