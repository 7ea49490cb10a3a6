package org.passerelle.security.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.passerelle.security.PartyBinding;

/** Runs one mutual TLS 1.3 handshake on localhost between two contexts, as the partner port and a partner would. */
public final class TlsHandshakes {

    private TlsHandshakes() {
    }

    /**
     * Completes a handshake with client authentication, a byte each way (TLS 1.3 checks the client's certificate
     * after the client's last flight, so only an answer proves the server took it), and returns the party the server
     * saw in the client's certificate; an {@link ExecutionException} when either side refused.
     */
    public static String handshake(SSLContext server, SSLContext client) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0)) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    InputStream in = socket.getInputStream();
                    int read = in.read();
                    socket.getOutputStream().write(read);
                    socket.getOutputStream().flush();
                    return PartyBinding.partyOf((X509Certificate) socket.getSession().getPeerCertificates()[0]);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", listener.getLocalPort())) {
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(1);
                out.flush();
                if (socket.getInputStream().read() != 1) {
                    throw new IOException("the server closed the connection");
                }
                return seen.get(20, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new ExecutionException(e);
            }
        }
    }
}
