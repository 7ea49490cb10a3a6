package org.passerelle.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
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

    /** Runs one handshake on localhost and returns the party the server saw in the client certificate. */
    private static String handshake(SSLContext server, SSLContext client) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0)) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    InputStream in = socket.getInputStream();
                    in.read();
                    return PartyBinding.partyOf((X509Certificate) socket.getSession().getPeerCertificates()[0]);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", listener.getLocalPort())) {
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(1);
                out.flush();
                return seen.get(20, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new java.util.concurrent.ExecutionException(e);
            }
        }
    }
}
