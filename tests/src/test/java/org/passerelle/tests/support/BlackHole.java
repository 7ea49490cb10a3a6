package org.passerelle.tests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * A partner's address at the TCP level, below TLS: it swallows (accepts connections and never answers a byte, as a
 * black-holed route or a hung node does, so each attempt waits out the sender's timeout), or forwards each connection
 * to the real node, byte for byte (the partner is back), or is closed (connections refused: the partner is down).
 */
public final class BlackHole implements AutoCloseable {

    /** What is done with the next connection. */
    public enum Mode { SWALLOW, FORWARD }

    private final int port;
    private final IntSupplier target;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.SWALLOW);
    private final AtomicInteger swallowedCount = new AtomicInteger();
    private final List<Socket> swallowed = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    /** On {@code port}; when forwarding, to the port {@code target} gives on this machine. */
    public BlackHole(int port, IntSupplier target) {
        this.port = port;
        this.target = target;
    }

    public BlackHole mode(Mode next) {
        mode.set(next);
        return this;
    }

    /** Connections swallowed so far. */
    public int swallowed() {
        return swallowedCount.get();
    }

    /** Drops the swallowed connections (as a partner restarting does): the sender's waiting attempts fail at once. */
    public void dropSwallowed() {
        for (Socket s : swallowed) {
            closeQuietly(s);
        }
        swallowed.clear();
    }

    /** Opens the port. */
    public synchronized BlackHole start() {
        if (server != null) {
            return this;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port), 64);
            server = socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerSocket listening = server;
        Thread.ofVirtual().name("black-hole-" + port).start(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket accepted = listening.accept();
                    open.add(accepted);
                    if (mode.get() == Mode.SWALLOW) {
                        swallowedCount.incrementAndGet();
                        swallowed.add(accepted);
                        Thread.ofVirtual().start(() -> drain(accepted));
                    } else {
                        Thread.ofVirtual().start(() -> forward(accepted));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** Closes the port and every connection through it (the partner is down: connections are refused). */
    public synchronized void stop() {
        if (server != null) {
            closeQuietly(server);
            server = null;
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
        swallowed.clear();
    }

    /** Reads and discards what the sender writes, answering nothing, until the connection is closed. */
    private static void drain(Socket socket) {
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // swallowed
            }
        } catch (IOException ignored) {
            // closed by either side
        }
    }

    private void forward(Socket client) {
        try (client; Socket upstream = new Socket("localhost", target.getAsInt())) {
            open.add(upstream);
            Thread back = Thread.ofVirtual().start(() -> pipe(upstream, client));
            pipe(client, upstream);
            back.join();
        } catch (IOException | InterruptedException ignored) {
            // either side went away
        }
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException ignored) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        stop();
    }
}
