package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.passerelle.security.testing.TlsHandshakes.handshake;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.passerelle.security.testing.TestPki;

/** Mutual TLS between gateways with the party-aware trust managers. */
class PartyTlsTest {

    private final TestPki pki = TestPki.shared();

    @Test
    void gatewaysOfTwoPartiesHandshakeAndLearnEachOthersParty() throws Exception {
        SSLContext server = PartyTls.serverContext(pki.gateway("FR"), pki.validator());
        SSLContext client = PartyTls.clientContext(pki.gateway("GB"), pki.validator(), "FR");

        assertThat(handshake(server, client)).isEqualTo("GB");
    }

    @Test
    void clientRefusesAServerOfAnotherPartyThanExpected() throws Exception {
        SSLContext server = PartyTls.serverContext(pki.gateway("BE"), pki.validator());
        SSLContext client = PartyTls.clientContext(pki.gateway("GB"), pki.validator(), "FR");

        assertThatThrownBy(() -> handshake(server, client)).hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void serverRefusesARevokedClient() throws Exception {
        SSLContext server = PartyTls.serverContext(pki.gateway("FR"), pki.validator());
        SSLContext client = PartyTls.clientContext(pki.revoked("GB"), pki.validator(), "FR");

        assertThatThrownBy(() -> handshake(server, client)).isInstanceOf(Exception.class);
    }
}
