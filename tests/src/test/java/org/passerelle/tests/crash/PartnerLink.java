package org.passerelle.tests.crash;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The network between a sending node and its partner's exchange port: a plain TCP relay (TLS passes through it
 * untouched) that can add latency to the partner's answers and tells the test what is on the wire. Survives the
 * nodes on either side being killed and restarted, as a network would.
 *
 * <p>{@link #requestsAwaitingAnswer()} counts connections on which the sender last sent at least
 * {@code requestBytes} bytes and the partner has not answered yet: with TLS that is an envelope inside the partner's
 * inbox (the handshake's flights are smaller). {@link #answersHeld()} counts answers the partner has written that
 * the delay keeps from the sender.
 */
final class PartnerLink implements AutoCloseable {

    private final ServerSocket server;
    private final int partnerPort;
    private final Duration answerDelay;
    private final int requestBytes;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger awaiting = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong envelopes = new AtomicLong();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();

    private record Watch(long envelope, CompletableFuture<Void> reached) {
    }

    PartnerLink(int partnerPort, Duration answerDelay, int requestBytes) {
        this.partnerPort = partnerPort;
        this.answerDelay = answerDelay;
        this.requestBytes = requestBytes;
        try {
            this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.submit(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    int requestsAwaitingAnswer() {
        return awaiting.get();
    }

    int answersHeld() {
        return held.get();
    }

    long connections() {
        return connections.get();
    }

    /** Envelopes relayed to the partner so far (retransmissions included). */
    long envelopes() {
        return envelopes.get();
    }

    /** Completes as the {@code n}th envelope from now has been relayed to the partner, on the relaying thread. */
    CompletableFuture<Void> afterEnvelopes(int n) {
        Watch watch = new Watch(envelopes.get() + n, new CompletableFuture<>());
        watches.add(watch);
        return watch.reached();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket sender = server.accept();
                connections.incrementAndGet();
                threads.submit(() -> relay(sender));
            } catch (IOException e) {
                // Closed: the link is going away.
            }
        }
    }

    private void relay(Socket sender) {
        Socket partner;
        try {
            partner = new Socket(InetAddress.getLoopbackAddress(), partnerPort);
        } catch (IOException e) {
            closeQuietly(sender);   // the partner is down: the sender sees its connection closed
            return;
        }
        sockets.add(sender);
        sockets.add(partner);
        Conversation c = new Conversation(sender, partner);
        threads.submit(c::senderToPartner);
        threads.submit(c::partnerToSender);
    }

    /** One relayed connection; tracks whether an envelope is waiting for the partner's answer. */
    private final class Conversation {
        private final Socket sender;
        private final Socket partner;
        private long sentSinceAnswer;
        private boolean awaitingAnswer;

        Conversation(Socket sender, Socket partner) {
            this.sender = sender;
            this.partner = partner;
        }

        void senderToPartner() {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = sender.getInputStream(); OutputStream out = partner.getOutputStream()) {
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    out.flush();
                    sent(n);
                }
            } catch (IOException e) {
                // Either side went away.
            } finally {
                end();
            }
        }

        void partnerToSender() {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = partner.getInputStream(); OutputStream out = sender.getOutputStream()) {
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    answered();
                    if (!answerDelay.isZero()) {
                        held.incrementAndGet();
                        try {
                            Thread.sleep(answerDelay); // simulated network latency, not a test waiting
                        } finally {
                            held.decrementAndGet();
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // Either side went away.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                end();
            }
        }

        private synchronized void sent(int n) {
            sentSinceAnswer += n;
            if (!awaitingAnswer && sentSinceAnswer >= requestBytes) {
                awaitingAnswer = true;
                awaiting.incrementAndGet();
                long count = envelopes.incrementAndGet();
                for (Watch watch : watches) {
                    if (count >= watch.envelope()) {
                        watches.remove(watch);
                        watch.reached().complete(null);
                    }
                }
            }
        }

        private synchronized void answered() {
            sentSinceAnswer = 0;
            if (awaitingAnswer) {
                awaitingAnswer = false;
                awaiting.decrementAndGet();
            }
        }

        private void end() {
            answered();
            closeQuietly(sender);
            closeQuietly(partner);
            sockets.remove(sender);
            sockets.remove(partner);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        sockets.forEach(PartnerLink::closeQuietly);
        threads.shutdownNow();
    }
}
